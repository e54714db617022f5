"""Authentication, permissions and rate limits of the REST API (Django REST framework).

- ``TokenAuthentication``: ``Authorization: Bearer <token>`` with a personal API token; the token
  acts as its owner, with the owner's roles, limited to safe methods for ``read`` tokens.
- ``SessionAuthentication`` (DRF's, with CSRF) serves the web app's own JavaScript.
- ``HasCapability``: the same permission table as the pages (``trygg/accounts/permissions.py``);
  each view names one ``capability`` and optionally the ``area_kwarg`` it applies to.
- ``TokenRateThrottle``: requests per token (per user for sessions, per address when anonymous).
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from trygg.accounts.access import can
from trygg.accounts.permissions import Capability

from .models import ApiToken, hash_token


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization: use “Bearer <token>”."))
        token = (ApiToken.objects.active().select_related("user")
                 .filter(key_hash=hash_token(parts[1])).first())
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token is unknown, revoked or expired."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="trygg"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "trygg.api.auth.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A personal API token (profile page or `trygg token create`)."}


class HasCapability(permissions.BasePermission):
    """The view's ``capability`` (anywhere, then on the area in ``area_kwarg``); write methods need
    a write-scoped token. Sets ``request.area`` like the pages' ``@access``."""

    def has_permission(self, request, view):
        cap = view.capability
        if cap == Capability.PUBLIC:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            raise exceptions.NotAuthenticated()
        if request.method not in permissions.SAFE_METHODS and isinstance(request.auth, ApiToken) \
                and request.auth.scope != ApiToken.Scope.WRITE:
            raise exceptions.PermissionDenied(_("This token may only read; create a token with scope write."))
        if not can(user, cap):
            return False
        if view.area_kwarg:
            from trygg.areas.models import Area

            request.area = get_object_or_404(Area.objects.select_related("parent"),
                                             code=view.kwargs[view.area_kwarg])
            return can(user, cap, request.area)
        return True


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """One bucket per token; sessions per user; anonymous callers (open data) per address."""

    def get_rate(self):
        from django.conf import settings

        return settings.TRYGG_API_RATE_ANON if self.scope == "anon" else settings.TRYGG_API_RATE

    def allow_request(self, request, view):
        self.scope = "anon" if not request.user.is_authenticated else "user"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return f"throttle_api_{ident}"
