"""``trygg scheduler``: police feed, nightly backup and retention on their schedule (see trygg.ops.scheduler)."""

from django.core.management.base import BaseCommand, CommandError

from trygg.ops.scheduler import JOBS, Busy, loop, plan, run_due, run_job


class Command(BaseCommand):
    help = ("Run scheduled work: police feed fetch, nightly backup, retention (TRYGG_SCHEDULE_*); "
            "each job under a lock, every run in the import history.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due now and exit (for cron or a timer)")
        parser.add_argument("--run", choices=JOBS, help="run one job now, due or not, and exit")
        parser.add_argument("--list", dest="show_plan", action="store_true", help="show each job's schedule, last run and next run")
        parser.add_argument("--tick", type=int, default=30, help="seconds between two looks at the schedule (loop)")

    def handle(self, *args, once=False, run=None, show_plan=False, tick=30, **opts):
        from trygg.web.checks import require_secret_key

        if show_plan:
            for line in plan():
                self.stdout.write(line)
            return
        try:
            require_secret_key()
        except Exception as exc:
            raise CommandError(str(exc))
        if run:
            try:
                self.stdout.write(f"{run}: {run_job(run)}")
            except Busy as exc:  # another process runs it right now: nothing to do, not an error
                self.stdout.write(f"{run}: skipped: {exc}")
            except Exception as exc:
                raise CommandError(f"{run} failed: {type(exc).__name__}: {exc}")
        elif once:
            lines = run_due(out=self.stdout.write)
            if not lines:
                self.stdout.write("nothing is due")
            if any(": FAILED " in line for line in lines):
                raise CommandError("a scheduled job failed (see above and the import history)")
        else:
            try:
                loop(self.stdout.write, tick=max(1, tick))
            except Busy as exc:
                raise CommandError(f"a scheduler is already running: {exc}")
