"""``trygg fetch police-events [--url URL]``: one polite request to the live events API."""

from django.core.management.base import BaseCommand, CommandError

from trygg.incidents.fetch import DEFAULT_URL, FetchRefused, fetch_police_events
from trygg.incidents.importing import ImportFileError, summary_line


class Command(BaseCommand):
    help = "Fetch the police events feed (one request; honours TRYGG_POLICE_FETCH_MIN_INTERVAL seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=DEFAULT_URL)
        parser.add_argument("--timeout", type=float, default=30)

    def handle(self, url, timeout, **options):
        try:
            run = fetch_police_events(url, timeout=timeout)
        except (ImportFileError, FetchRefused) as exc:
            raise CommandError(str(exc))
        self.stdout.write(summary_line(run))
