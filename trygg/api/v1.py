"""REST API v1 (Django REST framework, OpenAPI 3 by drf-spectacular).

Every view names the capability it needs from the permission table, like the pages; the figures come
from ``trygg/api/data.py``, the same code the pages, the CLI and the session JSON use.
"""

import uuid

from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from trygg.accounts.access import can
from trygg.accounts.permissions import Capability
from trygg.areas.models import Area, Level
from trygg.incidents.categories import EST_CATEGORIES, category_label, theme_label, theme_of
from trygg.incidents.models import ImportRun, Incident, Source

from . import data
from .auth import HasCapability
from .problems import problem


class TryggAPIView(APIView):
    """Base view: ``capability`` (and ``area_kwarg``) are checked by :class:`HasCapability` and
    recorded on the URL's callback for ``tests/test_url_access.py``."""

    capability: Capability = Capability.SIGNED_IN
    area_kwarg: str | None = None
    permission_classes = [HasCapability]

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.access_capability = cls.capability
        view.access_area_kwarg = cls.area_kwarg
        view.access_api = True
        view.access_methods = [m.upper() for m in cls.http_method_names if hasattr(cls, m) and m != "options"]
        return view

    def answer(self, fn, *args):
        try:
            return Response(fn(*args))
        except data.BadQuery as e:
            raise problem(400, str(e), field=e.field)
        except LookupError as e:
            raise problem(404, str(e))


PERIOD_PARAMS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day, YYYY-MM-DD (default: 28 days to `to`)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, YYYY-MM-DD (default: latest day with data)"),
    OpenApiParameter("compare", str, enum=["previous", "last-year"], description="comparison period"),
    # no enum: the themes are a table (edited in the admin), read when a request comes, not at import
    OpenApiParameter("theme", str, description="one theme only (a theme's slug, e.g. narkotika)"),
]
FREE_FORM = OpenApiTypes.OBJECT


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent", "area_km2", "centroid_lon", "centroid_lat"]


class AreaList(TryggAPIView):
    """The area hierarchy (no geometry); filter with ``level`` and ``parent`` (a code)."""

    capability = Capability.SIGNED_IN

    @extend_schema(parameters=[OpenApiParameter("level", str, enum=list(Level.values)),
                               OpenApiParameter("parent", str, description="code of the parent area")],
                   responses=AreaSerializer(many=True))
    def get(self, request):
        qs = Area.objects.select_related("parent").order_by("level", "code")
        level = request.query_params.get("level")
        if level:
            if level not in Level.values:
                raise problem(400, _("level: use one of %s") % ", ".join(Level.values), field="level")
            qs = qs.filter(level=level)
        parent = request.query_params.get("parent")
        if parent:
            qs = qs.filter(parent__code=parent)
        return Response(AreaSerializer(qs, many=True).data)


class AreaDetail(TryggAPIView):
    capability = Capability.SIGNED_IN

    @extend_schema(responses=AreaSerializer)
    def get(self, request, code):
        area = Area.objects.select_related("parent").filter(code=code).first()
        if area is None:
            raise Http404
        return Response(AreaSerializer(area).data)


class Picture(TryggAPIView):
    """The situation picture's key figures: the same rows as the page and ``trygg picture --format json``."""

    capability = Capability.VIEW_PICTURE
    area_kwarg = "code"

    @extend_schema(parameters=PERIOD_PARAMS, responses=FREE_FORM)
    def get(self, request, code):
        return self.answer(data.picture, request.area, request.query_params, request.user)


class Series(TryggAPIView):
    """Counts per week or month (``bucket``) for the period."""

    capability = Capability.VIEW_PICTURE
    area_kwarg = "code"

    @extend_schema(parameters=PERIOD_PARAMS + [OpenApiParameter("bucket", str, enum=list(data.BUCKETS))],
                   responses=FREE_FORM)
    def get(self, request, code):
        return self.answer(data.series, request.area, request.query_params)


class Siblings(TryggAPIView):
    """The area ranked among its sibling areas (rates with confidence intervals)."""

    capability = Capability.VIEW_PICTURE
    area_kwarg = "code"

    @extend_schema(parameters=PERIOD_PARAMS, responses=FREE_FORM)
    def get(self, request, code):
        return self.answer(data.siblings, request.area, request.query_params)


