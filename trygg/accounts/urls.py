from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("logga-in/", views.login, name="login"),
    path("logga-in/kod/", views.mfa_verify, name="mfa_verify"),
    path("logga-ut/", views.logout, name="logout"),
    path("losenord/", views.password_change, name="password_change"),
    path("tvastegs/", views.mfa_setup, name="mfa_setup"),
    path("tvastegs/reservkoder/", views.mfa_recovery, name="mfa_recovery"),
    path("tvastegs/nya-reservkoder/", views.mfa_new_codes, name="mfa_new_codes"),
]
