"""The annual analysis of a year the data do not cover to its end: cut at the last complete day,
compared with the same dates a year earlier, and saying up to when each source is complete."""

import datetime as dt
from io import BytesIO
from unittest import mock

from django.core.cache import cache
from django.utils import translation
from openpyxl import load_workbook

from trygg.picture.tests.test_rankings import spread
from trygg.reports.annual import render
from trygg.reports.annual.data import collect
from trygg.testing.personas import BaseTestCase

POLICE_END = dt.date(2025, 8, 22)


class AnnualCurrencyTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        first = dt.date(2024, 1, 1)
        n = (POLICE_END - first).days + 1
        spread(cls.goteborg, 3 * n, first, POLICE_END, source="police", category="trafikolycka",
               municipality=cls.goteborg)
        spread(cls.hjallbo, n, first, POLICE_END, source="police", category="narkotikabrott",
               municipality=cls.goteborg)

    def setUp(self):
        cache.clear()
        patcher = mock.patch("django.utils.timezone.localdate", return_value=dt.date(2025, 12, 2))
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_the_year_is_cut_at_the_data_and_compared_with_the_same_dates(self):
        with translation.override("en"):
            rep = collect(2025, "narkotika")
        self.assertTrue(rep.incomplete)
        self.assertEqual((rep.data_end, rep.compare), (POLICE_END, "last-year"))
        fig = rep.city["figures"]
        self.assertEqual((fig.start, fig.end), (dt.date(2025, 1, 1), POLICE_END))
        self.assertEqual((fig.comparison_start, fig.comparison_end), (dt.date(2024, 1, 1), dt.date(2024, 8, 22)))
        self.assertEqual(fig.incomplete, {})  # nothing in the figures runs past the data
        drugs = fig.total("police")
        self.assertLess(abs(drugs.count - drugs.comparison_count), 10)  # the same daily rate (2024 is a leap year)
        self.assertFalse(drugs.significant)
        self.assertEqual(rep.districts[0]["figures"].end, POLICE_END)
        self.assertEqual({c["source"]: c["up_to"] for c in rep.currency}["police"], "2025-08-22")
        with translation.override("en"):
            html = render.html(rep)
        self.assertIn('data-testid="currency-table"', html)
        self.assertIn("complete up to 2025-08-22", html)
        self.assertIn("Data up to: Police events 2025-08-22", rep.theme_section["years_table"].note)
        with translation.override("en"):
            info = load_workbook(BytesIO(render.xlsx(rep)))["Om uttaget"]
        rows = [[c.value for c in r] for r in info.iter_rows()]
        self.assertIn(["Data up to", "Police events: 2025-08-22"], [r[:2] for r in rows])
