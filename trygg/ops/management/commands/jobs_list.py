"""``trygg jobs list``: the newest background jobs and where they stand."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from trygg.jobs.models import Job


class Command(BaseCommand):
    help = "List the newest background jobs: kind, parameters, status, progress, data version."

    def add_arguments(self, parser):
        parser.add_argument("-n", type=int, default=20, help="how many (default 20)")

    def handle(self, *args, n=20, **opts):
        jobs = list(Job.objects.all()[:n])
        for job in jobs:
            when = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
            state = f"{job.status} {job.progress} %" if job.active else job.status
            self.stdout.write(f"#{job.pk} {when} {job.kind} {job.params} data v{job.data_version}: {state}"
                              + (f" – {job.error}" if job.error else ""))
        if not jobs:
            self.stdout.write("no background jobs")
