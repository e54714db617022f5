"""A source with nothing for the area reads "no data", never 0: the key figures, the theme table's
police/EST split, and Brå's year before when Brå has only the latest year."""

import datetime as dt

from trygg.incidents.models import CrimeStatistic
from trygg.numbers import figures
from trygg.testing.personas import BaseTestCase

from .world import PERIOD, make

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


class NoDataTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make(cls.nordost, dt.date(2025, 3, 3), "narkotikabrott", source="police", n=5)  # police only, no EST
        CrimeStatistic.objects.create(area=cls.nordost, year=2025, crime_type="alla_brott", count=900)

    def test_figures_know_which_sources_have_nothing(self):
        fig = figures.compute_picture(self.nordost, *PERIOD)
        self.assertEqual(fig.no_data, ["est"])
        self.assertTrue(fig.bra_no_previous)
        row, parts = next(t for t in fig.theme_table if t[0].theme == "narkotika")
        self.assertEqual(parts, {"police": 5, "est": None})
        self.assertEqual(figures.compute_picture(self.centrum, *PERIOD).no_data, ["police", "est", "all"])

    def test_it_works(self):
        self.login("alice")
        r = self.client.get("/lagesbild/1/" + Q)
        self.assertContains(r, '<span data-part="est">no data</span>')
        self.assertContains(r, '<span data-part="police">5</span>')
        card = r.content.decode().split('data-testid="total-est"')[1].split("</article>")[0]
        self.assertIn("no data", card)
        self.assertNotIn('data-count="0"', card)
        bra = r.content.decode().split('data-testid="total-bra"')[1].split("</article>")[0]
        self.assertIn("year before: <span class=\"muted\">no data</span>", bra)

    def test_it_checks_access(self):
        self.login("carl")
        self.assertEqual(self.client.get("/lagesbild/1/" + Q).status_code, 403)


class PublicNoDataTestCase(BaseTestCase):
    def test_an_area_without_data_says_so(self):
        for week in range(90):  # Hjällbo (Nordost) has police events over many tertials, Centrum nothing
            make(self.hjallbo, dt.date(2025, 1, 1) + dt.timedelta(days=7 * week), "narkotikabrott", n=2)
        r = self.client.get("/lagesbild/offentlig/2/")  # Centrum: no source has anything there
        self.assertContains(r, 'data-theme="total">no data</div>')
        self.assertContains(r, 'data-theme="total">no data</td>')  # nor before it
        self.assertContains(r, "No source has data for this area in this period.")
        r = self.client.get("/lagesbild/offentlig/1/")
        self.assertNotContains(r, "No source has data")
