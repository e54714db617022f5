"""The residents' page: aggregates only, small counts suppressed, no text."""

from trygg.testing.personas import BaseTestCase

from .world import busy_world


class PublicPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def test_it_works(self):
        r = self.client.get("/lagesbild/offentlig/1/")  # anonymous
        self.assertEqual(r.status_code, 200)
        rows = {x["label"]: x for x in r.context["rows"]}
        self.assertEqual(rows["Violence"]["count"] if "Violence" in rows else rows["Våld"]["count"], "1–4")  # 3 assaults
        self.assertContains(r, "1–4")
        self.assertNotContains(r, "Klotter vid skolan")
        self.assertNotContains(r, "Narkotikabrott på torget")
        self.assertNotContains(r, 'data-testid="latest"')
        self.assertEqual(self.client.get("/lagesbild/offentlig/1480/").status_code, 200)

    def test_a_single_small_count_cannot_be_worked_out_from_the_total(self):
        r = self.client.get("/lagesbild/offentlig/1/")
        counts = [x["count"] for x in r.context["rows"]]
        self.assertEqual(counts.count("1–4"), 1)
        self.assertIn("·", counts)  # the complementary cell is hidden too
        shown = [int(c) for c in counts if c.isdigit()]
        total = int(r.context["total"])
        # what a reader could compute: at least two unknown cells share the remainder
        self.assertGreaterEqual(total - sum(shown), 5 + 1)

    def test_it_checks_access(self):
        self.assertEqual(self.client.get("/lagesbild/offentlig/612/").status_code, 404)  # not public level
        self.login("rami")
        self.assertEqual(self.client.get("/lagesbild/offentlig/1/").status_code, 200)

    def test_it_rejects_bad_input(self):
        self.assertEqual(self.client.get("/lagesbild/offentlig/nowhere/").status_code, 404)
