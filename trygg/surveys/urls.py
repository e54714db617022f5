from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("omrade/<str:code>/", views.area, name="area"),
    path("importera/", views.upload, name="upload"),
    path("samverkan/", views.rounds, name="rounds"),
    path("samverkan/mina/", views.mine, name="mine"),
    path("samverkan/<int:year>/", views.round_detail, name="round"),
    path("samverkan/<int:year>/svara/", views.answer, name="answer"),
    path("samverkan/<int:year>/bjud-in/", views.invite_new, name="invite_new"),
]
