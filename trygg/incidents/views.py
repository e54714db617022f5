"""EST report form for staff in the area, and the import history."""

import numpy as np
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from shapely.geometry import shape

from trygg.accounts.access import access, can, memberships, scoped_areas
from trygg.accounts.municipalities import choose
from trygg.accounts.permissions import Capability, role_has
from trygg.analysis.spatial import assign_points_to_polygons
from trygg.areas import schemes
from trygg.areas.geojson import feature_collection
from trygg.areas.models import Area
from trygg.areas.subtree import subtree_q, within_area

from .est import placed_incident
from .forms import EstReportForm
from .models import ImportRun, Incident, Placement, Source


def _report_areas(user):
    scope = scoped_areas(user, Capability.REPORT_EST)
    qs = Area.objects.filter(level__in=schemes.report_levels())
    if scope is not None:
        from django.db.models import Q

        q = Q(pk__in=[])
        for a in scope:
            q |= subtree_q(a.path)
        qs = qs.filter(q)
    return list(qs.order_by("name"))


def _organisation(user):
    for m in memberships(user):
        if role_has(m.role, Capability.REPORT_EST):
            return m.organisation
    return None


@access(Capability.REPORT_EST)
def est_report(request):
    areas = _report_areas(request.user)
    form = EstReportForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        area = form.cleaned_data["found_area"]
        if not can(request.user, Capability.REPORT_EST, area):
            form.add_error(None, _("You may report only in your own area (%(area)s is not).") % {"area": area.name})
        else:
            import uuid

            d = form.cleaned_data
            point = d.get("lon") is not None
            inc = placed_incident(
                source_id=f"form-{uuid.uuid4().hex}", occurred_at=d["occurred_at"], event_type="EST",
                category=d["category"], area=area, placement=Placement.POINT if point else Placement.AREA,
                lon=d.get("lon") if point else None, lat=d.get("lat") if point else None,
                place_text=d.get("place") or "", body=d.get("description") or "",
                organisation=_organisation(request.user), created_by=request.user,
            )
            inc.save()
            messages.success(request, _("Thank you, your report was saved (%(area)s).") % {"area": area.name})
            return redirect("incidents:est_report")
    scope = scoped_areas(request.user, Capability.REPORT_EST)
    map_areas = scope if scope is not None else list(schemes.districts())
    recent = Incident.objects.filter(source=Source.EST, created_by=request.user).select_related("area")[:10]
    return render(request, "incidents/est_report.html", {
        "form": form, "recent": recent,
        "geojson": feature_collection(map_areas, {a.code: {"role": "area", "name": a.name} for a in map_areas}),
    })


def _place_label(area) -> str:
    """"Torget, Distriktet": the area and the district (its municipality's district level) it lies in."""
    level = schemes.district_level(area)
    district = next((a for a in area.ancestors() if a.level == level), None)
    return area.name if district is None or district == area else f"{area.name}, {district.name}"


@access(Capability.REPORT_EST)
def est_place(request):
    """The area a point on the EST form's map lies in — one of the reporter's own areas (the list
    the form offers), else the district — so the reporter sees a name after a tap, not coordinates."""
    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        return JsonResponse({"error": _("lon and lat must be numbers")}, status=400)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return JsonResponse({"error": _("lon and lat must be degrees")}, status=400)
    # the reporter's own areas first (a few polygons: fast); else which district it lies in
    area = _point_in([lon], [lat], _report_areas(request.user))
    if area is None:
        districts = schemes.districts()
        area = _point_in([lon], [lat], list(districts))
    if area is None:
        return JsonResponse({"found": False, "allowed": False})
    return JsonResponse({"found": True, "code": area.code, "name": area.name, "label": _place_label(area),
                         "allowed": bool(can(request.user, Capability.REPORT_EST, area))})


def _point_in(lons, lats, areas):
    areas = [a for a in areas if a.geometry]
    if not areas:
        return None
    k = assign_points_to_polygons(np.asarray(lons, float), np.asarray(lats, float),
                                  [shape(a.geometry) for a in areas])[0]
    return areas[k] if k >= 0 else None


@access(Capability.IMPORT_DATA)
def import_history(request):
    """The runs of the viewer's municipalities and the national ones (``ImportRun.visible_to``)."""
    runs = ImportRun.objects.visible_to(request.user).select_related("user", "municipality") \
        .defer("municipality__geometry")[:200]
    return render(request, "incidents/import_history.html", {"runs": runs})


