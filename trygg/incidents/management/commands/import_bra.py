"""``trygg import bra FILE.csv``: Brå reported-crime statistics."""

from django.core.management.base import BaseCommand, CommandError

from trygg.incidents.bra import import_bra_csv
from trygg.incidents.importing import ImportFileError, summary_line


class Command(BaseCommand):
    help = "Import Brå reported crimes (CSV: year, area, crime_type, count[, source_url]). Atomic, idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        try:
            run = import_bra_csv(file)
        except ImportFileError as exc:
            raise CommandError(str(exc))
        self.stdout.write(summary_line(run))
