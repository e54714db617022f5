"""Two municipalities in one installation, each partnership seeing only its own: Göteborg's city-wide
analyst (``ulla``) and Malmö's coordinator (``maja``) each see their own partnerships, work, start
page lists and documents and get 403/404 on the other's; a superuser (``ada``) sees both; the open
data names its municipality. Also: the upgrade of roles without an area and its system check."""

import datetime as dt
import re

from django.apps import apps
from django.contrib.auth import get_user_model

from trygg.accounts.access import can, scoped_areas
from trygg.accounts.checks import check_area_less_roles
from trygg.accounts.models import Membership, Organisation, Role
from trygg.accounts.municipalities import codes_of, installed, sole_municipality
from trygg.accounts.permissions import Capability
from trygg.accounts.upgrade import give_municipality
from trygg.areas import schemes
from trygg.areas.models import Area, Municipality
from trygg.reports.models import StatutoryDocument
from trygg.testing.personas import PASSWORD, BaseTestCase
from trygg.work import models as m
from trygg.work.tests.world import make_cycle


def set_up_malmo(t):
    """Malmö's configuration (as shipped) and two of its districts, a coordinator in the first, a
    director and an analyst for the whole municipality, and a problem, an agreement and a statutory
    document of its own."""
    shipped = schemes.shipped()["1280"]
    Municipality.objects.create(code="1280", name=shipped.name, city_organisation=shipped.city_organisation,
                                police_organisation=shipped.police_organisation,
                                levels=[{"key": lv.key, "name": lv.name, "plural": lv.plural,
                                         "work_cycle": lv.work_cycle} for lv in shipped.levels],
                                district_level=shipped.district_level, report_cover=shipped.report_cover)
    t.m1 = Area.objects.create(code="1280-1", name="Västra hamnen", level=shipped.district_level, parent=t.malmo)
    t.m2 = Area.objects.create(code="1280-2", name="Rosengård", level=shipped.district_level, parent=t.malmo)
    t.malmo_city = Organisation.objects.create(name="Malmö stad", kind="city")
    User = get_user_model()
    for name, role, area in [("maja", Role.TRYGGHETSSAMORDNARE, t.m1), ("mats", Role.UTVECKLINGSLEDARE, t.malmo),
                             ("mona", Role.OMRADESDIREKTOR, t.malmo)]:
        user = User.objects.create_user(name, f"{name}@example.invalid", PASSWORD)
        Membership.objects.create(user=user, organisation=t.malmo_city, role=role, area=area)
        setattr(t, name, user)
    t.malmo_problem = m.Problem.objects.create(area=t.m1, title="Klotter i hamnen", theme="skadegorelse",
                                               raised_by=t.maja)
    t.malmo_agreement = m.Agreement.objects.create(area=t.m1, title="Samverkan Västra hamnen",
                                                   start=dt.date.today(), end=dt.date.today() + dt.timedelta(days=300))
    t.gbg_agreement = m.Agreement.objects.create(area=t.nordost, title="Samverkan Nordost",
                                                 start=dt.date.today(), end=dt.date.today() + dt.timedelta(days=300))
    t.malmo_doc = StatutoryDocument.objects.create(area=t.malmo, kind="lagesbild", year=2026)


class MunicipalityTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_cycle(cls)
        set_up_malmo(cls)

    def status(self, url):
        return self.client.get(url).status_code

    def codes_on(self, url, attribute="data-area"):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return set(re.findall(rf'{attribute}="([^"]+)"', response.content.decode()))


