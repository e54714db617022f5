from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("arsanalys/<int:year>/<slug:theme>/", views.annual, name="annual"),
    path("arsanalys/<int:year>/<slug:theme>/<str:fmt>/", views.annual_file, name="annual_file"),
    path("konferens/", views.conferences, name="conferences"),
    path("konferens/ny/", views.conference_new, name="conference_new"),
    path("konferens/<int:year>/", views.conference, name="conference"),
    path("konferens/<int:year>/andra/", views.conference_edit, name="conference_edit"),
    path("konferens/<int:year>/godkann/", views.conference_approve, name="conference_approve"),
    path("konferens/<int:year>/analys/", views.conference_attach, name="conference_attach"),
    path("konferens/<int:year>/analys.pdf", views.conference_pdf, name="conference_pdf"),
]
