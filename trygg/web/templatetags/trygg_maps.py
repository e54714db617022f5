"""``{% map_strings %}``: the map's words in the UI language, as JSON for map.js (no inline script)."""

from django import template
from django.utils.html import json_script
from django.utils.translation import gettext_lazy as _

register = template.Library()

MAP_STRINGS = {
    "event": _("event"),
    "events": _("events"),
    "comparison": _("comparison period"),
    "per_1000": _("per 1,000 inhabitants"),
    "smoothed": _("smoothed (empirical Bayes)"),
    "rise": _("significant rise"),
    "fall": _("significant fall"),
    "legend_rate": _("Rate per 1,000 inhabitants, smoothed"),
    "no_population": _("no population"),
    "in_cell": _("in the cell"),
    "in_neighbourhood": _("in the cell and its 8 neighbours"),
    "p_fdr": _("p (FDR)"),
    "density": _("kernel density per km²"),
    "est_report": _("EST report"),
    "hotspot": _("Hotspot (250 m cell)"),
    "police_place": _("Police events placed by place name"),
    "hotspot_title": _("Hotspot"),
    "locating": _("Finding your position …"),
    "geolocation_failed": _("Your position could not be found: choose the place on the map or an area."),
    "chosen": _("Chosen place:"),
    "looking_up": _("Looking up the area …"),
    "outside": _("That place is outside the municipality's areas."),
    "not_yours": _("That place is outside the areas you may report in."),
}


@register.simple_tag
def map_strings():
    return json_script(MAP_STRINGS, "map-i18n")
