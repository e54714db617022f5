"""A municipality is ranked among its own county's municipalities and the metropolitan three, not
all 290 (that is the metropolitan comparison page's job)."""

from trygg.areas.models import Area, Level, Population
from trygg.numbers import figures
from trygg.testing.personas import BaseTestCase

from .world import PERIOD, make

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


class MunicipalitySiblingsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for code, name in (("1401", "Härryda"), ("1402", "Partille"), ("0114", "Upplands Väsby"), ("2480", "Umeå")):
            setattr(cls, f"m{code}", Area.objects.create(code=code, name=name, level=Level.MUNICIPALITY,
                                                         parent=cls.sweden, path=f"{cls.sweden.path}{code}/"))
            Population.objects.create(area=getattr(cls, f"m{code}"), year=2025, age_band="", count=40_000)
        make(cls.m1402, PERIOD[0], "misshandel", n=7)
        make(cls.m0114, PERIOD[0], "misshandel", n=9)

    def codes(self, area):
        return {r["code"] for r in figures.sibling_comparison(area, *PERIOD)["rows"]}

    def test_it_works(self):
        self.assertEqual(self.codes(self.goteborg), {"1401", "1402", "1480", "0180", "1280"})
        self.assertEqual(self.codes(self.stockholm), {"0114", "0180", "1280", "1480"})
        self.assertEqual(self.codes(self.m2480), {"2480", "0180", "1280", "1480"})
        rows = {r["code"]: r for r in figures.sibling_comparison(self.goteborg, *PERIOD)["rows"]}
        self.assertEqual(rows["1402"]["count"], 7)
        self.assertEqual(rows["1402"]["rank"], 1)  # the only one with events
        # below the municipality every sibling is still compared
        self.assertEqual(self.codes(self.nordost), {"1", "2"})

    def test_page_and_api_agree(self):
        self.login("ulla")
        r = self.client.get("/lagesbild/1480/" + Q)
        self.assertEqual({s["code"] for s in r.context["siblings"]["rows"]}, {"1401", "1402", "1480", "0180", "1280"})
        self.assertNotContains(r, "Upplands Väsby")
        self.assertContains(r, 'href="/lagesbild/storstader/"')
        api = self.client.get("/api/omraden/1480/jamforelse.json" + Q).json()
        self.assertEqual(api["rows"], r.context["siblings"]["rows"])