class AccessTest(MunicipalityTestCase):
    def test_a_city_wide_role_covers_its_own_municipality_only(self):
        self.assertTrue(can(self.ulla, Capability.ANALYZE_CITYWIDE, self.nordost))
        self.assertFalse(can(self.ulla, Capability.VIEW_PICTURE, self.m1))
        self.assertFalse(can(self.ulla, Capability.VIEW_PICTURE, self.malmo))
        self.assertTrue(can(self.mats, Capability.VIEW_PICTURE, self.m2))
        self.assertFalse(can(self.mats, Capability.VIEW_PICTURE, self.hjallbo))
        self.assertEqual(scoped_areas(self.ulla, Capability.VIEW_PICTURE), [self.goteborg])
        self.assertEqual(codes_of(self.maja, Capability.VIEW_PICTURE), {"1280"})
        self.assertIsNone(codes_of(self.ada, Capability.VIEW_PICTURE))  # superusers: every one
        self.assertTrue(can(self.ada, Capability.VIEW_PICTURE, self.m1))

    def test_a_membership_without_an_area_grants_nothing(self):
        ms = Membership.objects.get(user=self.lena)
        ms.area = None
        ms.save()
        lena = get_user_model().objects.get(pk=self.lena.pk)
        self.assertFalse(can(lena, Capability.VIEW_PICTURE))
        self.assertFalse(can(lena, Capability.VIEW_PICTURE, self.nordost))
        self.assertEqual(scoped_areas(lena, Capability.VIEW_PICTURE), [])
        self.client.force_login(lena)
        self.assertEqual(self.status("/arbete/"), 403)

    def test_the_other_municipalitys_work_is_closed(self):
        p = self.malmo_problem
        self.login("ulla")
        for url in ["/arbete/1280-1/", f"/arbete/1280-1/problem/{p.pk}/", "/lagesbild/1280-1/",
                    f"/arbete/1280-1/overenskommelse/{self.malmo_agreement.pk}/",
                    f"/arbete/1280-1/overenskommelse/{self.malmo_agreement.pk}/dokument/",
                    "/rapporter/lagstadgad/1280/", f"/rapporter/lagstadgad/1280/{self.malmo_doc.pk}/",
                    "/undersokningar/omrade/1280-1/", "/api/omraden/1280-1/lagesbild.json"]:
            self.assertEqual(self.status(url), 403, url)
        for url in ["/omraden/1280-1/", "/omraden/1280/", "/omraden/1280-1/karta.geojson",
                    "/arbete/?kommun=1280", "/omraden/?kommun=1280", "/rapporter/arsanalys/2025/vald/?kommun=1280"]:
            self.assertEqual(self.status(url), 404, url)
        self.assertEqual(self.status(f"/arbete/{self.hjallbo.code}/problem/{self.problem.pk}/"), 200)
        self.assertEqual(self.status(f"/rapporter/lagstadgad/{self.goteborg.code}/"), 200)

        self.client.force_login(self.maja)
        for url in [f"/arbete/{self.nordost.code}/", f"/arbete/{self.hjallbo.code}/problem/{self.problem.pk}/",
                    f"/arbete/{self.nordost.code}/overenskommelse/{self.gbg_agreement.pk}/",
                    f"/lagesbild/{self.nordost.code}/", f"/rapporter/lagstadgad/{self.goteborg.code}/"]:
            self.assertEqual(self.status(url), 403, url)
        for url in [f"/omraden/{self.nordost.code}/", "/arbete/?kommun=1480"]:
            self.assertEqual(self.status(url), 404, url)
        self.assertEqual(self.status(f"/arbete/1280-1/problem/{self.malmo_problem.pk}/"), 200)
        # another Malmö district is not hers either (an area scope, as before)
        self.assertEqual(self.status("/arbete/1280-2/"), 403)

    def test_an_analyst_approves_their_own_municipalitys_documents_only(self):
        url = f"/rapporter/lagstadgad/1280/{self.malmo_doc.pk}/godkann/"
        self.login("ulla")  # Göteborg's development lead, city side
        self.assertEqual(self.client.post(url, {"side": "city"}).status_code, 403)
        self.malmo_doc.refresh_from_db()
        self.assertIsNone(self.malmo_doc.city_approved_at)
        self.client.force_login(self.mats)  # Malmö's
        self.assertEqual(self.client.post(url, {"side": "city"}).status_code, 302)
        self.malmo_doc.refresh_from_db()
        self.assertIsNotNone(self.malmo_doc.city_approved_at)

    def test_a_superuser_sees_both(self):
        self.login("ada")
        for url in ["/arbete/1280-1/", f"/arbete/1280-1/problem/{self.malmo_problem.pk}/", "/omraden/1280-1/",
                    f"/arbete/{self.hjallbo.code}/problem/{self.problem.pk}/", f"/omraden/{self.nordost.code}/",
                    "/rapporter/lagstadgad/1280/", "/arbete/?kommun=1280"]:
            self.assertEqual(self.status(url), 200, url)


