"""``trygg scheduler``: police feed, nightly backup and retention on their schedule (see trygg.ops.scheduler)."""

from django.core.management.base import BaseCommand, CommandError

from trygg.ops.scheduler import JOBS, Busy, loop, run_due, run_job


class Command(BaseCommand):
    help = "Run scheduled work: police feed fetch, nightly backup, retention (TRYGG_SCHEDULE); one at a time (locks)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due now and exit")
        parser.add_argument("--run", choices=JOBS, help="run one job now and exit")

    def handle(self, *args, once=False, run=None, **opts):
        from trygg.web.checks import require_secret_key

        require_secret_key()
        try:
            if run:
                self.stdout.write(f"{run}: {run_job(run)}")
            elif once:
                run_due(out=self.stdout.write)
            else:
                loop(self.stdout.write)
        except Busy as exc:
            raise CommandError(str(exc))
