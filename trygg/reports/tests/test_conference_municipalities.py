"""Two municipalities, each with its own conferences: Malmö's people (``maja`` coordinator,
``mats`` development lead, ``mona`` director, from ``set_up_malmo``) neither see, edit nor approve
Göteborg's conference and Göteborg's not Malmö's; each picture highlights its own municipality's
approved theme; ``decisions_for`` reads the municipality's own conference; the same year can be held
by both."""

import importlib

from django.apps import apps
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from trygg.accounts.tests.test_municipalities import set_up_malmo
from trygg.reports.conference_theme import current_conference_theme
from trygg.reports.models import Conference, decisions_for
from trygg.testing.personas import BaseTestCase

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"
FORM = {"theme": "vald", "place": "", "date": "", "agenda": "", "participants": "", "notes": "", "decisions": "",
        "theme_motivation": ""}


def url(name, code, year=2025):
    return reverse(f"reports:{name}", args=[code, year])


class ConferenceMunicipalitiesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        set_up_malmo(cls)
        now = timezone.now()
        cls.gbg_conf = Conference.objects.create(municipality=cls.goteborg, year=2025, theme="narkotika",
                                                 decisions="Narkotika i fokus", city_approved_at=now,
                                                 police_approved_at=now)
        cls.malmo_conf = Conference.objects.create(municipality=cls.malmo, year=2025, theme="trafik",
                                                   decisions="Klotter först", city_approved_at=now,
                                                   police_approved_at=now)

    def test_it_works(self):
        self.login("maja")
        r = self.client.get(reverse("reports:conferences"))
        self.assertContains(r, url("conference", "1280"))
        self.assertNotContains(r, url("conference", "1480"))
        self.assertContains(self.client.get(url("conference", "1280")), "Klotter först")
        self.login("ulla")
        r = self.client.get(reverse("reports:conferences"))
        self.assertContains(r, url("conference", "1480"))
        self.assertNotContains(r, url("conference", "1280"))

    def test_it_checks_access(self):
        for persona in ("maja", "mats", "mona"):  # Malmö's: Göteborg's conference does not exist for them
            self.login(persona)
            self.assertEqual(self.client.get(url("conference", "1480")).status_code, 404, persona)
            self.assertEqual(self.client.get(url("conference_pdf", "1480")).status_code, 404, persona)
            self.assertEqual(self.client.post(url("conference_approve", "1480"), {"side": "city"}).status_code,
                             404, persona)
            self.assertEqual(self.client.get(reverse("reports:conferences") + "?kommun=1480").status_code, 404)
        self.login("mats")
        self.assertEqual(self.client.get(url("conference_edit", "1480")).status_code, 404)
        self.assertEqual(self.client.post(url("conference_edit", "1480"), {**FORM, "year": 2025}).status_code, 404)
        self.assertEqual(self.client.post(url("conference_attach", "1480")).status_code, 404)
        self.assertEqual(self.client.get(reverse("reports:conference_new") + "?kommun=1480").status_code, 404)
        for persona in ("ulla", "dina", "lena"):  # and Göteborg's not Malmö's
            self.login(persona)
            self.assertEqual(self.client.get(url("conference", "1280")).status_code, 404, persona)
        self.login("ulla")
        self.assertEqual(self.client.get(url("conference_edit", "1280")).status_code, 404)
        self.gbg_conf.refresh_from_db()
        self.assertEqual(self.gbg_conf.theme, "narkotika")
        self.login("ada")  # superusers see every municipality's
        self.assertEqual(self.client.get(url("conference", "1280")).status_code, 200)
        self.assertContains(self.client.get(reverse("reports:conferences") + "?kommun=1280"), url("conference", "1280"))

    def test_only_the_municipalitys_director_approves(self):
        Conference.objects.filter(pk__in=[self.gbg_conf.pk, self.malmo_conf.pk]).update(city_approved_at=None)
        self.login("mona")  # Malmö's director
        self.assertEqual(self.client.post(url("conference_approve", "1480"), {"side": "city"}).status_code, 404)
        self.gbg_conf.refresh_from_db()
        self.assertIsNone(self.gbg_conf.city_approved_at)
        r = self.client.get(url("conference", "1280"))
        self.assertEqual(r.context["sides"], ["city"])
        self.assertRedirects(self.client.post(url("conference_approve", "1280"), {"side": "city"}),
                             url("conference", "1280"))
        self.malmo_conf.refresh_from_db()
        self.assertEqual(self.malmo_conf.city_approved_by, self.mona)
        self.login("dina")  # Göteborg's district director: her own municipality's only
        self.assertEqual(self.client.get(url("conference", "1480")).context["sides"], ["city"])
        self.assertEqual(self.client.post(url("conference_approve", "1280"), {"side": "city"}).status_code, 404)

    def test_malmos_analyst_creates_malmos_conference(self):
        self.login("mats")
        r = self.client.post(reverse("reports:conference_new"), {**FORM, "year": 2026})
        self.assertRedirects(r, url("conference", "1280", 2026))
        self.assertEqual(Conference.objects.get(year=2026).municipality, self.malmo)
        r = self.client.post(reverse("reports:conference_new"), {**FORM, "year": 2025})  # Malmö's 2025 exists
        self.assertIn("year", r.context["form"].errors)
        with transaction.atomic(), self.assertRaises(IntegrityError):
            Conference.objects.create(municipality=self.malmo, year=2025, theme="vald")

    def test_each_picture_highlights_its_own_theme(self):
        self.assertEqual(current_conference_theme(self.m1), "trafik")
        self.assertEqual(current_conference_theme(self.hjallbo), "narkotika")
        self.login("maja")
        r = self.client.get("/lagesbild/1280-1/" + Q)
        self.assertEqual(r.context["conference_theme"], "trafik")
        self.assertNotContains(r, 'data-theme="narkotika">★')
        self.login("alice")
        r = self.client.get("/lagesbild/1/" + Q)
        self.assertEqual(r.context["conference_theme"], "narkotika")
        self.assertNotContains(r, 'data-theme="trafik">★')

    def test_decisions_are_per_municipality(self):
        self.assertEqual(decisions_for(2026, self.malmo), ["Klotter först"])
        self.assertEqual(decisions_for(2026, self.goteborg), ["Narkotika i fokus"])
        self.assertEqual(decisions_for(2026, self.stockholm), [])
        self.assertEqual(decisions_for(2026, None), [])

    def test_the_migration_gives_old_conferences_the_installations_municipality(self):
        migration = importlib.import_module("trygg.reports.migrations.0005_conference_municipality")
        with override_settings(TRYGG_MUNICIPALITY_CODE="1480"):  # two set up: the installation's own
            self.assertEqual(migration.first_municipality_id(apps), self.goteborg.pk)
        with override_settings(TRYGG_MUNICIPALITY_CODE=""):  # only Malmö configured: that one
            self.assertEqual(migration.first_municipality_id(apps), self.malmo.pk)
