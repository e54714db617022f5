"""The identity providers of ``settings.TRYGG_SSO_PROVIDERS``.

Each is a dict: ``key`` (short, in URLs), ``name`` (shown: "Logga in med <name>"), ``protocol``
(``oidc`` or ``saml``), and

- OIDC: ``discovery_url`` (or ``issuer``, + ``/.well-known/openid-configuration``), ``client_id``,
  ``client_secret``, optional ``scope`` (default ``openid email profile``), ``groups_claim``
  (default ``groups``; Azure AD: ``groups`` or ``roles``), ``username_claim`` (default
  ``preferred_username``).
- SAML: ``entity_id`` (the IdP's), ``metadata_url`` or ``metadata_file``, ``groups_attribute``
  (default ``groups``; e.g. ``eduPersonEntitlement`` or ``isMemberOf`` in a federation),
  ``username_attribute`` (default ``uid``).
"""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode


def providers() -> list[dict]:
    return list(settings.TRYGG_SSO_PROVIDERS)


def get(key: str) -> dict | None:
    return next((p for p in providers() if p["key"] == key), None)


def by_entity_id(entity_id: str) -> dict | None:
    return next((p for p in providers() if p["protocol"] == "saml" and p.get("entity_id") == entity_id), None)


def login_url(p: dict, next_url: str = "") -> str:
    if p["protocol"] == "oidc":
        url = reverse("sso:oidc_login", kwargs={"provider": p["key"]})
        return url + ("?" + urlencode({"next": next_url}) if next_url else "")
    q = {"idp": p["entity_id"]}
    if next_url:
        q["next"] = next_url
    return reverse("sso:saml_login") + "?" + urlencode(q)


def login_buttons(next_url: str = "") -> list[dict]:
    return [{"key": p["key"], "name": p["name"], "url": login_url(p, next_url)} for p in providers()]
