"""Read-only JSON for the situation picture, with the same access rules as the pages (session auth)."""

from django.http import JsonResponse

from trygg.accounts.access import access
from trygg.accounts.permissions import Capability
from trygg.picture import figures, maplayers
from trygg.picture.params import BadChoice, parse_choice


def _choice_or_400(request):
    try:
        return parse_choice(request.GET, request.area), None
    except BadChoice as e:
        return None, JsonResponse({"error": str(e)}, status=400)


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def picture(request, code):
    """Key figures of the area: the same dict the page, the CLI and snapshots use."""
    choice, err = _choice_or_400(request)
    if err:
        return err
    fig = figures.compute_picture(request.area, choice.start, choice.end, choice.compare, choice.theme,
                                  user=request.user)
    return JsonResponse(fig.as_dict())


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def layer(request, code, layer):
    """A map layer as GeoJSON: choropleth, est, hotspots or police."""
    if layer not in maplayers.LAYERS:
        return JsonResponse({"error": f"unknown layer {layer!r}; use one of {', '.join(maplayers.LAYERS)}"}, status=404)
    choice, err = _choice_or_400(request)
    if err:
        return err
    return JsonResponse(maplayers.layer(layer, request.area, choice.start, choice.end, choice.compare, choice.theme))


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def siblings(request, code):
    choice, err = _choice_or_400(request)
    if err:
        return err
    return JsonResponse(figures.sibling_comparison(request.area, choice.start, choice.end, theme=choice.theme))


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def series(request, code):
    choice, err = _choice_or_400(request)
    if err:
        return err
    bucket = request.GET.get("bucket", "week")
    if bucket not in ("week", "month"):
        return JsonResponse({"error": "bucket: use week or month"}, status=400)
    return JsonResponse(figures.time_series(request.area, choice.start, choice.end, bucket, theme=choice.theme))
