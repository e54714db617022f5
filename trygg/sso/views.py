"""Sign-in through an organisation's identity provider: OpenID Connect and SAML 2.0."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from djangosaml2 import views as saml_views

from trygg.accounts.access import access
from trygg.accounts.permissions import Capability

from . import providers
from .sync import NoRole, sign_in

log = logging.getLogger(__name__)
NEXT = "trygg_sso_next"


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("web:home")


def no_role(request, exc: NoRole):
    return render(request, "sso/no_role.html", {"provider": exc.provider, "groups": exc.groups}, status=403)


def failed(request, provider=None, status=400):
    return render(request, "sso/failed.html", {"provider": provider}, status=status)


# --- OpenID Connect (Authlib) ----------------------------------------------------------------------

def _oidc_client(p):
    from authlib.integrations.django_client import OAuth

    oauth = OAuth()
    discovery = p.get("discovery_url") or p["issuer"].rstrip("/") + "/.well-known/openid-configuration"
    return oauth.register(
        name=p["key"], client_id=p["client_id"], client_secret=p.get("client_secret"),
        server_metadata_url=discovery,
        client_kwargs={"scope": p.get("scope", "openid email profile"), "code_challenge_method": "S256"},
    )


def _oidc_provider(key):
    p = providers.get(key)
    if p is None or p["protocol"] != "oidc":
        raise Http404
    return p


@access(Capability.PUBLIC)
def oidc_login(request, provider):
    p = _oidc_provider(provider)
    request.session[NEXT] = request.GET.get("next", "")
    redirect_uri = request.build_absolute_uri(reverse("sso:oidc_callback", kwargs={"provider": provider}))
    try:
        return _oidc_client(p).authorize_redirect(request, redirect_uri)
    except Exception:  # the provider cannot be reached or its metadata is broken
        log.exception("OIDC %s: cannot start the login", provider)
        return failed(request, p, status=502)


@access(Capability.PUBLIC)
def oidc_callback(request, provider):
    p = _oidc_provider(provider)
    client = _oidc_client(p)
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        groups_claim = p.get("groups_claim", "groups")
        if groups_claim not in claims and client.load_server_metadata().get("userinfo_endpoint"):
            claims.update(client.userinfo(token=token))
    except Exception:
        log.exception("OIDC %s: the login answer was refused", provider)
        return failed(request, p)
    groups = claims.get(groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    info = {"username": claims.get(p.get("username_claim", "preferred_username")), "email": claims.get("email"),
            "first_name": claims.get("given_name"), "last_name": claims.get("family_name")}
    try:
        sign_in(request, p, str(claims["sub"]), info, groups)
    except NoRole as e:
        return no_role(request, e)
    return HttpResponseRedirect(_safe_next(request, request.session.pop(NEXT, "")))


# --- SAML 2.0 (djangosaml2) ------------------------------------------------------------------------

def _first(ava, name):
    v = ava.get(name) or []
    return v[0] if v else None


class AssertionConsumerService(saml_views.AssertionConsumerServiceView):
    """djangosaml2 checks the signed response; the user and the roles come from our one sync."""

    def authenticate_user(self, request, session_info, attribute_mapping, create_unknown_user, assertion_info):
        p = providers.by_entity_id(session_info["issuer"])
        if p is None:
            raise PermissionDenied("unknown identity provider")
        ava = session_info.get("ava", {})
        groups = ava.get(p.get("groups_attribute", "groups"), [])
        info = {"username": _first(ava, p.get("username_attribute", "uid")), "email": _first(ava, "mail"),
                "first_name": _first(ava, "givenName"), "last_name": _first(ava, "sn")}
        user = sign_in(request, p, str(session_info["name_id"].text), info, groups)
        saml_views._set_subject_id(request.saml_session, session_info["name_id"])
        return user


def saml_failure(request, exception=None, status=403, **kwargs):
    """djangosaml2's failure hook (SAML_ACS_FAILURE_RESPONSE_FUNCTION)."""
    if isinstance(exception, NoRole):
        return no_role(request, exception)
    log.warning("SAML login refused: %s", exception)
    return failed(request, status=status)


_saml_login = saml_views.LoginView.as_view()


@access(Capability.PUBLIC)
def saml_login(request):
    """Start a SAML login at the IdP named by ``idp`` (its entity id), which must be configured."""
    p = providers.by_entity_id(request.GET.get("idp", ""))
    if p is None:
        raise Http404
    try:
        return _saml_login(request)
    except Exception:  # missing or expired IdP metadata
        log.exception("SAML %s: cannot start the login", p["key"])
        return failed(request, p, status=502)
saml_metadata = access(Capability.PUBLIC)(saml_views.MetadataView.as_view())
saml_acs = access(Capability.PUBLIC)(csrf_exempt(AssertionConsumerService.as_view()))
