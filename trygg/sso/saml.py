"""The SAML service provider's configuration, built per request from ``TRYGG_SSO_PROVIDERS``
(djangosaml2's ``SAML_CONFIG_LOADER``): the SP's URLs follow the address it is reached at, the
identity providers' metadata come from their ``metadata_file`` / ``metadata_url``."""

import saml2
from django.conf import settings
from django.urls import reverse
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from . import providers


def sp_config_dict(base_url: str) -> dict:
    local, remote = [], []
    for p in providers.providers():
        if p["protocol"] != "saml":
            continue
        if p.get("metadata_file"):
            local.append(p["metadata_file"])
        elif p.get("metadata_url"):
            remote.append({"url": p["metadata_url"]})
    conf = {
        "entityid": settings.TRYGG_SAML_ENTITY_ID or base_url + reverse("sso:saml_metadata"),
        "xmlsec_binary": settings.TRYGG_SAML_XMLSEC,
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "name": "Trygg",
            "endpoints": {"assertion_consumer_service": [(base_url + reverse("sso:saml_acs"),
                                                          saml2.BINDING_HTTP_POST)]},
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            "allow_unsolicited": False,
            "authn_requests_signed": bool(settings.TRYGG_SAML_KEY_FILE),
            "want_assertions_signed": True,
            "want_response_signed": False,
        }},
        "metadata": {"local": local, "remote": remote},
    }
    if settings.TRYGG_SAML_KEY_FILE:
        conf["key_file"] = settings.TRYGG_SAML_KEY_FILE
        conf["cert_file"] = settings.TRYGG_SAML_CERT_FILE
    return conf


def config_loader(request=None) -> SPConfig:
    base = settings.TRYGG_BASE_URL or (request.build_absolute_uri("/").rstrip("/") if request else "")
    conf = SPConfig()
    conf.load(sp_config_dict(base))
    return conf
