"""The picture's main count (an area's incidents of a period by source and category) reads the
(area_path, date, …) index on SQLite and on PostgreSQL, from the index alone (it covers every column
the count reads), and the area subtree filter is the range form (``trygg.areas.subtree``) on both."""

import datetime as dt
import random
import unittest

from django.db import connection
from django.db.models import Count

from trygg.areas.subtree import prefix_upper, ranges_work, subtree_q
from trygg.incidents import coverage
from trygg.incidents.models import Incident
from trygg.numbers import queries
from trygg.testing.personas import BaseTestCase

from .world import make

AREA_DATE_INDEX = next(i.name for i in Incident._meta.indexes if i.fields[:2] == ["area_path", "date"])
DATE_AREA_INDEX = next(i.name for i in Incident._meta.indexes if i.fields[:2] == ["date", "area_path"])
START = dt.date(2025, 3, 1)


class QueryPlanTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # a country-like shape: most incidents elsewhere, the area a small part of every day, stored
        # in no particular order (as imports of several sources leave them)
        days = [START - dt.timedelta(days=k) for k in range(365)]
        random.Random(13).shuffle(days)
        for day in days:
            make(cls.stockholm, day, "ran", n=30)
            make(cls.hjallbo, day, "klotter", n=1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def main_count(self):
        """The queryset behind the picture's counts (``queries.counts_by_source_category``)."""
        return (queries.incidents_in(self.nordost, START - dt.timedelta(days=27), START)
                .order_by().values_list("source", "category"))

    def test_the_subtree_filter_is_a_range(self):
        self.assertTrue(ranges_work())
        sql = str(self.main_count().query)
        self.assertIn(f"area_path\" >= {self.nordost.path}", sql.replace("'", ""))
        self.assertNotIn("LIKE", sql.upper())
        self.assertEqual(prefix_upper("/SE/1480/1/"), "/SE/1480/10")

    def test_the_range_holds_exactly_the_subtree(self):
        paths = ["/SE/1480/1/", "/SE/1480/1/12/", "/SE/1480/10/", "/SE/1480/1", "/SE/1480/2/", "/SE/1480/"]
        inside = [p for p in paths if p.startswith("/SE/1480/1/")]
        for p in paths:
            Incident.objects.filter(pk=Incident.objects.order_by("pk")[paths.index(p)].pk).update(area_path=p)
        got = set(Incident.objects.filter(subtree_q("/SE/1480/1/", "area_path"))
                  .filter(area_path__in=paths).values_list("area_path", flat=True))
        self.assertEqual(got, set(inside))

    @unittest.skipUnless(connection.vendor == "sqlite", "SQLite query plan")
    def test_sqlite_uses_the_area_date_index(self):
        plan = self.main_count().explain()
        self.assertIn(AREA_DATE_INDEX, plan)

    @unittest.skipUnless(connection.vendor == "sqlite", "SQLite query plan")
    def test_sqlite_counts_from_the_index_alone(self):
        for qs in (self.main_count(), self.main_count().filter(theme="ordning", synthetic=False)):
            self.assertIn(f"COVERING INDEX {AREA_DATE_INDEX}", qs.explain())

    def test_the_latest_incidents_list_reads_the_area_date_index(self):
        # no single-column area_path index for the planner to prefer: with one, the list looked up
        # every incident of the area before testing its date (SQLite, 3.9 s for the country)
        self.assertFalse(Incident._meta.get_field("area_path").db_index)
        qs = queries.incidents_in(self.nordost, START - dt.timedelta(days=27), START).order_by("-occurred_at")[:25]
        self.assertIn(AREA_DATE_INDEX, qs.explain())

    def test_the_coverage_counts_read_the_pre_aggregated_tables(self):
        """The country's sums (a few rows a day) and, of the daily cells, only the index ranges
        outside every country: never a scan of the incidents or the cells."""
        from trygg.incidents.models import DailyCount, SubtreeDailyCount
        from trygg.testing.plans import explain, statements

        with statements(Incident._meta.db_table) as on_incidents, \
                statements(DailyCount._meta.db_table) as cells, statements(SubtreeDailyCount._meta.db_table) as sums:
            coverage.daily_rows()
        self.assertEqual(on_incidents, [])
        self.assertEqual(len(cells), 1)
        self.assertEqual(len(sums), 1)
        if connection.vendor == "sqlite":  # (PostgreSQL scans tables this small, rightly)
            for sql, params in cells + sums:
                for access in explain(sql, params):
                    self.assertNotEqual(access.kind, "scan", access.detail)

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL query plan")
    def test_postgresql_uses_the_area_date_index(self):
        # the planner's own choice (ANALYZEd, no planner settings)
        plan = self.main_count().explain()
        self.assertIn(AREA_DATE_INDEX, plan)
        self.assertIn("area_path", plan)

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL query plan")
    def test_postgresql_counts_from_the_index_alone(self):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = self.main_count().annotate(n=Count("id")).explain()
        self.assertIn(f"Index Only Scan using {AREA_DATE_INDEX}", plan)
