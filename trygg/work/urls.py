from django.urls import path

from . import views

app_name = "work"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<str:code>/", views.cycle, name="cycle"),
    path("<str:code>/uppfoljning/", views.followup, name="followup"),
    path("<str:code>/problem/ny/", views.problem_new, name="problem_new"),
    path("<str:code>/problem/<int:pk>/", views.problem, name="problem"),
    path("<str:code>/problem/<int:pk>/andra/", views.problem_edit, name="problem_edit"),
    path("<str:code>/problem/<int:pk>/orsak/ny/", views.cause_new, name="cause_new"),
    path("<str:code>/problem/<int:pk>/mal/ny/", views.goal_new, name="goal_new"),
    path("<str:code>/orsak/<int:pk>/andra/", views.cause_edit, name="cause_edit"),
    path("<str:code>/mal/<int:pk>/andra/", views.goal_edit, name="goal_edit"),
    path("<str:code>/atgard/ny/", views.action_new, name="action_new"),
    path("<str:code>/atgard/<int:pk>/", views.action, name="action"),
    path("<str:code>/atgard/<int:pk>/andra/", views.action_edit, name="action_edit"),
    path("<str:code>/overenskommelse/ny/", views.agreement_new, name="agreement_new"),
    path("<str:code>/overenskommelse/<int:pk>/", views.agreement, name="agreement"),
    path("<str:code>/overenskommelse/<int:pk>/dokument/", views.agreement_document, name="agreement_document"),
    path("<str:code>/atgardsplan/ny/", views.plan_new, name="plan_new"),
    path("<str:code>/signera/<str:model>/<int:pk>/", views.sign, name="sign"),
    path("<str:code>/loften/ny/", views.promise_new, name="promise_new"),
    path("<str:code>/loften/<int:pk>/", views.promise, name="promise"),
    path("<str:code>/loften/<int:pk>/andra/", views.promise_edit, name="promise_edit"),
    path("<str:code>/loften/<int:pk>/publicera/", views.promise_publish, name="promise_publish"),
    path("<str:code>/loften/<int:pk>/rad/ny/", views.line_new, name="line_new"),
    path("<str:code>/rad/<int:pk>/andra/", views.line_edit, name="line_edit"),
    path("<str:code>/rad/<int:pk>/framsteg/", views.progress_new, name="progress_new"),
    path("<str:code>/moten/ny/", views.meeting_new, name="meeting_new"),
    path("<str:code>/moten/<int:pk>/", views.meeting, name="meeting"),
    path("<str:code>/historik/<str:model>/<int:pk>/", views.object_history, name="history"),
]
