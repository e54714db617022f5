"""``{% conference_decisions year area %}``: the decisions of the conference of ``area``'s
municipality held for ``year - 1``, the input to ``year``'s agreements, shown on the work cycle's
agreement pages. A template tag, so that the work app does not import the reports app
(``tests/test_import_graph.py``)."""

from django import template

from trygg.areas.models import Area, Level
from trygg.areas.schemes import municipality_code
from trygg.reports.models import decisions_for

register = template.Library()


@register.inclusion_tag("reports/_decisions.html")
def conference_decisions(year: int, area=None):
    code = municipality_code(area) if area is not None else None
    municipality = Area.objects.filter(level=Level.MUNICIPALITY, code=code).defer("geometry").first() if code else None
    return {"decisions": decisions_for(year, municipality), "decisions_year": year - 1, "municipality": municipality}
