"""``trygg import police-events FILE.json[.gz]``: import the police events feed from a file."""

from django.core.management.base import BaseCommand, CommandError

from trygg.incidents.importing import ImportFileError, summary_line
from trygg.incidents.police import import_police_file


class Command(BaseCommand):
    help = "Import police events (polisen.se/api/events JSON, optionally gzipped). Atomic and idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--personal-data", choices=["redact", "reject"],
                            help="what to do with records holding personal data (default: setting, else redact)")

    def handle(self, file, personal_data=None, **options):
        try:
            run = import_police_file(file, personal_data=personal_data)
        except ImportFileError as exc:
            raise CommandError(str(exc))
        self.stdout.write(summary_line(run))
