import datetime as dt

from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from trygg.incidents.coverage import coverage_start, covers, first_covered_month
from trygg.incidents.models import Incident


def test_first_covered_month_skips_sparse_and_partial_months():
    months = [dt.date(2022, m, 1) for m in (9, 10, 11, 12)] + [dt.date(2023, m, 1) for m in range(1, 13)]
    counts = [40, 38, 41, 39, 40, 42] + [1900, 2050, 2010, 1980, 2100, 2000, 1950, 2020, 2060, 1990]  # sparse, then full
    assert first_covered_month(months, counts) == dt.date(2023, 3, 1)
    months = [dt.date(2024, 8, 1)] + [dt.date(2024 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(9, 21)]
    assert first_covered_month(months, [20] + [115] * 12) == dt.date(2024, 9, 1)  # started on 23 August
    assert first_covered_month(months[:6], [20, 120, 110, 100, 90, 130]) is None  # too few months to tell
    assert first_covered_month([], []) is None


class CoverageTestCase(TestCase):
    def setUp(self):
        cache.clear()

    def _add(self, source, day, n, start=0):
        for i in range(n):
            t = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
            Incident.objects.create(source=source, source_id=f"{source}-{day}-{start + i}", occurred_at=t, date=day,
                                    category="klotter", theme="ordning", placement="area")

    def test_it_reads_the_database(self):
        self._add("est", dt.date(2024, 8, 25), 2)
        for i in range(12):
            self._add("est", dt.date(2024 + (i >= 4), (8 + i) % 12 + 1, 3), 10, start=100 * i)
        assert coverage_start("est") == dt.date(2024, 9, 1)
        assert covers("est", dt.date(2024, 9, 1))
        assert not covers("est", dt.date(2024, 8, 1))
        assert coverage_start("police") is None and covers("police", dt.date(2020, 1, 1))
