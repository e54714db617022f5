from django.urls import reverse

from trygg.reports.models import Conference, decisions_for
from trygg.testing.personas import BaseTestCase


class ConferenceViewsTestCase(BaseTestCase):
    def setUp(self):
        self.conf = Conference.objects.create(year=2025, theme="narkotika", proposed_by=self.ulla,
                                              decisions="Tema narkotika\n- EST överallt")
        Conference.objects.create(year=2026, theme="vald")

    def test_it_works(self):
        self.login("lena")
        r = self.client.get(reverse("reports:conference", args=[2025]))
        self.assertContains(r, "Tema narkotika")
        self.assertNotContains(r, reverse("reports:conference_edit", args=[2025]))
        r = self.client.get(reverse("reports:conference", args=[2026]))
        self.assertContains(r, "EST överallt")  # last year's decisions listed on next year's page
        self.assertEqual(decisions_for(2026), ["Tema narkotika", "EST överallt"])
        self.assertContains(self.client.get(reverse("reports:conferences")), "2025")

    def test_create_and_edit(self):
        self.login("ulla")
        data = {"year": 2024, "theme": "vald", "place": "Stadshuset", "date": "2025-03-01", "agenda": "",
                "participants": "Områdesdirektörer: 4", "notes": "", "decisions": "", "theme_motivation": ""}
        r = self.client.post(reverse("reports:conference_new"), data)
        self.assertRedirects(r, reverse("reports:conference", args=[2024]))
        self.assertEqual(Conference.objects.get(year=2024).proposed_by, self.ulla)

    def test_both_sides_approve_and_theme_change_resets(self):
        url = reverse("reports:conference_approve", args=[2025])
        self.login("dina")  # district director, city side
        self.client.post(url, {"side": "city"})
        self.assertEqual(self.client.post(url, {"side": "police"}).status_code, 403)  # not her side
        self.login("pelle")
        self.client.post(url, {"side": "police"})
        self.conf.refresh_from_db()
        self.assertTrue(self.conf.theme_approved)
        self.assertEqual((self.conf.city_approved_by, self.conf.police_approved_by), (self.dina, self.pelle))
        self.login("ulla")
        data = {"year": 2025, "theme": "vald", "place": "", "date": "", "agenda": "", "participants": "",
                "notes": "", "decisions": "", "theme_motivation": ""}
        self.client.post(reverse("reports:conference_edit", args=[2025]), data)
        self.conf.refresh_from_db()
        self.assertFalse(self.conf.theme_approved)

    def test_it_checks_access(self):
        url = reverse("reports:conference_approve", args=[2025])
        for persona in ("alice", "bob", "lena", "nils"):  # no APPROVE / ANALYZE_CITYWIDE
            self.login(persona)
            self.assertEqual(self.client.post(url, {"side": "city"}).status_code, 403, persona)
        self.login("alice")
        self.assertEqual(self.client.get(reverse("reports:conference_new")).status_code, 403)
        self.assertEqual(self.client.post(reverse("reports:conference_attach", args=[2025])).status_code, 403)
        self.login("rami")
        self.assertEqual(self.client.get(reverse("reports:conference", args=[2025])).status_code, 403)

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
        self.assertIn("year", r.context["form"].errors)  # one conference per year
        self.assertEqual(self.client.post(reverse("reports:conference_approve", args=[2025]),
                                          {"side": "other"}).status_code, 403)
