from django.urls import path

from . import views

app_name = "picture"
urlpatterns = [
    path("storstader/", views.metro, name="metro"),
    path("offentlig/<str:code>/", views.public, name="public"),
    path("<str:code>/", views.picture, name="picture"),
    path("<str:code>/spara/", views.snapshot_save, name="snapshot_save"),
    path("<str:code>/ogonblicksbilder/", views.snapshot_list, name="snapshots"),
    path("<str:code>/ogonblicksbilder/jamfor/", views.snapshot_compare, name="snapshot_compare"),
    path("<str:code>/ogonblicksbilder/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("<str:code>/ogonblicksbilder/<int:pk>/karta/<str:layer>.json", views.snapshot_layer, name="snapshot_layer"),
    path("<str:code>/export/", views.export, name="export"),
]
