"""``trygg import gazetteer [--municipality CODE] [--file names.csv]``: load the place names."""

from django.core.management.base import BaseCommand, CommandError

from trygg.areas.models import Area, Level
from trygg.incidents.placing import GazetteerDataError, load_gazetteer, shipped_sources


class Command(BaseCommand):
    help = ("Load the gazetteers (place names → areas) that the shipped municipality configurations name "
            "([gazetteer] in municipality.toml; trygg setup municipality loads a municipality's with it) for "
            "every municipality they cover, or one municipality's own list (CSV: name, area[, note]). Atomic; "
            "the analyst's own names are kept. Run `trygg place police-events` afterwards to apply it to stored "
            "events.")

    def add_arguments(self, parser):
        parser.add_argument("--municipality", help="municipality code (default: all the shipped gazetteers cover)")
        parser.add_argument("--file", help="a CSV of names (name, area code, note) for --municipality")

    def handle(self, *args, municipality=None, file=None, **options):
        munis = None
        if municipality:
            m = Area.objects.filter(code=municipality, level=Level.MUNICIPALITY).first()
            if m is None:
                raise CommandError(f"--municipality: no municipality with code {municipality!r}")
            munis = [m]
        elif file:
            raise CommandError("--file needs --municipality")
        try:
            if file:
                from pathlib import Path

                path = Path(file)
                if not path.exists():
                    raise CommandError(f"{file}: no such file")
                counts = load_gazetteer(munis, curated_file=path, stdout=self.stdout)
            else:
                if munis and not shipped_sources().covers(munis[0]):
                    # reloading would only remove the names its own configuration's setup loaded
                    raise CommandError(f"--municipality {municipality}: no shipped configuration has a gazetteer for "
                                       f"{munis[0].name}; run `trygg setup municipality FOLDER` with its own "
                                       "configuration, or give --file")
                counts = load_gazetteer(munis, stdout=self.stdout)
        except GazetteerDataError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"{sum(counts.values())} place names in {len(counts)} municipalities.")