class Layer(TryggAPIView):
    """A map layer as GeoJSON: ``choropleth``, ``est``, ``hotspots`` or ``police``."""

    capability = Capability.VIEW_PICTURE
    area_kwarg = "code"

    @extend_schema(parameters=PERIOD_PARAMS, responses=FREE_FORM)
    def get(self, request, code, layer):
        return self.answer(data.layer, request.area, layer, request.query_params)


class EstCategories(TryggAPIView):
    """The EST checklist: the ``category`` values an EST report may have."""

    capability = Capability.SIGNED_IN

    @extend_schema(responses=inline_serializer("EstCategory", {
        "slug": serializers.CharField(), "label": serializers.CharField(),
        "theme": serializers.CharField(), "theme_label": serializers.CharField()}, many=True))
    def get(self, request):
        return Response([{"slug": c, "label": category_label(c), "theme": theme_of(c),
                          "theme_label": theme_label(theme_of(c))} for c in EST_CATEGORIES])


class EstReportIn(serializers.Serializer):
    """The EST CSV's columns as JSON (see docs/data-import.md), plus an optional client id."""

    id = serializers.UUIDField(required=False, help_text="your id for the report (UUID): posting the same id "
                                                         "again returns the stored report instead of a new one")
    occurred_at = serializers.CharField(help_text="YYYY-MM-DD HH:MM (local time)")
    category = serializers.CharField(help_text="one of the EST checklist's categories (GET est-categories/)")
    lon = serializers.FloatField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    area_code = serializers.CharField(required=False, allow_blank=True,
                                      help_text="a primärområde in your area, when lon/lat are not given")
    place = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    organisation = serializers.CharField(required=False, allow_blank=True,
                                         help_text="the name of one of your organisations")

    def validate_category(self, value):
        if value not in EST_CATEGORIES:
            raise serializers.ValidationError(_('"%(value)s" is not one of %(choices)s.') % {
                "value": value, "choices": ", ".join(EST_CATEGORIES)})
        return value


def est_report_out(inc: Incident) -> dict:
    return {"id": inc.source_id.removeprefix("api-"), "occurred_at": timezone.localtime(inc.occurred_at).isoformat(),
            "category": inc.category, "theme": inc.theme,
            "area": {"code": inc.area.code, "name": inc.area.name} if inc.area_id else None,
            "lon": inc.lon, "lat": inc.lat, "place": inc.place_text, "description": inc.body,
            "organisation": inc.organisation.name if inc.organisation_id else None}


FORM_TO_API = {"area": "area_code", "__all__": None}


class EstReports(TryggAPIView):
    """File an EST report. Same validation and personal-data guard as the form; idempotent with ``id``."""

    capability = Capability.REPORT_EST

    @extend_schema(request=EstReportIn, responses={201: FREE_FORM, 200: FREE_FORM})
    def post(self, request):
        from trygg.incidents.est import placed_incident
        from trygg.incidents.forms import EstReportForm
        from trygg.incidents.models import Placement
        from trygg.incidents.views import _organisation, _report_areas

        s = EstReportIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        client_id = d.get("id") or uuid.uuid4()
        source_id = f"api-{client_id}"
        existing = Incident.objects.filter(source=Source.EST, source_id=source_id).select_related(
            "area", "organisation").first()
        if existing is not None:
            if existing.created_by_id != request.user.pk:
                raise problem(409, _("id: another user's report already has this id."))
            return Response(est_report_out(existing), status=status.HTTP_200_OK)
        form = EstReportForm({
            "occurred_at": d["occurred_at"], "category": d["category"],
            "lon": "" if d.get("lon") is None else d["lon"], "lat": "" if d.get("lat") is None else d["lat"],
            "area": d.get("area_code") or "", "place": d.get("place") or "", "description": d.get("description") or "",
        }, areas=_report_areas(request.user))
        if not form.is_valid():
            raise exceptions.ValidationError({FORM_TO_API.get(k, k) or "non_field_errors": [str(m) for m in v]
                                              for k, v in form.errors.items()})
        area = form.cleaned_data["found_area"]
        if not can(request.user, Capability.REPORT_EST, area):
            raise exceptions.PermissionDenied(
                _("You may report only in your own area (%(area)s is not).") % {"area": area.name})
        org = _organisation(request.user)
        if d.get("organisation"):
            mine = {m.organisation.name.casefold(): m.organisation
                    for m in request.user.memberships.select_related("organisation")}
            org = mine.get(d["organisation"].strip().casefold())
            if org is None:
                raise problem(400, _("not one of your organisations"), field="organisation")
        c = form.cleaned_data
        point = c.get("lon") is not None
        inc = placed_incident(
            source_id=source_id, occurred_at=c["occurred_at"], event_type="EST", category=c["category"],
            area=area, placement=Placement.POINT if point else Placement.AREA,
            lon=c.get("lon") if point else None, lat=c.get("lat") if point else None,
            place_text=c.get("place") or "", body=c.get("description") or "", organisation=org,
            created_by=request.user,
        )
        try:
            with transaction.atomic():
                inc.save()
        except IntegrityError:  # the same id posted twice at once
            raise problem(409, _("id: a report with this id is being saved; try again."))
        return Response(est_report_out(inc), status=status.HTTP_201_CREATED,
                        headers={"Location": reverse("api_v1:est-report", kwargs={"report_id": client_id})})


