from django.core.management.base import BaseCommand, CommandError

from trygg.areas.loading import AreaImportError, load_layer
from trygg.areas.models import Level
from trygg.areas.municipality_setup import setup_municipality
from trygg.areas.schemes import SHIPPED, SchemeError
from trygg.areas.sweden import load_sweden


class Command(BaseCommand):
    help = (
        "Import one level of areas from a GeoJSON file (WGS84), atomically and idempotently. "
        "Use FILE 'sweden' for Sweden's municipalities, or the folder name of a municipality shipped in "
        "trygg/areas/data/municipalities/ for its areas (the same as trygg setup municipality on that folder)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON FeatureCollection (.geojson or .geojson.gz), sweden, or a shipped "
                                         "municipality's folder name")
        parser.add_argument("--level", choices=Level.values)
        parser.add_argument("--code-field")
        parser.add_argument("--name-field")
        parser.add_argument("--parent-field", help="property holding the parent area's code")
        parser.add_argument("--parent", help="one parent area code for every feature (e.g. the municipality)")
        parser.add_argument("--code-prefix", default="", help="prefix for codes, to keep them unique")
        parser.add_argument("--population-field", help="property with the total population")
        parser.add_argument("--population-year", type=int)
        parser.add_argument("--invalid-geometry", choices=["refuse", "repair"], default="refuse",
                            help="a self-intersecting polygon: refuse the file (default) or repair it (shapely make_valid)")

    def handle(self, *args, **o):
        try:
            shipped = SHIPPED / o["file"]
            if "/" not in o["file"] and o["file"] and (shipped / "municipality.toml").exists():
                setup_municipality(shipped, self.stdout)
                return
            if o["file"] == "sweden":
                load_sweden(self.stdout)
                return
            missing = [f"--{k.replace('_', '-')}" for k in ("level", "code_field", "name_field") if not o[k]]
            if missing:
                raise CommandError("missing " + ", ".join(missing))
            pop = {"": o["population_field"]} if o["population_field"] else None
            if pop and not o["population_year"]:
                raise CommandError("--population-field needs --population-year")
            res = load_layer(
                o["file"], level=o["level"], code_field=o["code_field"], name_field=o["name_field"],
                parent_field=o["parent_field"], parent_code=o["parent"], code_prefix=o["code_prefix"],
                population_fields=pop, population_year=o["population_year"], population_source=str(o["file"]),
                invalid_geometry=o["invalid_geometry"],
            )
        except (AreaImportError, SchemeError) as exc:
            raise CommandError(str(exc))
        self.stdout.write(self.style.SUCCESS(
            f"{o['file']}: {res.created} new, {res.updated} updated, {res.unchanged} unchanged areas "
            f"({res.populations} population figures)"))
