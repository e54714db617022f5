from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.area_list, name="list"),
    path("<str:code>/", views.area_detail, name="detail"),
    path("<str:code>/karta.geojson", views.area_geojson, name="geojson"),
]
