"""``trygg import population FILE``: population per area and year (CSV or SCB PxWeb JSON)."""

from django.core.management.base import BaseCommand, CommandError

from trygg.areas.population_import import PopulationImportError, import_population


class Command(BaseCommand):
    help = "Import population (CSV area_code,year,age_band,count, or SCB PxWeb JSON). Atomic, idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", default="", help="source label stored with each figure")

    def handle(self, file, source, **options):
        try:
            c = import_population(file, source=source)
        except PopulationImportError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"population {file}: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged")
