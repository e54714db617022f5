"""Roles from the provider's groups through the role mapping; re-computed at each login."""

from django.test import RequestFactory, override_settings

from trygg.accounts.models import Membership, Role
from trygg.sso.models import Grant, Identity, RoleMapping
from trygg.sso.sync import NoRole, sign_in, sync_user
from trygg.testing.personas import BaseTestCase

STAD = {"key": "stad", "name": "Göteborgs Stad", "protocol": "oidc", "discovery_url": "http://127.0.0.1:1/x",
        "client_id": "c", "client_secret": "s"}
FED = {"key": "fed", "name": "Federationen", "protocol": "saml", "entity_id": "https://idp.example/metadata",
       "metadata_file": "/nonexistent.xml"}


class SyncTestCase(BaseTestCase):
    def setUp(self):
        RoleMapping.objects.create(group="TS-Nordost", role=Role.TRYGGHETSSAMORDNARE,
                                   organisation=self.so_nordost, area=self.nordost)
        RoleMapping.objects.create(provider="stad", group="Analys", role=Role.UTVECKLINGSLEDARE,
                                   organisation=self.city)
        RoleMapping.objects.create(provider="fed", group="Analys-fed", role=Role.LASARE, organisation=self.city)

    def roles(self, user):
        return sorted((m.role, m.area.code if m.area_id else None) for m in Membership.objects.filter(user=user))

    def test_it_works(self):
        user = sync_user(STAD, "sub-1", {"username": "sara", "email": "sara@x.invalid", "first_name": "Sara"},
                         ["TS-Nordost", "Analys", "Other"])
        self.assertEqual(self.roles(user), [("trygghetssamordnare", "1"), ("utvecklingsledare", None)])
        self.assertEqual(user.username, "stad.sara")
        self.assertFalse(user.has_usable_password())
        self.assertEqual(Identity.objects.get(user=user).groups, ["Analys", "Other", "TS-Nordost"])
        # same subject again: same user
        self.assertEqual(sync_user(STAD, "sub-1", {}, ["TS-Nordost", "Analys"]).pk, user.pk)

    def test_a_group_removed_at_the_provider_removes_the_role(self):
        user = sync_user(STAD, "sub-1", {}, ["TS-Nordost", "Analys"])
        sync_user(STAD, "sub-1", {}, ["TS-Nordost"])
        self.assertEqual(self.roles(user), [("trygghetssamordnare", "1")])
        self.assertEqual(Grant.objects.filter(membership__user=user).count(), 1)

    def test_roles_given_by_hand_stay(self):
        user = sync_user(STAD, "sub-1", {}, ["TS-Nordost"])
        Membership.objects.create(user=user, organisation=self.housing, role=Role.RAPPORTOR, area=self.hjallbo)
        sync_user(STAD, "sub-1", {}, [])
        self.assertEqual(self.roles(user), [("rapportor", "612")])

    def test_provider_specific_mappings(self):
        user = sync_user(FED, "n-1", {}, ["Analys", "Analys-fed"])  # "Analys" is mapped for stad only
        self.assertEqual(self.roles(user), [("lasare", None)])

    def test_no_role_is_refused_after_the_removal_is_saved(self):
        request = RequestFactory().get("/")
        from django.contrib.sessions.backends.db import SessionStore

        request.session = SessionStore()
        user = sign_in(request, STAD, "sub-1", {}, ["TS-Nordost"])
        with self.assertRaises(NoRole) as e:
            sign_in(request, STAD, "sub-1", {}, ["Ekonomi"])
        self.assertEqual(e.exception.groups, ["Ekonomi"])
        self.assertEqual(self.roles(user), [])


@override_settings(TRYGG_SSO_PROVIDERS=[STAD])
class LoginPageTestCase(BaseTestCase):
    def test_it_offers_each_provider(self):
        r = self.client.get("/konto/logga-in/?next=/lagesbild/1/")
        self.assertContains(r, "Log in with Göteborgs Stad")
        self.assertContains(r, "/konto/sso/oidc/stad/?next=%2Flagesbild%2F1%2F")

    def test_unknown_provider(self):
        self.assertEqual(self.client.get("/konto/sso/oidc/nope/").status_code, 404)

    def test_unreachable_provider_gives_a_clear_page(self):
        r = self.client.get("/konto/sso/oidc/stad/")
        self.assertEqual(r.status_code, 502)
        self.assertContains(r, "could not be completed", status_code=502)


class NoProvidersTestCase(BaseTestCase):
    def test_the_login_page_has_no_sso_buttons(self):
        self.assertNotContains(self.client.get("/konto/logga-in/"), "/konto/sso/")


@override_settings(TRYGG_SSO_PROVIDERS=[])
class SamlMetadataTestCase(BaseTestCase):
    def test_the_sp_metadata_names_its_acs(self):
        r = self.client.get("/konto/sso/saml/metadata/")
        self.assertEqual(r.status_code, 200)
        self.assertIn(b"http://testserver/konto/sso/saml/acs/", r.content)


@override_settings(TRYGG_SSO_PROVIDERS=[FED])
class SamlLoginTestCase(BaseTestCase):
    def test_unknown_idp(self):
        self.assertEqual(self.client.get("/konto/sso/saml/?idp=https://other.example/").status_code, 404)

    def test_broken_metadata_gives_a_clear_page(self):
        r = self.client.get("/konto/sso/saml/?idp=https://idp.example/metadata")
        self.assertEqual(r.status_code, 502)
