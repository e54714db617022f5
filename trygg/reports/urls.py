from django.urls import path

from . import statutory_views, views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("arsanalys/<int:year>/<slug:theme>/", views.annual, name="annual"),
    path("arsanalys/<int:year>/<slug:theme>/<str:fmt>/", views.annual_file, name="annual_file"),
    path("arsanalys/jobb/<int:pk>/", views.annual_status, name="annual_status"),
    path("konferens/", views.conferences, name="conferences"),
    path("konferens/ny/", views.conference_new, name="conference_new"),
    path("konferens/<int:year>/", views.conference_by_year, name="conference_by_year"),  # the old address
    path("konferens/<str:code>/<int:year>/", views.conference, name="conference"),
    path("konferens/<str:code>/<int:year>/andra/", views.conference_edit, name="conference_edit"),
    path("konferens/<str:code>/<int:year>/godkann/", views.conference_approve, name="conference_approve"),
    path("konferens/<str:code>/<int:year>/analys/", views.conference_attach, name="conference_attach"),
    path("konferens/<str:code>/<int:year>/analys.pdf", views.conference_pdf, name="conference_pdf"),
    path("vecka/<str:code>/<str:fmt>/", statutory_views.weekly_brief, name="weekly"),
    path("lagstadgad/<str:code>/", statutory_views.index, name="statutory_index"),
    path("lagstadgad/<str:code>/ny/", statutory_views.new, name="statutory_new"),
    path("lagstadgad/<str:code>/<int:pk>/", statutory_views.detail, name="statutory"),
    path("lagstadgad/<str:code>/<int:pk>/text/", statutory_views.edit, name="statutory_edit"),
    path("lagstadgad/<str:code>/<int:pk>/godkann/", statutory_views.approve, name="statutory_approve"),
    path("lagstadgad/<str:code>/<int:pk>/<str:fmt>/", statutory_views.download, name="statutory_file"),
]
