"""Template context shared by every page: the navigation the current user may use."""

from django.conf import settings

from trygg.accounts.access import can
from trygg.accounts.permissions import Capability


def site(request):
    user = request.user
    caps = {c.value: can(user, c) for c in Capability} if user.is_authenticated else {"public": True}
    return {
        "caps": caps,
        "map_tiles": settings.TRYGG_MAP_TILES,
        "map_attribution": settings.TRYGG_MAP_ATTRIBUTION,
    }
