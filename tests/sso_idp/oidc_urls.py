"""URLs and claims of the test OpenID Connect provider (see tests/sso_idp/oidc.py)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from oauth2_provider.oauth2_validators import OAuth2Validator

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html")),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below goes into the ID token

    def get_additional_claims(self, request):
        u = request.user
        return {"preferred_username": u.username, "email": u.email, "given_name": u.first_name,
                "family_name": u.last_name, "groups": sorted(g.name for g in u.groups.all())}
