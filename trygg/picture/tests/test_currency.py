"""Currency: no default period, comparison, trend or public figure runs past the day up to which
its source is complete; every page, export and CLI output says "data up to" per source; a source
that stopped arriving warns the analyst.

The world is the demo's situation: today is 2026-12-02, the police feed ends 2026-08-22, and EST
reports (real ones here) keep arriving up to yesterday.
"""

import csv
import datetime as dt
import io
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command
from openpyxl import load_workbook

from trygg.numbers import figures
from trygg.picture import exports
from trygg.testing.personas import BaseTestCase

from .test_rankings import spread

TODAY = dt.date(2026, 12, 2)
POLICE_END = dt.date(2026, 8, 22)


class CurrencyTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        first = dt.date(2025, 7, 1)
        n_police = (POLICE_END - first).days + 1
        spread(cls.goteborg, 5 * n_police, first, POLICE_END, source="police", category="trafikolycka",
               municipality=cls.goteborg)
        spread(cls.nordost, n_police, first, POLICE_END, source="police", category="narkotikabrott",
               municipality=cls.goteborg)
        est_end = TODAY - dt.timedelta(days=1)
        spread(cls.nordost, 2 * ((est_end - first).days + 1), first, est_end, source="est", category="klotter")

    def setUp(self):
        cache.clear()
        patcher = mock.patch("django.utils.timezone.localdate", return_value=TODAY)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_the_public_page_ends_where_the_police_data_end(self):
        r = self.client.get("/lagesbild/offentlig/1/")
        self.assertEqual(r.status_code, 200)
        fig = r.context["fig"]
        # the latest complete tertial (fixed periods: trygg.picture.public) that ends by the data's end
        self.assertLessEqual(fig.end, POLICE_END)
        self.assertEqual((fig.start, fig.end), (dt.date(2026, 1, 1), dt.date(2026, 4, 30)))
        self.assertEqual(fig.incomplete, {})
        self.assertContains(r, 'data-source="police" data-up-to="2026-08-22"')
        self.assertContains(r, 'data-source="est" data-up-to="2026-12-01"')
        self.assertNotContains(r, 'data-testid="stale-source"')  # a warning for the analyst, not residents

    def test_the_picture_defaults_to_the_last_complete_day_and_warns_of_the_stopped_feed(self):
        self.login("ulla")
        r = self.client.get("/lagesbild/1/")
        self.assertEqual(r.context["choice"].end, POLICE_END)
        self.assertContains(r, 'data-testid="stale-source"', count=1)
        self.assertContains(r, "2026-08-22 (102")
        api = self.client.get("/api/omraden/1/lagesbild.json").json()
        self.assertEqual(api["end"], "2026-08-22")
        self.assertEqual({c["source"]: c["up_to"] for c in api["currency"]}["police"], "2026-08-22")

    def test_a_period_past_the_police_data_is_marked_incomplete_and_never_tested(self):
        fig = figures.compute_picture(self.nordost, dt.date(2026, 11, 3), dt.date(2026, 11, 30))
        self.assertEqual(fig.incomplete, {"police": "2026-08-22"})
        for row in fig.rows:
            if row.source in ("police", "all"):
                self.assertTrue(row.incomplete, row)
                self.assertIsNone(row.p_value)
                self.assertFalse(row.significant)
                self.assertEqual(row.statement.verdict, "untested")
            elif row.source == "est":
                self.assertFalse(row.incomplete)
                self.assertIsNotNone(row.p_value)
        police = fig.total("police")
        self.assertEqual((police.count, police.comparison_count), (0, 0))  # missing months, not a fall
        self.login("ulla")
        r = self.client.get("/lagesbild/1/?from=2026-11-03&to=2026-11-30")
        self.assertContains(r, 'data-testid="incomplete"')
        self.assertContains(r, 'data-testid="row-incomplete"')

    def test_trend_buckets_past_a_source_end_are_gaps(self):
        s = figures.time_series(self.nordost, dt.date(2026, 6, 1), dt.date(2026, 11, 30), "month")
        self.assertEqual(s["labels"], ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"])
        self.assertEqual(s["series"]["police"][3:], [None, None, None])
        self.assertIsNone(s["series"]["police"][2])  # August is complete only up to the 22nd
        self.assertEqual(s["series"]["police"][:2], [30, 31])
        self.assertNotIn(None, s["series"]["est"])

    def test_exports_and_the_cli_say_how_current_each_source_is(self):
        fig = figures.compute_picture(self.nordost, dt.date(2026, 7, 26), POLICE_END)
        rows = list(csv.DictReader(io.StringIO(exports.to_csv(fig))))
        self.assertEqual({r["data_up_to"] for r in rows if r["source"] == "police"}, {"2026-08-22"})
        self.assertEqual({r["data_up_to"] for r in rows if r["source"] == "est"}, {"2026-12-01"})
        self.assertEqual({r["data_up_to"] for r in rows if r["source"] == "all"}, {"2026-08-22"})
        about = load_workbook(io.BytesIO(exports.to_xlsx(fig)))["Om uttaget"]
        lines = [[c.value for c in row][:2] for row in about.iter_rows()]
        self.assertIn(["Data up to – Police events", "2026-08-22"], lines)
        out, err = io.StringIO(), io.StringIO()
        call_command("picture", "--area", "1", stdout=out, stderr=err)
        self.assertIn("2026-07-26 – 2026-08-22", out.getvalue())
        self.assertIn("data up to: police 2026-08-22; est 2026-12-01", out.getvalue())
        self.assertIn("police: no new data since 2026-08-22 (102 days)", err.getvalue())
