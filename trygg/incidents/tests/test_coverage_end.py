"""Up to which day each source is complete, read from the data (``coverage.coverage_end``)."""

import datetime as dt
from unittest import mock

from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from trygg.incidents import coverage, daily
from trygg.incidents.coverage import last_complete_day
from trygg.incidents.models import Incident

D = dt.date


def days(first, n):
    return [first + dt.timedelta(days=i) for i in range(n)]


def test_last_day_is_trimmed_only_when_clearly_partial():
    d = days(D(2026, 7, 1), 53)  # 1 July – 22 August
    assert last_complete_day(d, [50] * 52 + [32]) == (D(2026, 8, 22), 0)  # a quiet day, not a cut-off
    assert last_complete_day(d, [50] * 52 + [12]) == (D(2026, 8, 21), 0)  # an archive cut mid-day
    # a sparse source (EST: a few reports a day) cannot tell a partial day from a quiet one
    assert last_complete_day(d, [4] * 52 + [1])[0] == D(2026, 8, 22)
    assert last_complete_day([], []) == (None, 0)


def test_the_normal_gap_of_a_sparse_source():
    d = [D(2026, 8, 1), D(2026, 8, 3), D(2026, 8, 4), D(2026, 8, 8), D(2026, 8, 9)]
    assert last_complete_day(d, [3, 2, 4, 1, 2]) == (D(2026, 8, 9), 3)  # 5–7 August had no report


class CoverageEndTestCase(TestCase):
    def setUp(self):
        cache.clear()

    def _add(self, source, day, n=1):
        Incident.objects.bulk_create([Incident(
            source=source, source_id=f"{source}-{day}-{i}", date=day, category="klotter", theme="ordning",
            occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))), placement="area")
            for i in range(n)])
        daily.refresh_days([day])  # as the importers do: the coverage rules read the daily cells

    def test_police_ends_where_its_feed_ends_and_est_is_not_extended_past_it(self):
        for day in days(D(2026, 6, 1), 83):  # police every day up to 22 August
            self._add("police", day, 40)
        for day in days(D(2026, 6, 2), 81)[::2]:  # EST every other day, last on 21 August
            self._add("est", day, 3)
        self.assertEqual(coverage.coverage_end("police"), D(2026, 8, 22))
        self.assertEqual(coverage.source_end("est"), (D(2026, 8, 21), 1))
        # one empty day is normal for this EST set, but not past the last day any source has data
        self.assertEqual(coverage.coverage_end("est"), D(2026, 8, 22))
        self.assertEqual(coverage.common_end(["police", "est"], today=D(2026, 12, 2)), D(2026, 8, 22))
        self.assertEqual(coverage.common_end([], today=D(2026, 12, 2)), D(2026, 12, 2))
        # a year the police feed covers only up to 22 August counts with that share
        share = coverage.covered_share("police", D(2026, 1, 1), D(2026, 12, 31))
        self.assertAlmostEqual(share, ((D(2026, 8, 22) - D(2026, 1, 1)).days + 1) / 365)

    def test_a_source_that_stopped_arriving_is_stale(self):
        for day in days(D(2026, 8, 1), 22):
            self._add("police", day, 30)
        with mock.patch("django.utils.timezone.localdate", return_value=D(2026, 12, 2)):
            stale = coverage.stale_sources()
        self.assertEqual([(c.source, c.last_day, c.days_since) for c in stale], [("police", D(2026, 8, 22), 102)])
        fresh = coverage.stale_sources(today=D(2026, 8, 30))
        self.assertEqual(fresh, [])  # 8 days is within STALE_DAYS
