"""``{% conference_decisions year %}``: the decisions of the conference held for ``year - 1``, the
input to ``year``'s agreements, shown on the work cycle's agreement pages. A template tag, so that
the work app does not import the reports app (``tests/test_import_graph.py``)."""

from django import template

from trygg.reports.models import decisions_for

register = template.Library()


@register.inclusion_tag("reports/_decisions.html")
def conference_decisions(year: int):
    return {"decisions": decisions_for(year), "decisions_year": year - 1}
