"""Single sign-on end to end in real Chromium, against real identity providers started by the tests
on 127.0.0.1: an OpenID Connect provider (django-oauth-toolkit) and a SAML 2.0 IdP (pysaml2).

The coordinator signs in through each and lands in her area; a group removed at the provider takes
her role away at the next login; a user whose groups map to no role gets a clear page.
"""

import json
from urllib.parse import urlparse

import pytest

from tests.sso_idp import free_port, start, stop

pytestmark = pytest.mark.slow

CLIENT_ID, CLIENT_SECRET = "trygg-test-client", "trygg-test-secret-0123456789"


@pytest.fixture
def mapping(world):
    from trygg.sso.models import RoleMapping

    return RoleMapping.objects.create(group="TS-Nordost", role="trygghetssamordnare",
                                      organisation=world["so_nordost"], area=world["nordost"])


def _write(path, setup):
    path.write_text(json.dumps(setup))


@pytest.fixture
def oidc_provider(tmp_path, live_server, settings):
    port = free_port()
    setup = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
             "redirect_uri": f"{live_server.url}/konto/sso/oidc/stad/svar/",
             "users": [{"username": "sara", "password": "idp-password-1", "first_name": "Sara",
                        "last_name": "Samordnare", "email": "sara@example.invalid", "groups": ["TS-Nordost"]},
                       {"username": "olle", "password": "idp-password-1", "groups": ["Ekonomi"]}]}
    _write(tmp_path / "setup.json", setup)
    proc = start("tests.sso_idp.oidc", port, str(tmp_path))
    settings.TRYGG_SSO_PROVIDERS = [{
        "key": "stad", "name": "Göteborgs Stad", "protocol": "oidc",
        "discovery_url": f"http://127.0.0.1:{port}/o/.well-known/openid-configuration",
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}]
    yield {"dir": tmp_path, "setup": setup}
    stop(proc)


@pytest.fixture
def saml_provider(tmp_path, live_server, settings):
    port = free_port()
    host = urlparse(live_server.url).hostname  # same site as the SP (see tests/sso_idp/saml_idp.py)
    setup = {"sp_metadata_url": f"{live_server.url}/konto/sso/saml/metadata/", "host": host,
             "users": [{"username": "sara", "password": "idp-password-1", "subject": "sara-7f3a",
                        "attributes": {"uid": "sara", "mail": "sara@example.invalid", "givenName": "Sara",
                                       "groups": ["TS-Nordost"]}},
                       {"username": "olle", "password": "idp-password-1", "subject": "olle-1",
                        "attributes": {"uid": "olle", "groups": ["Ekonomi"]}}]}
    _write(tmp_path / "setup.json", setup)
    proc = start("tests.sso_idp.saml_idp", port, str(tmp_path))
    settings.TRYGG_SSO_PROVIDERS = [{
        "key": "federation", "name": "Skolfederationen", "protocol": "saml",
        "entity_id": f"http://{host}:{port}/metadata", "metadata_file": str(tmp_path / "idp.xml")}]
    yield {"dir": tmp_path, "setup": setup}
    stop(proc)


def _sign_in(page, live_server, provider_name, username):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.click(f"text=Logga in med {provider_name}")
    page.fill("#idp-username", username)
    page.fill("#idp-password", "idp-password-1")
    page.click("#idp-submit")
    page.wait_for_url(f"{live_server.url}/**")
    page.wait_for_load_state("networkidle")


def _lands_in_her_area(page, live_server, world, screenshot, name):
    from trygg.accounts.models import Membership

    m = Membership.objects.get(user__sso_identities__subject__isnull=False, role="trygghetssamordnare")
    assert m.area == world["nordost"] and m.organisation == world["so_nordost"]
    assert page.url == f"{live_server.url}/"
    assert "Sara" in page.content()
    page.click("main a[href='/lagesbild/1/']")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{live_server.url}/lagesbild/1/")
    assert "Nordost" in page.locator("h1").inner_text()
    screenshot(page, name)
    assert not page.js_errors


def _role_goes_with_the_group(page, live_server, provider, username, name, screenshot):
    from trygg.accounts.models import Membership

    setup = provider["setup"]
    for u in setup["users"]:
        if u["username"] == username:
            if "groups" in u:
                u["groups"] = []
            else:
                u["attributes"]["groups"] = []
    _write(provider["dir"] / "setup.json", setup)
    (provider["dir"] / "reload").write_text("")
    page.context.clear_cookies()
    _sign_in(page, live_server, name, username)
    assert "Du har ingen roll i Trygg" in page.content()
    assert not Membership.objects.filter(user__sso_identities__subject__isnull=False).exists()
    screenshot(page, f"sso-no-role-{username}")


def test_coordinator_signs_in_with_oidc(page, live_server, world, mapping, oidc_provider, screenshot):
    _sign_in(page, live_server, "Göteborgs Stad", "sara")
    _lands_in_her_area(page, live_server, world, screenshot, "sso-oidc-nordost")
    _role_goes_with_the_group(page, live_server, oidc_provider, "sara", "Göteborgs Stad", screenshot)


def test_coordinator_signs_in_with_saml(page, live_server, world, mapping, saml_provider, screenshot):
    page.goto(f"{live_server.url}/konto/logga-in/")
    screenshot(page, "sso-login-page")
    _sign_in(page, live_server, "Skolfederationen", "sara")
    _lands_in_her_area(page, live_server, world, screenshot, "sso-saml-nordost")
    _role_goes_with_the_group(page, live_server, saml_provider, "sara", "Skolfederationen", screenshot)


def test_no_mapped_role_gets_a_clear_page(page, live_server, world, mapping, oidc_provider, screenshot):
    _sign_in(page, live_server, "Göteborgs Stad", "olle")
    assert "Du har ingen roll i Trygg" in page.content()
    assert "Ekonomi" in page.locator("#sso-groups").inner_text()
    page.goto(f"{live_server.url}/konto/")
    assert "/konto/logga-in/" in page.url  # not logged in
