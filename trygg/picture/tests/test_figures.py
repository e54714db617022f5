"""compute_picture and its siblings: counts, rates, change flags from trygg.analysis (one code path)."""

import datetime as dt

import numpy as np

from trygg.analysis import change, periods, rates
from trygg.picture import figures, maplayers
from trygg.testing.personas import BaseTestCase

from .world import BEFORE, PERIOD, busy_world


class FiguresTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def test_it_counts_within_the_area_and_period(self):
        self.assertEqual(figures.incident_counts(self.nordost, *PERIOD), 40 + 3 + 30 + 2 + 25)
        self.assertEqual(figures.incident_counts(self.nordost, *PERIOD, sources=["police"]), 43)
        self.assertEqual(figures.incident_counts(self.nordost, *PERIOD, theme="narkotika"), 40)
        self.assertEqual(figures.incident_counts(self.hjallbo, *BEFORE), 10)
        self.assertEqual(figures.incident_counts(self.goteborg, *PERIOD, category="ran"), 2)
        self.assertEqual(figures.incident_counts(self.centrum, *BEFORE), 0)

    def test_rows_match_the_analysis_core(self):
        fig = figures.compute_picture(self.nordost, *PERIOD, compare="previous")
        self.assertEqual((fig.comparison_start, fig.comparison_end), (dt.date(2025, 2, 1), dt.date(2025, 2, 28)))
        self.assertEqual(fig.population, 110_000)
        drugs = next(r for r in fig.rows if r.kind == "category" and r.category == "narkotikabrott")
        self.assertEqual((drugs.count, drugs.comparison_count), (40, 10))
        self.assertAlmostEqual(drugs.rate, float(rates.rate(40, 110_000)))
        # recompute the flags with the analysis core over every row, exactly as documented
        c1 = np.array([r.count for r in fig.rows], float)
        c0 = np.array([r.comparison_count for r in fig.rows], float)
        t1 = np.array([28.0 if r.source != "bra" else 1.0 for r in fig.rows])
        expected = change.flag_changes(c1, c0, t1, t1)
        self.assertEqual([r.direction for r in fig.rows], list(expected.direction))
        np.testing.assert_allclose([np.nan if r.p_adj is None else r.p_adj for r in fig.rows], expected.p_adj)
        untested = [r for r in fig.rows if r.count + r.comparison_count < change.MIN_EVENTS]
        self.assertTrue(untested)
        self.assertTrue(all(r.p_value is None and not r.significant for r in untested))
        self.assertEqual(drugs.direction, "up")
        self.assertTrue(drugs.significant)
        assault = next(r for r in fig.rows if r.category == "misshandel")
        self.assertFalse(assault.significant)  # 3 vs 0 is not a real change
        total = fig.total("all")
        self.assertEqual(total.count, 100)
        self.assertEqual(fig.total("est").count, 57)

    def test_last_year_and_theme(self):
        fig = figures.compute_picture(self.nordost, *PERIOD, compare="last-year", theme="narkotika")
        self.assertEqual(fig.comparison_start, dt.date(2024, 3, 1))
        self.assertEqual({r.theme for r in fig.rows if r.kind != "total"}, {"narkotika"})
        self.assertEqual(fig.total("all").count, 40)

    def test_time_series_has_every_bucket(self):
        s = figures.time_series(self.nordost, dt.date(2025, 2, 1), dt.date(2025, 3, 31), "month")
        self.assertEqual(s["labels"], ["2025-02", "2025-03"])
        self.assertEqual(s["series"]["police"], [10, 43])
        self.assertEqual(s["series"]["est"], [0, 57])
        w = figures.time_series(self.nordost, dt.date(2025, 3, 1), dt.date(2025, 3, 31), "week")
        _keys, labels = periods.bucket_index(np.arange(np.datetime64("2025-03-01"), np.datetime64("2025-04-01")), "week")
        self.assertEqual(w["labels"], list(labels))
        self.assertEqual(sum(w["series"]["police"]), 43)

    def test_sibling_comparison_ranks_by_rate(self):
        cmp = figures.sibling_comparison(self.nordost, *PERIOD)
        # ranked on police events alone, not on police + EST (Nordost 43/110k above Centrum 2/200k)
        self.assertEqual(cmp["source"], "police")
        self.assertEqual([r["code"] for r in cmp["rows"]], ["1", "2"])
        self.assertEqual([r["count"] for r in cmp["rows"]], [43, 2])
        self.assertTrue(cmp["rows"][0]["is_self"])
        lo, hi = rates.rate_ci(43, 110_000)
        self.assertAlmostEqual(cmp["rows"][0]["ci_low"], float(lo))
        self.assertEqual(cmp["references"][0]["code"], "1480")
        self.assertEqual(cmp["references"][0]["count"], 45)
        est = next(t for t in cmp["tables"] if t["source"] == "est")
        # Nordost's first EST report is on 5 March, Centrum has none: neither collected EST all period
        self.assertEqual(est["rows"], [])
        self.assertEqual(sorted(est["excluded"]), ["Centrum", "Nordost"])

    def test_metro_comparison_per_100k(self):
        from .world import make

        make(self.stockholm, dt.date(2025, 3, 3), "ran", n=99)
        out = figures.metro_comparison([self.goteborg, self.stockholm], *PERIOD)
        sthlm = out["rows"][1]
        self.assertEqual(sthlm["total"]["count"], 99)
        self.assertAlmostEqual(sthlm["total"]["rate"], 10.0)  # 99 / 990,000 · 100,000

    def test_map_layers(self):
        fc = maplayers.choropleth(self.nordost, *PERIOD)
        self.assertEqual([f["properties"]["count"] for f in fc["features"]], [97])  # Hjällbo-Eriksbo
        est = maplayers.est_points(self.nordost, *PERIOD)
        self.assertEqual(len(est["features"]), 57)
        self.assertNotIn("Klotter vid skolan", str(est))  # no free text on the map
        hot = maplayers.hotspot_cells(self.nordost, *PERIOD)
        self.assertGreaterEqual(len(hot["features"]), 1)
        lon, lat = hot["features"][0]["geometry"]["coordinates"][0][0]
        self.assertTrue(11.9 < lon < 12.0 and 57.7 < lat < 57.8, (lon, lat))

    def test_public_count(self):
        self.assertEqual([figures.public_count(n) for n in (0, 1, 4, 5)], ["0", "1–4", "1–4", "5"])

    def test_it_rejects_bad_input(self):
        with self.assertRaises(ValueError):
            figures.compute_picture(self.nordost, *PERIOD, compare="sometime")
        with self.assertRaises(ValueError):
            figures.time_series(self.nordost, *PERIOD, bucket="day")


