"""The conference pages of one municipality (Göteborg, /rapporter/konferens/1480/<år>/): view,
create, edit, approve; who may do what. Another municipality's conferences:
``test_conference_municipalities``."""

from django.urls import reverse

from trygg.reports.models import Conference, decisions_for
from trygg.testing.personas import BaseTestCase


def url(name, year, code="1480"):
    return reverse(f"reports:{name}", args=[code, year])


class ConferenceViewsTestCase(BaseTestCase):
    def setUp(self):
        self.conf = Conference.objects.create(municipality=self.goteborg, year=2025, theme="narkotika",
                                              proposed_by=self.ulla, decisions="Tema narkotika\n- EST överallt")
        Conference.objects.create(municipality=self.goteborg, year=2026, theme="vald")

    def test_it_works(self):
        self.login("lena")
        r = self.client.get(url("conference", 2025))
        self.assertContains(r, "Tema narkotika")
        self.assertNotContains(r, url("conference_edit", 2025))
        r = self.client.get(url("conference", 2026))
        self.assertContains(r, "EST överallt")  # last year's decisions listed on next year's page
        self.assertEqual(decisions_for(2026, self.goteborg), ["Tema narkotika", "EST överallt"])
        r = self.client.get(reverse("reports:conferences"))
        self.assertContains(r, url("conference", 2025))
        self.assertEqual(self.conf.get_absolute_url(), "/rapporter/konferens/1480/2025/")

    def test_the_old_address_finds_the_viewers_conference(self):
        self.login("alice")
        self.assertRedirects(self.client.get("/rapporter/konferens/2025/"), url("conference", 2025))

    def test_create_and_edit(self):
        self.login("ulla")
        data = {"year": 2024, "theme": "vald", "place": "Stadshuset", "date": "2025-03-01", "agenda": "",
                "participants": "Områdesdirektörer: 4", "notes": "", "decisions": "", "theme_motivation": ""}
        r = self.client.post(reverse("reports:conference_new"), data)
        self.assertRedirects(r, url("conference", 2024))
        conf = Conference.objects.get(year=2024)
        self.assertEqual((conf.proposed_by, conf.municipality), (self.ulla, self.goteborg))
        r = self.client.post(url("conference_edit", 2024), {**data, "year": 2025})  # onto another year's
        self.assertIn("year", r.context["form"].errors)

    def test_both_sides_approve_and_theme_change_resets(self):
        approve = url("conference_approve", 2025)
        self.login("dina")  # district director, city side
        self.client.post(approve, {"side": "city"})
        self.assertEqual(self.client.post(approve, {"side": "police"}).status_code, 403)  # not her side
        self.login("pelle")
        self.client.post(approve, {"side": "police"})
        self.conf.refresh_from_db()
        self.assertTrue(self.conf.theme_approved)
        self.assertEqual((self.conf.city_approved_by, self.conf.police_approved_by), (self.dina, self.pelle))
        self.login("ulla")
        data = {"year": 2025, "theme": "vald", "place": "", "date": "", "agenda": "", "participants": "",
                "notes": "", "decisions": "", "theme_motivation": ""}
        self.client.post(url("conference_edit", 2025), data)
        self.conf.refresh_from_db()
        self.assertFalse(self.conf.theme_approved)

    def test_it_checks_access(self):
        approve = url("conference_approve", 2025)
        for persona in ("alice", "bob", "lena", "nils"):  # no APPROVE / ANALYZE_CITYWIDE
            self.login(persona)
            self.assertEqual(self.client.post(approve, {"side": "city"}).status_code, 403, persona)
        self.login("alice")
        self.assertEqual(self.client.get(reverse("reports:conference_new")).status_code, 403)
        self.assertEqual(self.client.post(url("conference_attach", 2025)).status_code, 403)
        self.login("rami")
        self.assertEqual(self.client.get(url("conference", 2025)).status_code, 403)
        self.login("ada")  # superuser: every municipality's, both sides
        self.assertEqual(self.client.get(url("conference_edit", 2025)).status_code, 200)
        self.client.post(approve, {"side": "police"})
        self.conf.refresh_from_db()
        self.assertEqual(self.conf.police_approved_by, self.ada)

    def test_it_rejects_bad_input(self):
        self.login("ulla")
        data = {"year": 2025, "theme": "narkotika", "place": "", "date": "", "agenda": "", "participants": "",
                "notes": "Ring 070-123 45 67", "decisions": "", "theme_motivation": ""}
        r = self.client.post(reverse("reports:conference_new"), data)
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.context["form"].errors["notes"])  # personal data guard
        self.assertContains(r, "Ring 070-123 45 67")  # what was typed is kept
        data["notes"] = ""
        r = self.client.post(reverse("reports:conference_new"), data)
        self.assertIn("year", r.context["form"].errors)  # one conference per municipality and year
        self.assertEqual(self.client.post(url("conference_approve", 2025), {"side": "other"}).status_code, 403)
        self.assertEqual(self.client.get(url("conference", 2025, code="1")).status_code, 404)  # a district
        self.assertEqual(self.client.get(url("conference", 2027)).status_code, 404)
