"""``trygg retention [--dry-run]``: delete or anonymise what is past its retention period."""

from django.core.management.base import BaseCommand

from trygg.ops.retention import log_run, periods, run_retention


class Command(BaseCommand):
    help = "Retention (gallring): anonymise or delete what is past its period in TRYGG_RETENTION; logged."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what would go")

    def handle(self, *args, dry_run=False, **opts):
        outcomes = run_retention(dry_run=dry_run)
        for o in outcomes:
            self.stdout.write(o.line())
        if not dry_run:
            log_run(outcomes)
        off = [rule for rule, days in periods().items() if not days]
        if off:
            self.stdout.write(f"switched off: {', '.join(off)}")
