"""``trygg jobs work``: the job runner without the schedule: waits for queued background jobs
and runs them (``trygg serve`` starts it beside gunicorn; see trygg.ops.scheduler.loop)."""

import os

from django.core.management.base import BaseCommand

from trygg.ops.scheduler import loop


class Command(BaseCommand):
    help = ("Wait for queued background jobs (the annual report …) and run them, until stopped "
            "(trygg serve starts it; trygg scheduler does the same beside the schedule).")

    def add_arguments(self, parser):
        parser.add_argument("--parent", type=int, metavar="PID",
                            help="stop when process PID (the one that started this one: trygg serve) has ended")

    def handle(self, *args, parent=None, **opts):
        orphaned = (lambda: os.getppid() != parent) if parent else None
        loop(self.stdout.write, scheduled=False, jobs=True, stop_when=orphaned)