class ListPagesTest(MunicipalityTestCase):
    GBG = {"1", "2"}
    MALMO = {"1280-1", "1280-2"}

    def test_the_work_overview_shows_the_viewers_municipality(self):
        self.login("ulla")
        self.assertEqual(self.codes_on("/arbete/"), self.GBG)
        self.client.force_login(self.maja)
        self.assertEqual(self.codes_on("/arbete/"), self.MALMO)
        self.client.force_login(self.mats)
        response = self.client.get("/arbete/")
        self.assertEqual(self.codes_on("/arbete/"), self.MALMO)
        self.assertNotContains(response, "municipality-switcher")  # one municipality: nothing to choose

    def test_a_superuser_chooses(self):
        self.login("ada")
        response = self.client.get("/arbete/")
        self.assertEqual(self.codes_on("/arbete/"), self.GBG)  # the installation's own first
        self.assertContains(response, 'data-testid="municipality-switcher"')
        self.assertContains(response, '<option value="1280"')
        self.assertEqual(self.codes_on("/arbete/?kommun=1280"), self.MALMO)
        self.assertEqual(self.status("/arbete/?kommun=0180"), 404)  # not set up here

    def district_links(self, url):
        html = self.client.get(url).content.decode()
        section = html.split('data-testid="districts"', 1)[1]
        return set(re.findall(r"/lagesbild/offentlig/([^/]+)/", section))

    def test_the_start_page(self):
        self.login("ulla")
        self.assertEqual(self.district_links("/"), self.GBG)
        self.assertNotContains(self.client.get("/"), "Västra hamnen")
        self.client.force_login(self.maja)
        response = self.client.get("/")
        self.assertEqual(self.district_links("/"), self.MALMO)
        self.assertEqual(response.context["my_areas"], [self.m1])
        self.assertNotContains(response, "Nordost")
        self.assertEqual(response.context["data_city"], schemes.shipped()["1280"].city_organisation)  # the footer
        self.client.logout()  # the public start page: the installation's own, any set-up one on request
        self.assertEqual(self.district_links("/"), self.GBG)
        self.assertEqual(self.district_links("/?kommun=1280"), self.MALMO)
        self.assertEqual(self.status("/?kommun=9999"), 404)

    def test_the_list_pages_ask_a_fixed_number_of_queries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.maja)

        def count(url):
            self.client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(ctx.captured_queries)

        before = {url: count(url) for url in ("/", "/omraden/")}
        for i in range(3, 7):
            Area.objects.create(code=f"1280-{i}", name=f"Distrikt {i}", level="statistikomrade", parent=self.malmo)
        self.assertEqual({url: count(url) for url in before}, before)

    def test_waiting_for_signature_is_each_municipalitys_own(self):
        self.client.force_login(self.mona)
        titles = [w.title for w in self.client.get("/").context["waiting"]]
        self.assertIn("Samverkan Västra hamnen", titles)
        self.assertNotIn("Samverkan Nordost", titles)
        self.login("dina")
        titles = [w.title for w in self.client.get("/").context["waiting"]]
        self.assertIn("Samverkan Nordost", titles)
        self.assertNotIn("Samverkan Västra hamnen", titles)

    def test_the_area_register(self):
        self.login("ulla")
        text = self.client.get("/omraden/").content.decode()
        self.assertIn("Nordost", text)
        self.assertNotIn("Västra hamnen", text)
        self.client.force_login(self.mats)
        text = self.client.get("/omraden/").content.decode()
        self.assertIn("Rosengård", text)
        self.assertNotIn("Nordost", text)

    def test_the_annual_report_is_the_analysts_own_municipality(self):
        self.client.force_login(self.mats)
        response = self.client.get("/rapporter/arsanalys/2025/vald/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"].municipality_code, "1280")
        self.assertEqual(self.status("/rapporter/arsanalys/2025/vald/?kommun=1480"), 404)

    def test_the_place_names_are_the_analysts_own_municipalitys(self):
        self.client.force_login(self.mats)
        self.assertEqual(self.client.get("/handelser/ortnamn/").context["municipality"], self.malmo)
        self.login("ulla")
        self.assertEqual(self.client.get("/handelser/ortnamn/").context["municipality"], self.goteborg)
        self.assertEqual(self.status("/handelser/ortnamn/?kommun=1280"), 404)
        self.login("ada")
        self.assertEqual(self.client.get("/handelser/ortnamn/?kommun=1280").context["municipality"], self.malmo)

    def test_the_collaboration_survey_is_each_municipalitys_own(self):
        from trygg.surveys.models import Invitation

        closes = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        self.client.force_login(self.mats)  # Malmö's analyst sends the round: Malmö's coordinator only
        r = self.client.post("/undersokningar/samverkan/", {"year": 2026, "closes_on": closes, "message": ""})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(set(Invitation.objects.values_list("user__username", flat=True)), {"maja"})
        self.login("ulla")  # Göteborg's analyst invites Göteborg's to the same round
        self.client.post("/undersokningar/samverkan/2026/bjud-in/")
        invited = set(Invitation.objects.values_list("user__username", flat=True))
        self.assertEqual(invited, {"maja", "alice", "bob", "carl"})
        summary = self.client.get("/undersokningar/samverkan/2026/").context["summary"]
        self.assertEqual(summary["total"].invited, 3)  # Göteborg's three, not Malmö's
        self.client.force_login(self.mats)
        self.assertEqual(self.client.get("/undersokningar/samverkan/2026/").context["summary"]["total"].invited, 1)
        self.assertEqual(self.status("/undersokningar/samverkan/2026/?kommun=1480"), 404)


