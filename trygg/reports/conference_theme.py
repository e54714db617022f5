"""The theme a municipality's partners agreed on for their annual conference: highlighted in the
situation picture of that municipality's areas."""

from __future__ import annotations

from django.conf import settings

from trygg.incidents.categories import THEMES


def current_conference_theme(area=None) -> str:
    """The theme of the latest conference of ``area``'s municipality whose theme both partners
    have approved; without one (or without an area in a municipality), the setting
    ``TRYGG_CONFERENCE_THEME`` (default "organiserad-brottslighet")."""
    from trygg.areas.schemes import municipality_code

    from .models import Conference

    code = municipality_code(area) if area is not None else None
    approved = None
    if code:
        approved = (Conference.objects.filter(municipality__code=code, municipality__level="municipality",
                                              city_approved_at__isnull=False, police_approved_at__isnull=False)
                    .order_by("-year").values_list("theme", flat=True).first())
    if approved in THEMES:
        return approved
    return settings.TRYGG_CONFERENCE_THEME
