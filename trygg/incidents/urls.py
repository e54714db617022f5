from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("rapportera/", views.est_report, name="est_report"),
    path("rapportera/plats.json", views.est_place, name="est_place"),
    path("importer/", views.import_history, name="import_history"),
    path("ortnamn/", views.gazetteer, name="gazetteer"),
]