class EstReportDetail(TryggAPIView):
    """One EST report you filed through the API, by its id."""

    capability = Capability.REPORT_EST

    @extend_schema(responses=FREE_FORM)
    def get(self, request, report_id):
        inc = Incident.objects.filter(source=Source.EST, source_id=f"api-{report_id}",
                                      created_by=request.user).select_related("area", "organisation").first()
        if inc is None:
            raise Http404
        return Response(est_report_out(inc))


class ImportRunSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)  # null: a national run

    class Meta:
        model = ImportRun
        fields = ["id", "source", "file_name", "checksum", "started_at", "finished_at", "status", "new",
                  "unchanged", "updated", "rejected", "redacted", "placed_in_district", "message", "user", "municipality"]


class ImportRuns(TryggAPIView):
    """The import history, newest first (``source`` filters, ``limit`` ≤ 500): the runs of your
    municipalities and the national ones (``municipality`` null)."""

    capability = Capability.IMPORT_DATA

    @extend_schema(parameters=[OpenApiParameter("source", str), OpenApiParameter("limit", int)],
                   responses=ImportRunSerializer(many=True))
    def get(self, request):
        qs = ImportRun.objects.visible_to(request.user).select_related("user", "municipality").defer("municipality__geometry")
        if request.query_params.get("source"):
            qs = qs.filter(source=request.query_params["source"])
        try:
            limit = min(int(request.query_params.get("limit") or 100), 500)
        except ValueError:
            raise problem(400, _("not a whole number"), field="limit")
        return Response(ImportRunSerializer(qs[:limit], many=True).data)


class ImportRunDetail(TryggAPIView):
    """One import run and its status (running, done, failed)."""

    capability = Capability.IMPORT_DATA

    @extend_schema(responses=ImportRunSerializer)
    def get(self, request, pk):
        run = ImportRun.objects.visible_to(request.user).select_related("user", "municipality").defer("municipality__geometry").filter(pk=pk).first()
        if run is None:
            raise Http404
        return Response(ImportRunSerializer(run).data)


# --- open data: the public page's figures, no login ------------------------------------------------

OPEN_COLUMNS = ["area_code", "area_name", "start", "end", "theme", "label", "count", "comparison_count",
                "rate_per_1000", "direction"]


