"""The annual report as a background job (``trygg.jobs``): one job per year, theme, municipality,
language and format, its result kept until the data version changes. The report's data are
computed once per data version and shared by the page and the files (``figure_cache``)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from trygg.areas import schemes
from trygg.areas.models import Area, Level
from trygg.numbers import figure_cache

from . import render
from .data import collect

KIND = "annual-report"
FORMATS = ("html", "pdf", "xlsx")


def params(year: int, theme: str, municipality: str, fmt: str, language: str = "sv") -> dict:
    return {"year": year, "theme": theme, "municipality": municipality, "format": fmt, "language": language}


def file_name(p: dict) -> str:
    return f"arsanalys-{p['year']}-{p['theme']}.{p['format']}"


def _step_text(name: str) -> str:
    if name.startswith("district "):
        return _("Area %(name)s") % {"name": name.removeprefix("district ")}
    return {"city": _("The municipality as a whole"), "surveys": _("Survey results"),
            "theme": _("The theme in depth"), "collaboration": _("The collaboration survey"),
            "method": _("Method and data sources")}.get(name, name)


def build(p: dict, progress) -> tuple[bytes | str, str, str]:
    """Collect the report (or take it from the figure cache) and write it in its format."""
    year, theme, code, fmt = p["year"], p["theme"], p["municipality"], p["format"]
    with translation.override(p.get("language") or "sv"):
        city = Area.objects.filter(code=code, level=Level.MUNICIPALITY).first()
        total = 6 + (schemes.districts(city).count() if city else 0)  # the steps of collect() and the writing
        done = [0]

        def tick(name):
            progress(100 * done[0] / total, _step_text(name))
            done[0] += 1

        report = figure_cache.cached("annual-report", lambda: collect(year, theme, progress=tick, municipality=code),
                                     year, theme, code)
        progress(100 * (total - 1) / total, _("Writing the %(format)s file") % {"format": fmt.upper()})
        content = render.html(report, standalone=False) if fmt == "html" else render.FORMATS[fmt](report)
    return content, file_name(p), render.CONTENT_TYPES[fmt]