class SummariesDoNotCountTestCase(BaseTestCase):
    """Police "Sammanfattning natt" and "Uppdatering" notices are not events of their own."""

    def test_a_summary_does_not_change_the_figures(self):
        from .world import PERIOD, make

        make(self.nordost, PERIOD[0], "misshandel", n=3)
        before = figures.compute_picture(self.nordost, *PERIOD).total("police").count
        make(self.nordost, PERIOD[0], "sammanfattning", n=2)
        make(self.nordost, PERIOD[0], "uppdatering", n=1)
        after = figures.compute_picture(self.nordost, *PERIOD)
        self.assertEqual(before, 3)
        self.assertEqual(after.total("police").count, 3)
        self.assertEqual(figures.incident_counts(self.nordost, *PERIOD, sources=["police"]), 3)


class CoverageTestCase(BaseTestCase):
    """A source not yet collected in the comparison period gets no test and no flag."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def test_rows_of_a_late_source_are_not_compared(self):
        from unittest import mock

        est_from = dt.date(2025, 3, 1)  # EST collected only from the current period on
        with mock.patch("trygg.incidents.coverage.coverage_start",
                        side_effect=lambda s: est_from if s == "est" else None):
            fig = figures.compute_picture(self.nordost, *PERIOD)
        self.assertEqual(fig.not_comparable, {"est": "2025-03-01"})
        for r in fig.rows:
            late = r.source in ("est", "all")
            self.assertEqual(r.comparable, not late, r)
            if late:
                self.assertIsNone(r.p_value)
                self.assertFalse(r.significant)
        police = [r for r in fig.rows if r.source == "police" and r.kind == "total"][0]
        self.assertTrue(police.significant)  # 43 vs 10 police events is still a real rise
        page_fig = figures.compute_picture(self.nordost, *PERIOD)
        self.assertEqual(page_fig.not_comparable, {})  # too little history in the test world to restrict