def open_figures(area) -> dict:
    """The public page's figures (its own function, so the same disclosure control) as open data."""
    from trygg.picture.views import public_figures

    pub = public_figures(area)
    fig = pub["fig"]
    rows = [{"area_code": area.code, "area_name": area.name, "start": fig.start.isoformat(),
             "end": fig.end.isoformat(), "theme": r["theme"], "label": str(r["label"]), "count": r["count"],
             "comparison_count": r["comparison_count"],
             "rate_per_1000": None if r["rate"] is None else round(r["rate"], 3),
             "direction": r["direction"]} for r in pub["rows"]]
    from trygg.areas.schemes import scheme_for

    scheme = scheme_for(area)
    return {"area": {"code": area.code, "name": area.name, "level": area.level},
            "municipality": {"code": scheme.code, "name": scheme.name,
                             "city_organisation": scheme.city_organisation} if scheme else None,
            "start": fig.start.isoformat(), "end": fig.end.isoformat(),
            "comparison_start": fig.comparison_start.isoformat(), "comparison_end": fig.comparison_end.isoformat(),
            "population": fig.population, "population_year": fig.population_year, "total": pub["total"],
            "small_counts": "Counts 1–4 are shown as “1–4”; “·” marks a cell hidden so that a small count "
                            "cannot be worked out from the total.",
            "licence": "CC0-1.0", "rows": rows}


def _public_area(code):
    from trygg.areas.schemes import has_public_page

    area = Area.objects.filter(code=code).first()
    if area is None or not has_public_page(area):
        raise Http404
    return area


def _open_municipality(code):
    """A municipality set up in this installation (404 for any other code)."""
    from trygg.accounts.municipalities import installed

    found = installed().filter(code=code).first()
    if found is None:
        raise Http404
    return found


def _open_areas(municipality):
    from trygg.areas.schemes import has_public_page, public_levels
    from trygg.areas.subtree import within_area

    qs = within_area(Area.objects.filter(level__in=public_levels()), municipality).select_related("parent") \
        .defer("geometry").order_by("level", "code")
    return Response(AreaSerializer([a for a in qs if has_public_page(a)], many=True).data)


class OpenMunicipalities(TryggAPIView):
    """The municipalities whose partnerships publish open data here, each with its own name. No login."""

    capability = Capability.PUBLIC
    authentication_classes = []

    @extend_schema(responses=inline_serializer("OpenMunicipality", {
        "code": serializers.CharField(), "name": serializers.CharField(),
        "city_organisation": serializers.CharField(), "police_organisation": serializers.CharField(),
        "areas": serializers.CharField()}, many=True), auth=[])
    def get(self, request):
        from trygg.accounts.municipalities import installed
        from trygg.areas.schemes import scheme_for_code

        out = []
        for m in installed():
            scheme = scheme_for_code(m.code)
            out.append({"code": m.code, "name": m.name, "city_organisation": scheme.city_organisation,
                        "police_organisation": scheme.police_organisation,
                        "areas": request.build_absolute_uri(reverse("api_v1:open-municipality-areas",
                                                                    args=[m.code]))})
        return Response(out)


class OpenMunicipalityAreas(TryggAPIView):
    """The areas with public figures of one municipality (its districts and itself). No login."""

    capability = Capability.PUBLIC
    authentication_classes = []

    @extend_schema(responses=AreaSerializer(many=True), auth=[])
    def get(self, request, code):
        return _open_areas(_open_municipality(code))


class OpenAreas(TryggAPIView):
    """The areas with public figures of one municipality: the one in ``municipality`` (an SCB code;
    ``/open/municipalities`` lists them), else the installation's own. No login."""

    capability = Capability.PUBLIC
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("municipality", str, description="SCB code of the municipality")],
                   responses=AreaSerializer(many=True), auth=[])
    def get(self, request):
        from trygg.areas.schemes import home_code

        return _open_areas(_open_municipality(request.query_params.get("municipality") or home_code()))


class OpenFigures(TryggAPIView):
    """The public page's figures of an area for the last 12 months, with its small-count suppression,
    as JSON or (``format=csv``) CSV. No login; free to reuse (CC0)."""

    capability = Capability.PUBLIC
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["json", "csv"])], responses=FREE_FORM,
                   auth=[])
    def get(self, request, code):
        d = open_figures(_public_area(code))
        if request.query_params.get("format") == "csv":
            import csv
            import io

            from django.http import HttpResponse

            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=OPEN_COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(d["rows"])
            r = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
            r["Content-Disposition"] = f'attachment; filename="trygg-{code}-{d["start"]}-{d["end"]}.csv"'
            return r
        return Response(d)