def _own_entry(municipality, pk):
    """An analyst's own name of ``municipality`` by id, or None (shipped names are corrected by
    adding a name of one's own, never deleted: a reload would bring them back)."""
    from .models import PlaceName

    if not str(pk or "").isdigit():
        return None
    return PlaceName.objects.filter(pk=int(pk), municipality=municipality, origin=PlaceName.Origin.ANALYST).first()


@access(Capability.IMPORT_DATA)
def gazetteer(request):
    """The place names of the analyst's municipality (``?kommun=`` for another of theirs): search,
    add, edit or delete a name, preview which stored police events it would move, save and
    re-place. Analysts (import capability) only."""
    from django.db import transaction
    from django.http import Http404
    from django.urls import reverse

    from .forms import PlaceNameForm
    from .gazetteer import Gazetteer, Target, name_key
    from .models import PlaceName
    from .placing import Placer, replace_police_events

    chosen = choose(request, Capability.IMPORT_DATA)
    municipality = chosen.municipality
    if municipality is None:
        return render(request, "incidents/gazetteer.html", {"municipality": None})
    here = reverse("incidents:gazetteer") + (f"?kommun={municipality.code}" if len(chosen.choices) > 1 else "")
    levels = schemes.scheme_for_code(municipality.code).nameable_levels
    areas = list(within_area(Area.objects.filter(level__in=levels), municipality).order_by("path"))
    qs = Incident.objects.filter(source=Source.POLICE, reported_municipality=municipality)
    action = request.POST.get("action", "")
    editing = _own_entry(municipality, request.POST.get("entry") or request.GET.get("edit"))
    if request.GET.get("edit") and editing is None:
        raise Http404
    preview = deleting = None
    if request.method == "POST" and action in ("delete-preview", "delete"):
        if editing is None:
            raise Http404
        pk, name = editing.pk, editing.name
        with transaction.atomic():
            editing.delete()
            moves = replace_police_events(dry_run=action != "delete", placer=Placer(), queryset=qs, examples=100)
            if action == "delete":
                messages.success(request, _("Deleted “%(name)s”; %(n)d police events were placed again.")
                                 % {"name": name, "n": moves.changed})
                return redirect(here)
            transaction.set_rollback(True)  # a preview changes nothing
        editing = PlaceName.objects.get(pk=pk)
        preview, deleting = moves, editing
        form = PlaceNameForm(areas=[municipality, *areas])
    else:
        initial = {"name": editing.name, "area": editing.area.code if editing.area else "", "note": editing.note} \
            if editing else None
        form = PlaceNameForm(request.POST or None, initial=initial, areas=[municipality, *areas])
    if request.method == "POST" and not deleting and form.is_valid():
        d = form.cleaned_data
        path = d["area"].path if d["area"] else ""
        key = name_key(d["name"])
        gaz = Gazetteer(municipality, extra={d["name"]: Target(path, municipality.path, d["name"])},
                        exclude_names={editing.name} if editing and name_key(editing.name) != key else None)
        placer = Placer({municipality.pk: gaz})
        if action == "save":
            with transaction.atomic():
                same = [p for p in PlaceName.objects.filter(municipality=municipality, name__iexact=d["name"])
                        if name_key(p.name) == key and (editing is None or p.pk != editing.pk)]
                if editing is not None and same:
                    same[0].delete()  # renamed onto another name: one entry per name
                entry = editing or (same[0] if same else PlaceName(municipality=municipality))
                entry.name, entry.area, entry.note = d["name"], d["area"], d["note"]
                entry.kind, entry.origin, entry.created_by = PlaceName.Kind.NAME, PlaceName.Origin.ANALYST, request.user
                entry.save()
                moves = replace_police_events(placer=Placer(), queryset=qs)
            messages.success(request, _("Saved “%(name)s”; %(n)d police events were placed again.")
                             % {"name": d["name"], "n": moves.changed})
            return redirect(here)
        preview = replace_police_events(dry_run=True, placer=placer, queryset=qs, examples=100)
    q = (request.GET.get("q") or "").strip()
    names = PlaceName.objects.filter(municipality=municipality).select_related("area")
    if q:
        names = names.filter(name__icontains=q)
    show_text = can(request.user, Capability.VIEW_POLICE_DETAIL, municipality)
    return render(request, "incidents/gazetteer.html", {
        "municipality": municipality, "form": form, "preview": preview, "show_text": show_text, "q": q,
        "editing": editing, "deleting": deleting, "chosen": chosen, "here": here,
        "names": names.order_by("name")[:300], "total": PlaceName.objects.filter(municipality=municipality).count(),
        "own": PlaceName.objects.filter(municipality=municipality, origin=PlaceName.Origin.ANALYST)
        .select_related("area", "created_by").order_by("-updated_at")[:50],
    })
