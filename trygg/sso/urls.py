from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    path("oidc/<str:provider>/", views.oidc_login, name="oidc_login"),
    path("oidc/<str:provider>/svar/", views.oidc_callback, name="oidc_callback"),
    path("saml/", views.saml_login, name="saml_login"),
    path("saml/acs/", views.saml_acs, name="saml_acs"),
    path("saml/metadata/", views.saml_metadata, name="saml_metadata"),
]