class OpenDataTest(MunicipalityTestCase):
    def test_the_municipalities_each_with_its_own_name(self):
        rows = self.client.get("/api/v1/open/municipalities").json()
        by_code = {r["code"]: r for r in rows}
        self.assertEqual(set(by_code), {"1480", "1280"})  # Stockholm's area is loaded, not set up
        self.assertEqual(by_code["1280"]["name"], "Malmö")
        self.assertEqual(by_code["1280"]["city_organisation"], schemes.shipped()["1280"].city_organisation)
        self.assertTrue(by_code["1280"]["areas"].endswith("/api/v1/open/municipalities/1280/areas"))

    def test_the_areas_of_the_named_municipality_only(self):
        malmo = {a["code"] for a in self.client.get("/api/v1/open/municipalities/1280/areas").json()}
        self.assertEqual(malmo, {"1280", "1280-1", "1280-2"})
        self.assertEqual({a["code"] for a in self.client.get("/api/v1/open/areas?municipality=1280").json()}, malmo)
        own = {a["code"] for a in self.client.get("/api/v1/open/areas").json()}
        self.assertEqual(own, {"1480", "1", "2"})
        for url in ["/api/v1/open/municipalities/0180/areas", "/api/v1/open/areas?municipality=9999"]:
            self.assertEqual(self.status(url), 404, url)

    def test_the_figures_name_their_municipality(self):
        d = self.client.get("/api/v1/open/areas/1280-1/figures").json()
        self.assertEqual(d["municipality"]["code"], "1280")
        self.assertEqual(d["municipality"]["name"], "Malmö")
        self.assertEqual(self.client.get("/api/v1/open/areas/1/figures").json()["municipality"]["code"], "1480")


class UpgradeTest(BaseTestCase):
    """Roles "for the whole city" from before: the migration's step and the system check."""

    forwards = staticmethod(give_municipality("accounts.Membership", ("user_id", "organisation_id", "role")))

    def area_less(self, user, role=Role.LASARE):
        return Membership.objects.create(user=user, organisation=self.city, role=role, area=None)

    def test_one_municipality_set_up_gets_them(self):
        self.assertEqual(sole_municipality(), self.goteborg)
        ms = self.area_less(self.nils)
        self.area_less(self.lena)  # lena already reads Göteborg: the copy would repeat it
        self.assertEqual(len(check_area_less_roles(databases=["default"])), 1)
        self.forwards(apps, None)
        ms.refresh_from_db()
        self.assertEqual(ms.area, self.goteborg)
        self.assertEqual(Membership.objects.filter(user=self.lena).count(), 1)
        self.assertEqual(check_area_less_roles(databases=["default"]), [])

    def test_several_municipalities_are_ambiguous(self):
        Municipality.objects.create(code="1280", name="Malmö", city_organisation="Malmö stad",
                                    police_organisation="Polisen", levels=[], district_level="x",
                                    report_cover="")
        self.assertEqual([a.code for a in installed()], ["1480", "1280"])  # by name
        self.assertIsNone(sole_municipality())
        ms = self.area_less(self.nils)
        self.forwards(apps, None)
        ms.refresh_from_db()
        self.assertIsNone(ms.area)  # left for an administrator
        warnings = check_area_less_roles(databases=["default"])
        self.assertEqual([w.id for w in warnings], ["trygg.W010"])
        self.assertIn("nils", warnings[0].msg)
        self.assertEqual(check_area_less_roles(databases=None), [])  # a check of the database only


class EmptyInstallationTest(BaseTestCase):
    """Before any area is loaded the list pages say so rather than fail."""

    @classmethod
    def setUpTestData(cls):
        pass

    def test_nothing_loaded_yet(self):
        self.assertIsNone(sole_municipality())
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["districts"]), [])
        self.assertEqual(self.client.get("/api/v1/open/areas").status_code, 404)
        self.assertEqual(self.client.get("/api/v1/open/municipalities").json(), [])
