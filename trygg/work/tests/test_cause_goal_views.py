import datetime as dt

from trygg.testing.personas import BaseTestCase
from trygg.work.models import Cause, Goal

from .world import make_cycle


class CauseGoalViewsTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)

    def test_it_works(self):
        self.login("bob")
        r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/orsak/ny/", {
            "corner": "offender", "description": "Etablerad försäljning", "evidence": "Underrättelsebild"})
        self.assertEqual(r.status_code, 302)
        self.assertTrue(Cause.objects.filter(problem=self.problem, corner="offender", created_by=self.bob).exists())
        r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/mal/ny/", {
            "title": "Färre narkotikahändelser", "area": self.hjallbo.pk, "sources": "police", "theme": "narkotika",
            "baseline_start": "2025-01-01", "baseline_end": "2025-12-31", "target_date": "2027-06-30",
            "target_change_pct": "-20"})
        self.assertEqual(r.status_code, 302)
        self.assertTrue(Goal.objects.filter(title="Färre narkotikahändelser", target_date=dt.date(2027, 6, 30)).exists())

    def test_it_checks_access(self):
        for name in ("carl", "rami", "lena"):
            self.login(name)
            r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/orsak/ny/", {
                "corner": "place", "description": "x", "evidence": "y"})
            self.assertEqual(r.status_code, 403, name)
        self.assertEqual(Cause.objects.count(), 1)

    def test_it_rejects_bad_input(self):
        self.login("alice")
        data = {"title": "Mål utan indikator", "area": self.hjallbo.pk, "sources": "all", "theme": "", "category": "",
                "baseline_start": "2025-12-31", "baseline_end": "2025-01-01", "target_date": "2027-06-30",
                "target_change_pct": "-20"}
        r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/mal/ny/", data)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "needs an indicator")
        self.assertContains(r, 'data-field="baseline_end"')  # dates out of order
        self.assertContains(r, "Mål utan indikator")
        self.assertFalse(Goal.objects.filter(title="Mål utan indikator").exists())
        r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/orsak/ny/", {
            "corner": "place", "description": "Anmäld av 19121212-1212", "evidence": "x"})
        self.assertContains(r, 'data-field="description"')
