import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from trygg.areas import schemes
from trygg.areas.models import Area
from trygg.incidents.categories import THEMES
from trygg.reports.annual import render
from trygg.reports.annual.data import collect


class Command(BaseCommand):
    help = "Generate the annual analysis (årsanalys) for a year and theme as PDF, HTML or Excel."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--theme", required=True, choices=list(THEMES))
        parser.add_argument("--format", dest="fmt", choices=list(render.FORMATS), default="pdf")
        parser.add_argument("-o", "--output", help="output file (default: arsanalys-YEAR-THEME.FORMAT)")
        parser.add_argument("--language", default="sv", help="report language (default sv)")
        parser.add_argument("--municipality", help="SCB code of the municipality (default: the installation's own)")

    def handle(self, *args, year, theme, fmt, output=None, language="sv", **options):
        out = Path(output or f"arsanalys-{year}-{theme}.{fmt}")
        city = Area.objects.filter(code=options.get("municipality") or schemes.home_code()).first()
        steps = 6 + (schemes.districts(city).count() if city else 0) + 1
        started = time.perf_counter()
        with translation.override(language), tqdm(total=steps, desc="årsanalys", unit="steg",
                                                  disable=options.get("verbosity", 1) == 0) as bar:
            def progress(name):
                bar.set_postfix_str(name)
                bar.update(1)

            try:
                report = collect(year, theme, progress=progress, municipality=options.get("municipality"))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            bar.set_postfix_str(fmt)
            content = render.FORMATS[fmt](report)
            bar.update(1)
        out.write_bytes(content.encode() if isinstance(content, str) else content)
        self.stdout.write(f"{out}: {fmt}, {out.stat().st_size // 1024} kB in {time.perf_counter() - started:.1f} s")
