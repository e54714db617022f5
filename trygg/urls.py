from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("trygg.web.urls")),
    path("konto/api-nycklar/", include("trygg.api.token_urls")),
    path("konto/sso/", include("trygg.sso.urls")),
    path("konto/", include("trygg.accounts.urls")),
    path("omraden/", include("trygg.areas.urls")),
    path("handelser/", include("trygg.incidents.urls")),
    path("lagesbild/", include("trygg.picture.urls")),
    path("arbete/", include("trygg.work.urls")),
    path("undersokningar/", include("trygg.surveys.urls")),
    path("rapporter/", include("trygg.reports.urls")),
    path("api/v1/", include("trygg.api.v1_urls")),
    path("api/", include("trygg.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "trygg.web.errors.bad_request"
handler403 = "trygg.web.errors.forbidden"
handler404 = "trygg.web.errors.not_found"
handler500 = "trygg.web.errors.server_error"
