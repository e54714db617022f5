"""``trygg import est FILE.csv``: EST reports collected outside Trygg."""

from django.core.management.base import BaseCommand, CommandError

from trygg.accounts.models import Organisation
from trygg.incidents.est import import_est_csv
from trygg.incidents.importing import ImportFileError, summary_line


class Command(BaseCommand):
    help = ("Import EST reports (CSV: occurred_at, category, lon+lat or area_code, place, description, "
            "organisation). Atomic, idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", help="organisation name for rows without one")
        parser.add_argument("--personal-data", choices=["redact", "reject"])

    def handle(self, file, organisation=None, personal_data=None, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(name__iexact=organisation).first()
            if org is None:
                raise CommandError(f"--organisation: unknown organisation {organisation!r}")
        try:
            run = import_est_csv(file, organisation=org, personal_data=personal_data)
        except ImportFileError as exc:
            raise CommandError(str(exc))
        self.stdout.write(summary_line(run))
