"""``trygg rebuild-daily``: recompute the pre-aggregated daily counts from the incidents."""

import time

from django.core.management.base import BaseCommand

from trygg.incidents import daily, dataversion


class Command(BaseCommand):
    help = "Recompute the daily counts (area × source × category × day) from the incident table."

    def handle(self, *args, **options):
        t0 = time.perf_counter()
        cells = daily.rebuild()
        dataversion.bump()
        self.stdout.write(f"{cells} daily cells from the incidents in {time.perf_counter() - t0:.1f} s.")
