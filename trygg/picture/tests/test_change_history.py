"""The picture's change flags use each row's own history of equal periods (issue 16, item 3)."""

import datetime as dt

import numpy as np
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trygg.analysis import change, periods
from trygg.numbers import figures
from trygg.testing.personas import BaseTestCase

from .world import make

END = dt.date(2025, 6, 30)
START = END - dt.timedelta(days=27)


class HistoryTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 16 past 28-day periods of thefts that swing between 60 and 100 (far more than Poisson);
        # the current one has 100 against 75 before it.
        swings = [60, 100, 65, 95, 70, 100, 60, 90, 62, 98, 70, 95, 64, 100, 75]
        day = START - dt.timedelta(days=28 * len(swings))
        for n in swings:
            make(cls.hjallbo, day + dt.timedelta(days=3), "stold", n=n)
            make(cls.hjallbo, day + dt.timedelta(days=5), "narkotikabrott", n=20)
            day += dt.timedelta(days=28)
        make(cls.hjallbo, START + dt.timedelta(days=3), "stold", n=100)
        make(cls.hjallbo, START + dt.timedelta(days=5), "narkotikabrott", n=20)
        # events after the period: the police source is complete up to END, so the period is tested
        make(cls.hjallbo, END + dt.timedelta(days=1), "narkotikabrott", n=5)

    def test_a_swing_within_the_history_is_not_flagged(self):
        fig = figures.compute_picture(self.nordost, START, END)
        theft = next(r for r in fig.rows if r.kind == "category" and r.category == "stold")
        self.assertEqual((theft.count, theft.comparison_count), (100, 75))
        self.assertLess(float(change.poisson_ratio_test(100, 75).p_value), 0.1)
        self.assertFalse(theft.significant)
        self.assertGreater(theft.p_value, 0.2)
        self.assertEqual(theft.test, "baseline")
        # the same numbers as the analysis core given the history the picture reads
        pairs = periods.history_pairs(periods.Period(START, END), periods.Period(START - dt.timedelta(days=28),
                                                                                   START - dt.timedelta(days=1)),
                                      figures.HISTORY_PAIRS)
        first = START - dt.timedelta(days=28 * 15 - 3)  # the first event: pairs before it say nothing

        def count(p):
            return np.nan if p.start < first else figures.incident_counts(self.nordost, p.start, p.end,
                                                                          category="stold")
        h1 = [np.nan if np.isnan(count(b)) else count(a) for a, b in pairs]
        h0 = [count(b) for _a, b in pairs]
        ref = change.baseline_test([100], [75], 28.0, 28.0, h0=np.array([h0]))
        self.assertAlmostEqual(theft.p_value, float(ref.p_value[0]))
        self.assertAlmostEqual(theft.expected, float(ref.expected[0]))
        self.assertAlmostEqual(theft.ratio, 100 / float(ref.expected[0]))
        self.assertEqual(int(ref.history[0]), 13)  # the comparison period and 13 of the 15 before it
        # the two-period test on the same history would not flag it either
        pair = change.quasi_poisson_ratio_test([100], [75], 28.0, 28.0, np.array([h1]), np.array([h0]))
        self.assertGreater(float(pair.p_value[0]), 0.05)

    def test_the_history_is_one_query_whatever_the_number_of_rows(self):
        figures.compute_picture(self.nordost, START, END)  # the coverage cache warm in both measurements
        with CaptureQueriesContext(connection) as few:
            figures.compute_picture(self.nordost, START, END)
        for i, cat in enumerate(["misshandel", "ran", "klotter", "inbrott", "skadegorelse"]):
            make(self.hjallbo, START - dt.timedelta(days=40 + i), cat, n=3)
            make(self.hjallbo, START + dt.timedelta(days=i), cat, n=2)
        figures.compute_picture(self.nordost, START, END)  # the coverage cache follows the new rows
        with CaptureQueriesContext(connection) as many:
            fig = figures.compute_picture(self.nordost, START, END)
        self.assertGreater(len(fig.rows), 8)
        self.assertEqual(len(many), len(few))
        # one GROUP BY with a filtered count (a district: a sum of its subtree sums) per history period
        history = [q["sql"] for q in many.captured_queries if q["sql"].count("COUNT(") + q["sql"].count("SUM(") >= 24]
        self.assertEqual(len(history), 1)
