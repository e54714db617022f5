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


class DailyCountsTestCase(TestCase):
    """The coverage rules' counts come from one grouped query per day and source, summed to months in
    Python: they must equal the database's own month and minimum over the same rows."""

    def setUp(self):
        cache.clear()

    def test_it_matches_the_raw_table(self):
        from django.db.models import Count, Min
        from django.db.models.functions import TruncMonth

        from trygg.incidents.coverage import _monthly, daily_by_source
        from trygg.numbers.queries import first_dates_by_source

        days = [dt.date(2024, 1, 31), dt.date(2024, 2, 1), dt.date(2024, 2, 29), dt.date(2024, 3, 15)]
        for k, day in enumerate(days):
            for i in range(k + 1):
                for source, category in (("police", "misshandel"), ("est", "klotter"), ("police", "sammanfattning")):
                    t = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
                    Incident.objects.create(source=source, source_id=f"{category}-{day}-{i}", occurred_at=t,
                                            date=day, category=category, theme="ovrigt", placement="area")
        counted = Incident.objects.counted()
        for source in ("police", "est"):
            rows = (counted.filter(source=source).annotate(m=TruncMonth("date")).values("m")
                    .annotate(n=Count("id")).order_by("m"))
            months = [r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"] for r in rows]
            assert _monthly(*daily_by_source()[source]) == (months, [r["n"] for r in rows])
            assert sum(daily_by_source()[source][1]) == counted.filter(source=source).count()
        assert first_dates_by_source() == dict(counted.order_by().values_list("source").annotate(d=Min("date")))
        assert "bra" not in daily_by_source()
