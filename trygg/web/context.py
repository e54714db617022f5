"""Template context shared by every page: the navigation the current user may use."""

from django.conf import settings

from trygg.accounts.access import can
from trygg.accounts.permissions import Capability


def site(request):
    user = request.user
    caps = {c.value: can(user, c) for c in Capability} if user.is_authenticated else {"public": True}
    return {
        "caps": caps,
        "nav_picture_url": _picture_url(user) if caps.get("view_picture") else None,
        "map_tiles": settings.TRYGG_MAP_TILES,
        "map_attribution": settings.TRYGG_MAP_ATTRIBUTION,
        "data_city": _data_city(request),
    }


def _data_city(request) -> str:
    """The city organisation whose data the page shows: the page's area's municipality, else the
    municipality a list page shows (``trygg.accounts.municipalities.choose``), else the
    installation's own (``trygg.areas.schemes``)."""
    from trygg.areas import schemes

    area = getattr(request, "area", None) or getattr(request, "municipality", None)
    scheme = schemes.scheme_for(area) if area is not None else None
    return (scheme or schemes.home()).city_organisation


def _picture_url(user):
    """The top menu's "Lägesbild": the user's own area, or the whole municipality for city-wide roles."""
    from django.urls import reverse

    from trygg.accounts.access import scoped_areas

    areas = scoped_areas(user, Capability.VIEW_PICTURE)
    from trygg.areas.schemes import home_code

    code = home_code() if not areas else areas[0].code
    return reverse("picture:picture", args=[code])
