"""Themes and categories shared by every source (police events, EST reports, Brå statistics).

A theme gathers categories across sources, e.g. "narkotika" holds police narcotics events, EST
observations of drug dealing and syringes, and Brå's narkotikabrott. The police event-type →
category table lives in ``data/police_event_types.csv`` (editable).
"""

from django.utils.translation import gettext_lazy as _

THEMES = {
    "narkotika": _("Narcotics"),
    "organiserad-brottslighet": _("Organised crime and serious violence"),
    "vald": _("Violence"),
    "egendom": _("Property crime"),
    "ordning": _("Public order and safety"),
    "trafik": _("Traffic"),
    "ovrigt": _("Other"),
}

# category slug → (label, theme)
CATEGORIES = {
    # police events (see data/police_event_types.csv)
    "narkotikabrott": (_("Drug offences"), "narkotika"),
    "skottlossning": (_("Shootings"), "organiserad-brottslighet"),
    "explosion": (_("Explosions"), "organiserad-brottslighet"),
    "mord-drap": (_("Murder and manslaughter"), "organiserad-brottslighet"),
    "vapenbrott": (_("Weapons offences"), "organiserad-brottslighet"),
    "misshandel": (_("Assault"), "vald"),
    "ran": (_("Robbery"), "vald"),
    "hot-vald": (_("Threats and violence"), "vald"),
    "stold-inbrott": (_("Theft and burglary"), "egendom"),
    "bedrageri": (_("Fraud"), "egendom"),
    "brand": (_("Fire"), "egendom"),
    "skadegorelse": (_("Vandalism"), "egendom"),
    "ordningsstorning": (_("Public order"), "ordning"),
    "trafik": (_("Traffic"), "trafik"),
    "ovrigt": (_("Other"), "ovrigt"),
    # police records that are not one incident: kept for provenance, left out of counts
    "sammanfattning": (_("Summary of several events"), "ovrigt"),
    "uppdatering": (_("Update of an earlier event"), "ovrigt"),
    # EST observations from staff in the area
    "klotter": (_("Graffiti"), "ordning"),
    "nedskrapning": (_("Littering"), "ordning"),
    "narkotika-handel": (_("Drug dealing observed"), "narkotika"),
    "narkotika-fynd": (_("Drug litter (e.g. syringes)"), "narkotika"),
    "ansamling": (_("Gatherings"), "ordning"),
    "otrygg-plats": (_("Unsafe place (lighting, bushes)"), "ordning"),
    "annat": (_("Other observation"), "ovrigt"),
}

# Police records that summarise or update other events: not counted as incidents
# (``Incident.objects.counted()`` leaves them out).
NOT_COUNTED = frozenset({"sammanfattning", "uppdatering"})

# The EST checklist, in the order the form shows it.
EST_CATEGORIES = [
    "klotter", "skadegorelse", "nedskrapning", "brand", "narkotika-handel", "narkotika-fynd",
    "ansamling", "otrygg-plats", "hot-vald", "annat",
]


def theme_of(category: str) -> str:
    return CATEGORIES.get(category, (None, "ovrigt"))[1]


def categories_of(theme: str) -> list[str]:
    """The categories a theme gathers (summaries and updates are not incidents: never listed)."""
    return [slug for slug, (_label, t) in CATEGORIES.items() if t == theme and slug not in NOT_COUNTED]


def category_label(category: str) -> str:
    return str(CATEGORIES.get(category, (category, ""))[0])


def theme_label(theme: str) -> str:
    return str(THEMES.get(theme, theme))
