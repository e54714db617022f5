from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from trygg.accounts.access import access, can
from trygg.accounts.models import Membership, Role
from trygg.accounts.permissions import Capability

from . import schemes
from .geojson import feature_collection
from .models import Area, LocalPoliceArea, partnership_area


@access(Capability.VIEW_PICTURE)
def area_list(request):
    top = schemes.districts().prefetch_related("children").order_by("path")
    municipality = Area.objects.filter(code__in=top.values("parent__code")).first()
    return render(request, "areas/list.html", {"districts": top, "municipality": municipality})


@access(Capability.VIEW_PICTURE)
def area_detail(request, code):
    area = get_object_or_404(Area.objects.select_related("parent"), code=code)
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
    area = get_object_or_404(Area, code=code)
    fc = feature_collection([area], {area.code: {"role": "area"}})
    children = list(area.children.all())
    fc["features"] += feature_collection(children, {c.code: {"role": "child"} for c in children})["features"]
    return JsonResponse(fc)
