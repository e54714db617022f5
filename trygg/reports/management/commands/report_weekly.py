import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from trygg.areas.models import Area
from trygg.reports import weekly


class Command(BaseCommand):
    help = "Write the weekly brief of an area (one page per area) as A4 PDF or PPTX slides."

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="area code; a municipality gets one page per district too")
        parser.add_argument("--format", dest="fmt", choices=list(weekly.FORMATS), default="pdf")
        parser.add_argument("-o", "--output", help="output file (default: vecka-AREA.FORMAT)")
        parser.add_argument("--language", default="sv")

    def handle(self, *args, area, fmt, output=None, language="sv", **options):
        a = Area.objects.filter(code=area).first()
        if a is None:
            raise CommandError(f"no area with code {area!r} (see trygg import areas)")
        out = Path(output or f"vecka-{area}.{fmt}")
        started = time.perf_counter()
        with translation.override(language):
            brief = weekly.collect(a)
            content = weekly.FORMATS[fmt](brief)
        out.write_bytes(content.encode() if isinstance(content, str) else content)
        p = brief.pages[0]
        self.stdout.write(f"{out}: week {p.week} ({p.start}–{p.end}), {len(brief.pages)} page(s), {fmt}, "
                          f"{out.stat().st_size // 1024} kB in {time.perf_counter() - started:.1f} s")
