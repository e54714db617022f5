from django.core.management.base import BaseCommand, CommandError

from trygg.areas.municipality_setup import setup_municipality
from trygg.areas.schemes import SchemeError


class Command(BaseCommand):
    help = ("Set up a municipality from its configuration (municipality.toml or its folder): partners, area "
            "levels, district level, metropolitan peers, report cover, its areas, and the themes, categories, "
            "Brå crime types and police event types (defaults where missing, the file's own additions); atomic and idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="municipality.toml, or the folder holding it (docs/municipalities.md)")

    def handle(self, *args, **o):
        try:
            res = setup_municipality(o["path"], self.stdout)
        except SchemeError as exc:
            raise CommandError(str(exc)) from exc
        s = res.scheme
        self.stdout.write(self.style.SUCCESS(
            f"{s.name} ({s.code}): configuration {'created' if res.created else 'updated'}; "
            f"district level {s.district_level}; {sum(res.areas.values())} areas in files, {res.new_areas} new"
            + (f"; {sum(res.place_names.values())} place names" if res.place_names else "")
            + f"; themes, categories, event and crime types: {res.taxonomy['created']} new, "
              f"{res.taxonomy['updated']} changed"))
