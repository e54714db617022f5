import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from trygg.areas.models import Area
from trygg.reports.models import StatutoryDocument
from trygg.reports.statutory import render
from trygg.reports.statutory.data import KINDS, collect


class Command(BaseCommand):
    help = "Write the statutory situation picture or action plan (SFS 2023:196) of an area as PDF/UA or DOCX."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("--area", required=True, help="area code; the municipality's code for the whole municipality")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", dest="fmt", choices=list(render.FORMATS), default="pdf")
        parser.add_argument("-o", "--output", help="output file (default: KIND-AREA-YEAR.FORMAT)")
        parser.add_argument("--language", default="sv", help="document language (default sv)")

    def handle(self, *args, kind, area, year, fmt, output=None, language="sv", **options):
        a = Area.objects.filter(code=area).first()
        if a is None:
            raise CommandError(f"no area with code {area!r} (see trygg import areas)")
        out = Path(output or f"{kind}-{area}-{year}.{fmt}")
        started = time.perf_counter()
        # the latest version's text sections and approvals, if one is saved in the app
        doc = StatutoryDocument.objects.filter(area=a, kind=kind, year=year).order_by("-version").first()
        with translation.override(language):
            if doc and doc.adopted_at and fmt in ("pdf", "docx") and getattr(doc, fmt):
                content = getattr(doc, fmt).read()
            else:
                try:
                    report = collect(a, kind, year, doc=doc)
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
                content = render.FORMATS[fmt](report)
        out.write_bytes(content.encode() if isinstance(content, str) else content)
        state = f"v{doc.version}{' adopted' if doc.adopted_at else ' draft'}" if doc else "no saved version"
        self.stdout.write(f"{out}: {kind} {a.name} {year} ({state}), {fmt}, {out.stat().st_size // 1024} kB "
                          f"in {time.perf_counter() - started:.1f} s")
