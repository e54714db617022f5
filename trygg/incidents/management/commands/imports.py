"""``trygg imports``: the import history with counts."""

from django.core.management.base import BaseCommand

from trygg.incidents.models import ImportRun


class Command(BaseCommand):
    help = "List import runs (newest first) with new, unchanged, updated, rejected, redacted, placed counts."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=30)

    def handle(self, limit, **options):
        self.stdout.write(f"{'started':16}  {'source':10} {'status':7} {'new':>7} {'unch.':>7} {'upd.':>6} "
                          f"{'rej.':>5} {'red.':>5} {'placed':>6}  file")
        for r in ImportRun.objects.all()[:limit]:
            self.stdout.write(f"{r.started_at:%Y-%m-%d %H:%M}  {r.source:10} {r.status:7} {r.new:>7} {r.unchanged:>7} "
                              f"{r.updated:>6} {r.rejected:>5} {r.redacted:>5} {r.placed_in_district:>6}  {r.file_name}")
