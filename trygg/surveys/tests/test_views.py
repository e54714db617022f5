import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from trygg.surveys.collaboration import send_round
from trygg.surveys.importing import import_survey
from trygg.surveys.models import CollaborationAnswer, CollaborationRound, SurveyResult
from trygg.testing.personas import BaseTestCase

CSV = ("indicator,area_code,year,respondents,value\n"
       "unsafe_night,1,2024,500,35\nunsafe_night,1,2025,500,26\nunsafe_night,2,2025,300,20\n")
GOOD = {"collaboration": 4, "agreement": 3, "shared_picture": 5, "follow_up": 2, "comment": "Bra möten."}


class SurveyAreaViewTestCase(BaseTestCase):
    def test_it_works(self):
        import_survey(CSV, "s.csv")
        self.login("alice")
        r = self.client.get(reverse("surveys:area", args=["1"]))
        self.assertContains(r, "35")
        self.assertContains(r, "p (FDR)=0")  # the change is tested, with FDR control over the table
        html = Template('{% include "surveys/area_results.html" with area=a %}').render(Context({"a": self.nordost}))
        self.assertIn('data-testid="survey-results"', html)
        self.assertIn("-9", html)  # 35 → 26 percentage points

    def test_it_checks_access(self):
        self.login("carl")  # Centrum only
        self.assertEqual(self.client.get(reverse("surveys:area", args=["1"])).status_code, 403)
        self.login("rami")
        self.assertEqual(self.client.get(reverse("surveys:index")).status_code, 403)


class SurveyUploadViewTestCase(BaseTestCase):
    def test_it_works(self):
        self.login("ulla")
        r = self.client.post(reverse("surveys:upload"), {"file": SimpleUploadedFile("s.csv", CSV.encode())})
        self.assertRedirects(r, reverse("surveys:index"))
        self.assertEqual(SurveyResult.objects.count(), 3)

    def test_it_checks_access(self):
        self.login("alice")
        self.assertEqual(self.client.get(reverse("surveys:upload")).status_code, 403)

    def test_it_rejects_bad_input(self):
        self.login("ulla")
        bad = CSV + "unsafe_night,1,2023,500,abc\n"
        r = self.client.post(reverse("surveys:upload"), {"file": SimpleUploadedFile("bad.csv", bad.encode())})
        self.assertContains(r, "line 5, column value")
        self.assertEqual(SurveyResult.objects.count(), 0)


class CollaborationViewsTestCase(BaseTestCase):
    def test_send_answer_edit_and_results(self):
        self.login("ulla")
        closes = (dt.date.today() + dt.timedelta(days=14)).isoformat()
        r = self.client.post(reverse("surveys:rounds"), {"year": 2025, "closes_on": closes, "message": "Svara gärna"})
        self.assertRedirects(r, reverse("surveys:round", args=[2025]))
        rnd = CollaborationRound.objects.get(year=2025)
        self.assertEqual(sorted(rnd.invitations.values_list("user__username", flat=True)), ["alice", "bob", "carl"])
        self.login("alice")
        self.assertContains(self.client.get(reverse("web:home")), 'data-testid="nav-surveys"')
        self.assertContains(self.client.get(reverse("surveys:mine")), "not answered yet")
        self.client.post(reverse("surveys:answer", args=[2025]), GOOD)
        self.client.post(reverse("surveys:answer", args=[2025]), {**GOOD, "follow_up": 4})  # editable, once
        self.assertEqual(CollaborationAnswer.objects.get().follow_up, 4)
        self.login("ulla")
        r = self.client.get(reverse("surveys:round", args=[2025]))
        # 1 of 3 answered: fewer than 5 answers, so neither the count nor the means are shown
        self.assertIsNone(r.context["summary"]["total"].answered)
        self.assertContains(r, "fewer than 5 answers")
        self.assertNotContains(r, "33 %")
        self.assertNotContains(r, "1/3")
        self.assertContains(r, "Bra möten.")

    def test_closed_round_is_read_only(self):
        rnd, _n = send_round(2024, dt.date.today() + dt.timedelta(days=1))
        CollaborationRound.objects.filter(pk=rnd.pk).update(closes_on=dt.date(2024, 12, 1))
        self.login("bob")
        r = self.client.post(reverse("surveys:answer", args=[2024]), GOOD)
        self.assertContains(r, "closed")
        self.assertEqual(CollaborationAnswer.objects.count(), 0)

    def test_it_checks_access(self):
        send_round(2025, dt.date.today() + dt.timedelta(days=14))
        self.login("dina")  # not invited: directors are not asked
        self.assertEqual(self.client.get(reverse("surveys:answer", args=[2025])).status_code, 404)
        self.login("alice")
        self.assertEqual(self.client.get(reverse("surveys:round", args=[2025])).status_code, 403)
        self.assertEqual(self.client.post(reverse("surveys:rounds"), {}).status_code, 403)

    def test_it_rejects_bad_input(self):
        send_round(2025, dt.date.today() + dt.timedelta(days=14))
        self.login("alice")
        r = self.client.post(reverse("surveys:answer", args=[2025]),
                             {**GOOD, "agreement": 9, "comment": "Ring mig 070-123 45 67"})
        self.assertEqual(r.status_code, 200)
        self.assertIn("agreement", r.context["form"].errors)
        self.assertIn("comment", r.context["form"].errors)
        self.assertContains(r, "Ring mig 070-123 45 67")  # kept for correction
        self.login("ulla")
        r = self.client.post(reverse("surveys:rounds"), {"year": 2025, "closes_on": "2001-01-01"})
        self.assertIn("closes_on", r.context["form"].errors)
