"""Read-only JSON for the situation picture, with the same access rules as the pages (session auth).

The REST API v1 (``trygg/api/v1.py``) answers from the same functions (``trygg/api/data.py``)."""

from django.http import JsonResponse

from trygg.accounts.access import access
from trygg.accounts.permissions import Capability

from . import data


def _answer(fn, *args):
    try:
        return JsonResponse(fn(*args))
    except data.BadQuery as e:
        return JsonResponse({"error": str(e)}, status=400)
    except LookupError as e:
        return JsonResponse({"error": str(e)}, status=404)


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def picture(request, code):
    """Key figures of the area: the same dict the page, the CLI and snapshots use."""
    return _answer(data.picture, request.area, request.GET, request.user)


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def layer(request, code, layer):
    """A map layer as GeoJSON: choropleth, est, hotspots or police."""
    return _answer(data.layer, request.area, layer, request.GET)


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def siblings(request, code):
    return _answer(data.siblings, request.area, request.GET)


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def series(request, code):
    return _answer(data.series, request.area, request.GET)
