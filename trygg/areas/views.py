from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from trygg.accounts.access import access, can
from trygg.accounts.models import Membership, Role
from trygg.accounts.municipalities import choose, require_municipality
from trygg.accounts.permissions import Capability

from . import schemes
from .geojson import feature_collection
from .models import Area, Level, LocalPoliceArea, partnership_area


@access(Capability.VIEW_PICTURE)
def area_list(request):
    """The districts of one municipality (the viewer's own, or the one chosen)."""
    chosen = choose(request, Capability.VIEW_PICTURE)
    municipality = chosen.municipality
    top = schemes.districts(municipality).prefetch_related("children").order_by("path") if municipality \
        else Area.objects.none()
    return render(request, "areas/list.html", {"districts": top, "municipality": municipality, "chosen": chosen})


def _area(request, code):
    """The area, if it lies in one of the viewer's municipalities (404 otherwise)."""
    area = get_object_or_404(Area.objects.select_related("parent"), code=code)
    if area.level != Level.COUNTRY:
        require_municipality(request.user, Capability.VIEW_PICTURE, area)
    return area


@access(Capability.VIEW_PICTURE)
def area_detail(request, code):
    area = _area(request, code)
    children = list(area.children.order_by("name"))
    populations = list(area.populations.order_by("-year", "age_band"))
    latest_year = populations[0].year if populations else None
    partnership = partnership_area(area)
    lpos = LocalPoliceArea.objects.filter(areas=partnership) if partnership else []
    people = []
    if partnership:
        scope = [partnership, *partnership.ancestors()]
        people = (
            Membership.objects.filter(area__in=scope, role__in=[
                Role.TRYGGHETSSAMORDNARE, Role.KOMMUNPOLIS, Role.OMRADESDIREKTOR, Role.POLISCHEF])
            .select_related("user", "organisation").order_by("role")
        )
    return render(request, "areas/detail.html", {
        "area": area, "children": children, "ancestors": area.ancestors(),
        "populations": [p for p in populations if p.year == latest_year], "population_year": latest_year,
        "partnership": partnership, "lpos": lpos, "people": people,
        "can_view_picture_here": can(request.user, Capability.VIEW_PICTURE, area),
    })


@access(Capability.VIEW_PICTURE)
def area_geojson(request, code):
    """The area itself (``role: area``) and its children (``role: child``)."""
    area = _area(request, code)
    fc = feature_collection([area], {area.code: {"role": "area"}})
    children = list(area.children.all())
    fc["features"] += feature_collection(children, {c.code: {"role": "child"} for c in children})["features"]
    return JsonResponse(fc)
