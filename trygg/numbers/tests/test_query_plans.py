"""The heavy count queries read the (area_path, date, …) index on SQLite and on PostgreSQL, by the
planner's own choice (no planner settings changed) on a table of about 30,000 incidents stored in
no date order and ANALYZEd: the 28-day count, the area × period counts of the follow-up and the
work overview's 12 months, the all-history trend, the per-child counts, the history of equal
periods, and an area's latest day (which PostgreSQL would otherwise read by walking the date index
backwards, every row of it for an area without data)."""

import datetime as dt
import random

from django.db import connection
from django.utils import timezone

from trygg.analysis import periods
from trygg.incidents import coverage
from trygg.incidents.categories import theme_of
from trygg.incidents.models import Incident
from trygg.numbers import queries
from trygg.picture.views import latest_in
from trygg.reports.statutory.data import source_currency
from trygg.testing.personas import BaseTestCase
from trygg.testing.plans import explain, statements

AREA_DATE_INDEX = next(i.name for i in Incident._meta.indexes if i.fields[:2] == ["area_path", "date"])
SOURCE_DATE_INDEX = next(i.name for i in Incident._meta.indexes if i.fields[:2] == ["source", "date"])
TABLE = Incident._meta.db_table
END = dt.date(2025, 3, 31)
DAYS = 730
D28 = END - dt.timedelta(days=27)
YEAR = END - dt.timedelta(days=364)
CATEGORIES = ["ran", "klotter", "narkotikabrott", "misshandel", "skadegorelse"]


def fill(per_day):
    """``per_day`` = [(area, incidents a day, source)] over ``DAYS`` days up to ``END``, inserted
    day by day in a shuffled order (as imports of several sources and back-fills leave a table)."""
    days = [END - dt.timedelta(days=k) for k in range(DAYS)]
    random.Random(19).shuffle(days)
    objs = []
    for day in days:
        occurred = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
        for area, n, source in per_day:
            for _ in range(n):
                c = CATEGORIES[len(objs) % len(CATEGORIES)]
                objs.append(Incident(source=source, source_id=f"plan{len(objs)}", occurred_at=occurred, date=day,
                                     category=c, theme=theme_of(c), area=area, area_path=area.path, placement="area"))
    Incident.objects.bulk_create(objs, batch_size=5000)


class CountQueryPlanTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # a country-like shape: most incidents elsewhere, Göteborg's areas a small part of every day
        fill([(cls.stockholm, 40, "police"), (cls.hjallbo, 1, "police"), (cls.vallgraven, 1, "est")])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def accesses(self, run, *, by_area=False):
        """How the incident table is read by every query ``run()`` makes (at least one); with
        ``by_area``, by those that filter by area (not, e.g., the coverage cache's MAX(id))."""
        with statements(TABLE) as seen:
            run()
        if by_area:
            seen = [(sql, params) for sql, params in seen if f'"{TABLE}"."area_path"' in sql.split(" WHERE ")[-1]]
        self.assertTrue(seen)
        return [a for sql, params in seen for a in explain(sql, params) if a.table == TABLE]

    def assertReadsTheAreaIndex(self, run, *, covering=False):
        found = self.accesses(run, by_area=True)
        self.assertTrue(found)
        for access in found:
            self.assertEqual(access.index, AREA_DATE_INDEX, access.detail)
            if covering and connection.vendor == "sqlite":
                # (PostgreSQL's choice of an index-only scan depends on the visibility map, i.e. on
                # VACUUM, which cannot run inside a test's transaction)
                self.assertEqual(access.kind, "covering", access.detail)

    def test_the_28_day_count(self):
        self.assertReadsTheAreaIndex(lambda: queries.counts_by_source_category(self.nordost, D28, END), covering=True)
        self.assertReadsTheAreaIndex(lambda: queries.synthetic_by_source_category(self.goteborg, D28, END),
                                     covering=True)

    def test_area_by_period_counts(self):
        specs = [queries.CountSpec(area, start, start + dt.timedelta(days=27), theme=theme)
                 for area in (self.nordost, self.hjallbo, self.centrum)
                 for start in (D28, D28 - dt.timedelta(days=364)) for theme in (None, "ordning")]
        self.assertReadsTheAreaIndex(lambda: queries.count_many(specs), covering=True)

    def test_the_work_overviews_12_month_count(self):
        specs = [queries.CountSpec(area, YEAR, END, sources=(source,))
                 for area in (self.nordost, self.centrum, self.hjallbo) for source in ("police", "est")]
        self.assertReadsTheAreaIndex(lambda: queries.count_many(specs), covering=True)

    def test_the_all_history_trend(self):
        start = queries.earliest_incident_date()
        self.assertEqual(start, END - dt.timedelta(days=DAYS - 1))
        self.assertReadsTheAreaIndex(lambda: queries.daily_counts(self.goteborg, start, END), covering=True)

    def test_the_per_child_counts(self):
        children = [self.nordost, self.centrum]
        self.assertReadsTheAreaIndex(lambda: queries.counts_by_child(self.goteborg, children, YEAR, END),
                                     covering=True)
        self.assertReadsTheAreaIndex(
            lambda: queries.counts_by_child_split(self.goteborg, children, YEAR, END, source="police"), covering=True)
        self.assertReadsTheAreaIndex(
            lambda: queries.collection_span_by_child(self.goteborg, children, source="est", synthetic=False),
            covering=True)

    def test_the_history_of_equal_periods(self):
        pairs = periods.history_pairs(periods.Period(D28, END), periods.Period(D28 - dt.timedelta(days=28),
                                                                               D28 - dt.timedelta(days=1)), 12)
        self.assertReadsTheAreaIndex(lambda: queries.counts_by_source_category_periods(
            self.nordost, [p for pair in pairs for p in pair]), covering=True)

    def test_which_sources_an_area_has(self):
        self.assertReadsTheAreaIndex(lambda: queries.sources_within_many([self.nordost, self.centrum]), covering=True)
        self.assertEqual(queries.sources_within_many([self.nordost, self.centrum]),
                         {self.nordost.pk: {"police"}, self.centrum.pk: {"est"}})

    def test_an_areas_latest_day_even_without_data(self):
        # Nordost has no EST report: a backward walk of the (source, date) index would read every one
        self.assertReadsTheAreaIndex(lambda: source_currency(self.nordost), covering=True)
        self.assertReadsTheAreaIndex(lambda: queries.latest_incident_date(self.vallgraven_mo), covering=True)
        self.assertEqual(queries.latest_incident_date(self.nordost), END)
        self.assertIsNone(queries.counted().filter(source="est").within(self.nordost).latest_date())

    def test_the_latest_incidents_list(self):
        self.assertReadsTheAreaIndex(lambda: latest_in(self.nordost, YEAR, END))
        self.assertReadsTheAreaIndex(lambda: latest_in(self.centrum, YEAR, END))

    def test_the_plans_name_other_indexes_too(self):
        # the reading of plans is no constant: the coverage counts (every source, every day) read
        # the (source, date, …) index, a count of the whole country for a period no area index
        found = self.accesses(lambda: list(coverage.daily_rows()))
        self.assertEqual({a.index for a in found}, {SOURCE_DATE_INDEX} if connection.vendor == "sqlite"
                         else {a.index for a in found} - {AREA_DATE_INDEX})
        self.assertNotIn(AREA_DATE_INDEX, {a.index for a in self.accesses(lambda: queries.counted(D28, END).count())})
