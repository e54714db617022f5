from django import template

from trygg.surveys.collaboration import open_invitations
from trygg.surveys.results import area_series

register = template.Library()


@register.simple_tag
def survey_series(area, until_year=None):
    """The survey series of ``area`` (see trygg.surveys.results.area_series)."""
    return area_series(area, until_year) if area is not None else []


@register.simple_tag
def pending_survey_count(user):
    """How many open collaboration surveys ``user`` has not answered yet."""
    if not user.is_authenticated:
        return 0
    return sum(1 for inv in open_invitations(user) if not hasattr(inv, "answer"))
