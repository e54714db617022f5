from trygg.testing.personas import BaseTestCase
from trygg.work.models import ChangeLog, Problem

from .world import make_cycle


class ProblemViewsTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)

    def test_it_works(self):
        self.login("alice")
        r = self.client.post("/arbete/1/problem/ny/", {
            "title": "Skadegörelse i soprum", "area": self.hjallbo.pk, "theme": "egendom", "priority": 1,
            "prioritised": "on", "place_text": "soprummen", "time_pattern": "helger", "indicator": "EST egendom"})
        p = Problem.objects.get(title="Skadegörelse i soprum")
        self.assertRedirects(r, f"/arbete/1/problem/{p.pk}/")
        self.assertEqual(p.raised_by, self.alice)
        log = ChangeLog.objects.get(object_id=p.pk, content_type__model="problem")
        self.assertEqual(log.kind, "created")
        self.assertEqual(log.after["title"], "Skadegörelse i soprum")
        # the community police officer edits the same joint object; the history shows before/after
        self.login("bob")
        r = self.client.post(f"/arbete/1/problem/{p.pk}/andra/", {
            "title": "Skadegörelse och bränder i soprum", "area": self.hjallbo.pk, "theme": "egendom", "priority": 1})
        self.assertEqual(r.status_code, 302)
        r = self.client.get(f"/arbete/1/historik/problem/{p.pk}/")
        self.assertContains(r, "Skadegörelse och bränder i soprum")
        self.assertContains(r, "Skadegörelse i soprum")
        # the problem page shows its causes, goals and actions
        r = self.client.get(f"/arbete/1/problem/{self.problem.pk}/")
        self.assertContains(r, "Mörk gångtunnel")
        self.assertContains(r, "Insatser vid torget")

    def test_it_checks_access(self):
        self.login("carl")  # Centrum coordinator: not on Nordost objects
        self.assertEqual(self.client.get(f"/arbete/1/problem/{self.problem.pk}/").status_code, 403)
        self.assertEqual(self.client.post("/arbete/1/problem/ny/", {"title": "x"}).status_code, 403)
        # a Centrum problem looked up under Nordost is not found
        self.login("alice")
        self.assertEqual(self.client.get(f"/arbete/1/problem/{self.centrum_problem.pk}/").status_code, 404)
        for name in ("rami", "lena"):
            self.login(name)
            r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/andra/", {"title": "x"})
            self.assertEqual(r.status_code, 403, name)
        self.assertEqual(Problem.objects.get(pk=self.problem.pk).title, "Narkotikahandel vid torget")

    def test_it_rejects_bad_input(self):
        self.login("alice")
        r = self.client.post("/arbete/1/problem/ny/", {
            "title": "Ring 070-123 45 67", "area": self.hjallbo.pk, "theme": "egendom", "priority": 1,
            "description": "Kvällar vid torget"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'data-field="title"')
        self.assertContains(r, "Kvällar vid torget")  # what the user typed is kept
        self.assertFalse(Problem.objects.filter(title__startswith="Ring").exists())
        # an area outside the cycle's area is refused
        r = self.client.post("/arbete/1/problem/ny/", {"title": "x", "area": self.vallgraven.pk, "theme": "egendom",
                                                        "priority": 1})
        self.assertContains(r, 'data-field="area"')
