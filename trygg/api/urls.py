from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("omraden/<str:code>/lagesbild.json", views.picture, name="picture"),
    path("omraden/<str:code>/jamforelse.json", views.siblings, name="siblings"),
    path("omraden/<str:code>/tidsserie.json", views.series, name="series"),
    path("omraden/<str:code>/karta/<str:layer>.geojson", views.layer, name="layer"),
]
