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

    def test_the_picker_is_searchable(self):
        self.login("lena")
        r = self.client.get("/lagesbild/storstader/?from=2025-03-01&to=2025-03-31")
        self.assertContains(r, 'list="metro-municipalities"')
        self.assertContains(r, '<option value="Malmö"></option>', html=False)
        self.assertContains(r, '<input type="checkbox" name="m" value="0180" checked>')
        r = self.client.get("/lagesbild/storstader/?from=2025-03-01&to=2025-03-31&m=1480&add=malmö")
        self.assertEqual([x["code"] for x in r.context["table"]["rows"]], ["1480", "1280"])
        r = self.client.get("/lagesbild/storstader/?add=Atlantis")
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Atlantis", status_code=400)

    def test_it_checks_access(self):
        self.login("rami")
        self.assertEqual(self.client.get("/lagesbild/storstader/").status_code, 403)

    def test_it_rejects_bad_input(self):
        self.login("lena")
        self.assertEqual(self.client.get("/lagesbild/storstader/?m=9999").status_code, 400)
        self.assertEqual(self.client.get("/lagesbild/storstader/?from=x").status_code, 400)


class OnePopulationYearTestCase(BaseTestCase):
    def test_every_municipality_is_divided_by_the_same_years_population(self):
        from trygg.areas.models import Population
        from trygg.numbers import figures

        # Stockholm already has 2026, the others not yet: all three use 2025
        Population.objects.create(area=self.stockholm, year=2026, count=2_000_000, source="test")
        make(self.stockholm, dt.date(2026, 3, 3), "ran", n=99)
        t = figures.metro_comparison([self.stockholm, self.malmo, self.goteborg], dt.date(2026, 3, 1),
                                     dt.date(2026, 3, 31))
        self.assertEqual(t["population_year"], 2025)
        self.assertEqual({r["population_year"] for r in t["rows"]}, {2025})
        sthlm = next(r for r in t["rows"] if r["code"] == "0180")
        self.assertEqual(sthlm["population"], 990_000)
        self.assertAlmostEqual(sthlm["total"]["rate"], 10.0)
        # compared alone, Stockholm uses its own latest year
        alone = figures.metro_comparison([self.stockholm], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        self.assertEqual(alone["population_year"], 2026)
