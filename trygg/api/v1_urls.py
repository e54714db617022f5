"""``/api/v1/``: the versioned REST API, its OpenAPI document and its browsable documentation."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerView

from trygg.accounts.permissions import Capability

from . import v1


def _public(view):
    view.access_capability = Capability.PUBLIC
    view.access_area_kwarg = None
    view.access_api = True
    view.access_methods = ["GET"]
    return view


app_name = "api_v1"
urlpatterns = [
    path("openapi.json", _public(SpectacularJSONAPIView.as_view()), name="openapi"),
    path("docs/", _public(SpectacularSwaggerView.as_view(url_name="api_v1:openapi")), name="docs"),
    path("redoc/", _public(SpectacularRedocView.as_view(url_name="api_v1:openapi")), name="redoc"),
    path("areas", v1.AreaList.as_view(), name="areas"),
    path("areas/<str:code>", v1.AreaDetail.as_view(), name="area"),
    path("areas/<str:code>/picture", v1.Picture.as_view(), name="picture"),
    path("areas/<str:code>/series", v1.Series.as_view(), name="series"),
    path("areas/<str:code>/siblings", v1.Siblings.as_view(), name="siblings"),
    path("areas/<str:code>/layers/<str:layer>", v1.Layer.as_view(), name="layer"),
    path("est-categories", v1.EstCategories.as_view(), name="est-categories"),
    path("est-reports", v1.EstReports.as_view(), name="est-reports"),
    path("est-reports/<uuid:report_id>", v1.EstReportDetail.as_view(), name="est-report"),
    path("imports", v1.ImportRuns.as_view(), name="imports"),
    path("imports/<int:pk>", v1.ImportRunDetail.as_view(), name="import"),
    path("open/municipalities", v1.OpenMunicipalities.as_view(), name="open-municipalities"),
    path("open/municipalities/<str:code>/areas", v1.OpenMunicipalityAreas.as_view(), name="open-municipality-areas"),
    path("open/areas", v1.OpenAreas.as_view(), name="open-areas"),
    path("open/areas/<str:code>/figures", v1.OpenFigures.as_view(), name="open-figures"),
]
