"""The theme the partners agreed on for the annual conference: highlighted in the situation picture."""

from __future__ import annotations

from django.conf import settings

from trygg.incidents.categories import THEMES


def current_conference_theme() -> str:
    """The theme of the latest conference whose theme both partners have approved; without one,
    the setting ``TRYGG_CONFERENCE_THEME`` (default "organiserad-brottslighet")."""
    from .models import Conference

    approved = (Conference.objects.filter(city_approved_at__isnull=False, police_approved_at__isnull=False)
                .order_by("-year").values_list("theme", flat=True).first())
    if approved in THEMES:
        return approved
    return settings.TRYGG_CONFERENCE_THEME
