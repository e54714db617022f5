"""``trygg jobs run``: run the queued background jobs once and exit (see trygg.jobs)."""

from django.core.management.base import BaseCommand, CommandError

from trygg.jobs import queue


class Command(BaseCommand):
    help = "Run the queued background jobs (the annual report …) now, one after the other, and exit."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="run at most this many jobs")

    def handle(self, *args, limit=None, **opts):
        finished = queue.run_pending(limit=limit)
        for job in finished:
            self.stdout.write(f"{job.kind} #{job.pk} {job.params}: {job.status}" + (f": {job.error}" if job.error else ""))
        if not finished:
            self.stdout.write("no background job is queued")
        if any(job.status == job.Status.FAILED for job in finished):
            raise CommandError("a background job failed (see above)")
