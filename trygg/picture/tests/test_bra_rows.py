"""Brå rows: readable crime-type names, and the total is "all crimes" (its parts are not added on top)."""

from trygg.incidents.models import CrimeStatistic
from trygg.numbers import figures
from trygg.testing.personas import BaseTestCase

from .world import PERIOD


class BraRowsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for year, total, assault in ((2024, 1000, 90), (2025, 900, 120)):
            CrimeStatistic.objects.create(area=cls.nordost, year=year, crime_type="alla_brott", theme="", count=total)
            CrimeStatistic.objects.create(area=cls.nordost, year=year, crime_type="misshandel", theme="vald",
                                          count=assault)

    def test_the_total_is_all_crimes(self):
        fig = figures.compute_picture(self.nordost, *PERIOD)
        total = fig.total("bra")
        self.assertEqual((total.count, total.comparison_count), (900, 1000))
        labels = [r.label for r in fig.rows if r.source == "bra" and r.kind == "category"]
        self.assertEqual(labels, ["All reported crimes", "Assault"])

    def test_a_theme_adds_up_its_crime_types(self):
        fig = figures.compute_picture(self.nordost, *PERIOD, theme="vald")
        self.assertEqual((fig.total("bra").count, fig.total("bra").comparison_count), (120, 90))
