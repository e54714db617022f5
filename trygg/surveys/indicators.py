"""The safety-survey indicators Trygg knows: slug → label, kind (share or index) and direction.

Shares are stored as percentages (0–100); indices on their own scale (the police's problem index
runs 0–6). ``higher_is_worse`` tells the views which way a significant change is a warning.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    slug: str
    label: str
    kind: str  # "share" (percent of respondents) or "index"
    low: float
    high: float
    higher_is_worse: bool = True


INDICATORS = {i.slug: i for i in [
    Indicator("unsafe_night", _("Feel unsafe outdoors alone late at night (%)"), "share", 0, 100),
    Indicator("worried_crime", _("Worried about crime in society (%)"), "share", 0, 100),
    Indicator("exposed_crime", _("Exposed to crime in the last year (%)"), "share", 0, 100),
    Indicator("avoid_places", _("Avoid places or routes because of fear (%)"), "share", 0, 100),
    Indicator("problem_index", _("Problem index for the area (0–6)"), "index", 0, 6),
]}


def indicator_choices():
    return [(i.slug, i.label) for i in INDICATORS.values()]
