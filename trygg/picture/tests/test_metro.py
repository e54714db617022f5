"""Metropolitan comparison per 100,000 inhabitants."""

import datetime as dt

from trygg.testing.personas import BaseTestCase

from .world import make


class MetroTestCase(BaseTestCase):
    def test_it_works(self):
        make(self.stockholm, dt.date(2025, 3, 3), "ran", n=99)
        make(self.goteborg, dt.date(2025, 3, 3), "ran", n=6)
        self.login("lena")
        r = self.client.get("/lagesbild/storstader/?from=2025-03-01&to=2025-03-31")
        self.assertEqual(r.status_code, 200)
        rows = {x["code"]: x for x in r.context["table"]["rows"]}
        self.assertEqual(set(rows), {"1480", "0180", "1280"})
        self.assertAlmostEqual(rows["0180"]["total"]["rate"], 10.0)
        self.assertAlmostEqual(rows["1480"]["total"]["rate"], 1.0)
        r = self.client.get("/lagesbild/storstader/?from=2025-03-01&to=2025-03-31&m=1280")
        self.assertEqual([x["code"] for x in r.context["table"]["rows"]], ["1280"])

    def test_it_checks_access(self):
        self.login("rami")
        self.assertEqual(self.client.get("/lagesbild/storstader/").status_code, 403)

    def test_it_rejects_bad_input(self):
        self.login("lena")
        self.assertEqual(self.client.get("/lagesbild/storstader/?m=9999").status_code, 400)
        self.assertEqual(self.client.get("/lagesbild/storstader/?from=x").status_code, 400)
