"""The heavy count queries read the (area_path, date, …) index on SQLite and on PostgreSQL, by the
planner's own choice (no planner settings changed) on a table of about 30,000 incidents stored in
no date order and ANALYZEd: the 28-day count, the area × period counts of the follow-up and the
work overview's 12 months, the all-history trend, the per-child counts, the history of equal
periods, and an area's latest day (which PostgreSQL would otherwise read by walking the date index
backwards, every row of it for an area without data)."""

import datetime as dt
import random
import unittest
from collections import Counter

from django.db import connection
from django.db.models import Count
from django.test import TestCase, TransactionTestCase
from django.utils import timezone

from trygg.analysis import periods
from trygg.incidents import coverage, daily
from trygg.incidents.categories import theme_of
from trygg.incidents.models import DailyCount, Incident, SubtreeDailyCount
from trygg.numbers import queries
from trygg.picture.views import latest_ids
from trygg.reports.statutory.data import source_currency
from trygg.testing.personas import BaseTestCase, build_world
from trygg.testing.plans import explain, statements

AREA_DATE_INDEX = next(i.name for i in Incident._meta.indexes if i.fields[:2] == ["area_path", "date"])
DATE_AREA_INDEX = next(i.name for i in Incident._meta.indexes if i.fields[:2] == ["date", "area_path"])
SUBTREE_INDEX = next(i.name for i in SubtreeDailyCount._meta.indexes if i.fields[:2] == ["area_path", "day"])
DAILY_INDEX = next(i.name for i in DailyCount._meta.indexes if i.fields[:2] == ["area_path", "day"])
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
    daily.rebuild()  # past the importers: the pre-aggregated cells by hand


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
        ``by_area``, by those that count by area (not, e.g., the coverage cache's MAX(id))."""
        with statements(TABLE) as seen:
            run()
        if by_area:
            seen = [(sql, params) for sql, params in seen if f'"{TABLE}"."area_path"' in sql]
        self.assertTrue(seen)
        return [a for sql, params in seen for a in explain(sql, params) if a.table == TABLE]

    def count_indexes(self, areas, windows):
        """The index(es) a count of ``areas`` over ``windows`` [(start, end)] may read: on SQLite the
        one the query shape leaves it (area first, date first for the country); on PostgreSQL the
        one whose slice holds at most half the entries of the other's (either when neither does)."""
        country = all(a.path.count("/") == 2 for a in areas)
        if connection.vendor == "sqlite":
            return {DATE_AREA_INDEX if country else AREA_DATE_INDEX}
        if not windows:
            return {AREA_DATE_INDEX}
        allowed = set()
        in_areas = sum(Incident.objects.within(a).count() for a in areas)
        for start, end in windows:
            in_period = Incident.objects.filter(date__gte=start, date__lte=end).count()
            if 2 * in_areas <= in_period:
                allowed.add(AREA_DATE_INDEX)
            elif 2 * in_period <= in_areas:
                allowed.add(DATE_AREA_INDEX)
            else:
                allowed |= {AREA_DATE_INDEX, DATE_AREA_INDEX}
        return allowed

    def assertReadsACountIndex(self, run, areas, windows=(), *, covering=True):
        allowed = self.count_indexes(areas, windows)
        found = self.accesses(run, by_area=True)
        self.assertTrue(found)
        for access in found:
            self.assertIn(access.index, allowed, access.detail)
            if covering and connection.vendor == "sqlite":
                # (PostgreSQL's choice of an index-only scan depends on the visibility map, i.e. on
                # VACUUM, which cannot run inside a test's transaction)
                self.assertEqual(access.kind, "covering", access.detail)
        return allowed

    def test_the_28_day_count(self):
        self.assertEqual(self.assertReadsACountIndex(
            lambda: queries.counts_by_source_category(self.hjallbo, YEAR, END), [self.hjallbo], [(YEAR, END)]),
            {AREA_DATE_INDEX})
        self.assertReadsACountIndex(lambda: queries.counts_by_source_category(self.hjallbo, D28, END),
                                    [self.hjallbo], [(D28, END)])
        self.assertReadsACountIndex(lambda: queries.counts_by_source_category(self.hjallbo_mo, D28, END),
                                    [self.hjallbo_mo], [(D28, END)])
        self.assertReadsACountIndex(lambda: queries.synthetic_by_source_category(self.hjallbo_mo, D28, END),
                                    [self.hjallbo_mo], [(D28, END)])

    def test_the_country_the_municipalities_and_the_districts_read_their_subtree_sums(self):
        spans = [p for pair in periods.history_pairs(periods.Period(D28, END), periods.Period(
            D28 - dt.timedelta(days=28), D28 - dt.timedelta(days=1)), 12) for p in pair]
        start = queries.earliest_incident_date()
        runs = {
            "28 days": lambda: queries.counts_by_source_category(self.sweden, D28, END),
            "per source": lambda: queries.count_many([queries.CountSpec(self.sweden, D28, END, sources=(s,))
                                                      for s in ("police", "est")]),
            "municipalities": lambda: queries.count_many([queries.CountSpec(m, YEAR, END, theme="ordning")
                                                          for m in (self.goteborg, self.stockholm)]),
            "synthetic": lambda: queries.synthetic_by_source_category(self.goteborg, D28, END),
            "trend": lambda: queries.daily_counts(self.goteborg, start, END),
            "history": lambda: queries.counts_by_source_category_periods(self.sweden, spans),
            "per municipality": lambda: queries.counts_by_child_split(
                self.sweden, [self.stockholm, self.goteborg], YEAR, END, source="police"),
            "sources": lambda: queries.sources_within(self.goteborg),
            "a district": lambda: queries.counts_by_source_category(self.nordost, D28, END),
            "a district's trend": lambda: queries.daily_counts(self.nordost, start, END),
            "per district": lambda: queries.counts_by_child_split(self.goteborg, [self.nordost, self.centrum], YEAR, END,
                                                                  source="police"),
            "collected from": lambda: queries.collection_span_by_child(self.goteborg, [self.nordost, self.centrum],
                                                                       source="est", synthetic=False),
        }
        subtree = SubtreeDailyCount._meta.db_table
        for name, run in runs.items():
            with statements(TABLE) as on_incidents, statements(subtree) as seen:
                run()
            self.assertEqual(on_incidents, [], name)  # the incident rows are not read at all
            self.assertTrue(seen, name)
            for sql, params in seen:
                for access in explain(sql, params):
                    if connection.vendor == "sqlite":  # the area-first index alone
                        self.assertEqual((access.index, access.kind), (SUBTREE_INDEX, "covering"), f"{name}: {access.detail}")
                    else:  # a few rows a day either way: PostgreSQL may take the day index for a short period
                        self.assertIn(access.index, {SUBTREE_INDEX, "subtree_day"}, f"{name}: {access.detail}")

    def test_the_whole_countrys_counts_are_the_sum_of_its_parts(self):
        # the same rows as the sum of its parts (the country's path terms written differently)
        parts = Counter(queries.counts_by_source_category(self.stockholm, D28, END))
        parts.update(queries.counts_by_source_category(self.goteborg, D28, END))
        self.assertEqual(queries.counts_by_source_category(self.sweden, D28, END), dict(parts))

    def test_area_by_period_counts(self):
        areas = [self.hjallbo_mo, self.hjallbo, self.vallgraven_mo]
        starts = (D28, D28 - dt.timedelta(days=364))
        specs = [queries.CountSpec(area, start, start + dt.timedelta(days=27), theme=theme)
                 for area in areas for start in starts for theme in (None, "ordning")]
        self.assertReadsACountIndex(lambda: queries.count_many(specs), areas, [(starts[1], END)])

    def test_the_work_overviews_12_month_count(self):
        areas = [self.hjallbo_mo, self.vallgraven_mo, self.hjallbo]
        specs = [queries.CountSpec(area, YEAR, END, sources=(source,)) for area in areas for source in ("police", "est")]
        self.assertEqual(self.assertReadsACountIndex(lambda: queries.count_many(specs), areas, [(YEAR, END)]),
                         {AREA_DATE_INDEX})

    def test_the_all_history_trend(self):
        start = queries.earliest_incident_date()
        self.assertEqual(start, END - dt.timedelta(days=DAYS - 1))
        self.assertEqual(self.assertReadsACountIndex(lambda: queries.daily_counts(self.hjallbo_mo, start, END),
                                                     [self.hjallbo_mo], [(start, END)]), {AREA_DATE_INDEX})

    def test_the_per_child_counts(self):
        children = [self.hjallbo_mo]  # below a district (the districts read their subtree sums)
        g = [self.nordost]
        self.assertReadsACountIndex(lambda: queries.counts_by_child(self.nordost, children, YEAR, END), g, [(YEAR, END)])
        self.assertReadsACountIndex(
            lambda: queries.counts_by_child_split(self.nordost, children, YEAR, END, source="police"), g, [(YEAR, END)])
        self.assertReadsACountIndex(
            lambda: queries.collection_span_by_child(self.nordost, children, source="est", synthetic=False), g)

    def test_the_history_of_equal_periods(self):
        pairs = periods.history_pairs(periods.Period(D28, END), periods.Period(D28 - dt.timedelta(days=28),
                                                                               D28 - dt.timedelta(days=1)), 12)
        spans = [p for pair in pairs for p in pair]
        self.assertReadsACountIndex(lambda: queries.counts_by_source_category_periods(self.hjallbo_mo, spans),
                                    [self.hjallbo_mo], [(min(p.start for p in spans), END)])

    def test_which_sources_an_area_has(self):
        self.assertReadsACountIndex(lambda: queries.sources_within_many([self.nordost, self.centrum]),
                                    [self.nordost, self.centrum])
        self.assertEqual(queries.sources_within_many([self.nordost, self.centrum]),
                         {self.nordost.pk: {"police"}, self.centrum.pk: {"est"}})

    def test_an_areas_latest_day_even_without_data(self):
        # Nordost has no EST report: a backward walk of the (source, date) index would read every one
        self.assertReadsACountIndex(lambda: source_currency(self.nordost), [self.nordost])
        self.assertReadsACountIndex(lambda: queries.latest_incident_date(self.vallgraven_mo), [self.vallgraven_mo])
        self.assertEqual(queries.latest_incident_date(self.nordost), END)
        self.assertIsNone(queries.counted().filter(source="est").within(self.nordost).latest_date())

    def test_the_latest_incidents_list(self):
        """The last day, then the last week (here each holds fewer than 15, so then the whole
        period): a district (with subtree sums) reads the day and the week by the date-first index
        on SQLite, an area below it by its own entries; the whole period by the area's entries."""
        week = END - dt.timedelta(days=6)
        for area in (self.nordost, self.centrum, self.hjallbo_mo):
            with statements(TABLE) as seen:
                latest_ids(area, YEAR, END)
            reads = [[a.index for a in explain(sql, params) if a.table == TABLE]
                     for sql, params in seen if f'"{TABLE}"."area_path"' in sql]
            self.assertEqual(len(reads), 3, area)
            if connection.vendor == "sqlite":
                recent_index = DATE_AREA_INDEX if queries.summed(area) else AREA_DATE_INDEX
                self.assertEqual(reads, [[recent_index], [recent_index], [AREA_DATE_INDEX]], area)
            else:  # the planner's choice, as for the counts
                for found, window in zip(reads, [(END, END), (week, END), (YEAR, END)], strict=True):
                    self.assertTrue(set(found) <= self.count_indexes([area], [window]), (area, found))

    def test_the_placement_note(self):
        from trygg.incidents.models import MOVED_OUT
        from trygg.incidents.templatetags.placement_tags import placement_share

        # the source files Stockholm's events under Stockholm; Hjällbo's under Stockholm too, but
        # their text placed them in Göteborg: moved out of Stockholm (few, in the partial index)
        Incident.objects.filter(area=self.stockholm).update(municipality=self.stockholm,
                                                            reported_municipality=self.stockholm)
        Incident.objects.filter(area=self.hjallbo).update(municipality=self.goteborg, reported_municipality=self.stockholm)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        fine, sums = DailyCount._meta.db_table, SubtreeDailyCount._meta.db_table
        for area, index, table in ((self.stockholm, SUBTREE_INDEX, sums), (self.hjallbo_mo, DAILY_INDEX, fine)):
            with statements(TABLE) as on_incidents, statements(table) as on_cells:
                share = placement_share(area, YEAR, END)
            self.assertTrue(on_cells)
            for sql, params in on_cells:
                for access in explain(sql, params):
                    self.assertEqual(access.index, index, access.detail)
                    if connection.vendor == "sqlite":
                        self.assertEqual(access.kind, "covering", access.detail)
            moved = [a for sql, params in on_incidents for a in explain(sql, params) if a.table == TABLE]
            if area == self.stockholm:  # the one count of the incidents: the events moved out
                self.assertEqual([a.index for a in moved], ["incident_moved_out"])
                self.assertEqual(share["moved_out"], Incident.objects.filter(area=self.hjallbo, date__gte=YEAR).count())
                self.assertEqual(share["moved_out"], queries.counted(YEAR, END).filter(
                    MOVED_OUT, source="police", reported_municipality=self.stockholm).count())
            else:
                self.assertEqual(moved, [])

    def test_the_points_of_an_area(self):
        # the EST reports have a point: their coordinates come from the partial index of points
        Incident.objects.filter(area=self.vallgraven).update(lon=11.97, lat=57.70)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        found = self.accesses(lambda: queries.incident_points(self.centrum, YEAR, END, sources=["est"]))
        self.assertEqual({a.index for a in found}, {"incident_points"})
        if connection.vendor == "sqlite":
            self.assertEqual({a.kind for a in found}, {"covering"})
        points = queries.incident_points(self.centrum, YEAR, END, sources=["est"])
        self.assertEqual(len(points["lon"]), Incident.objects.filter(area=self.vallgraven, date__gte=YEAR).count())

    def test_the_plans_name_other_indexes_too(self):
        # the reading of plans is no constant: the coverage counts (every source, every day) read the
        # daily cells only outside the country (the area index's ranges), a count of the whole country
        # for a period no area index
        with statements(DailyCount._meta.db_table) as seen:
            coverage.daily_rows()
        found = [a for sql, params in seen for a in explain(sql, params)]
        self.assertTrue(found)
        self.assertEqual({a.index for a in found}, {DAILY_INDEX})
        self.assertNotIn(AREA_DATE_INDEX, {a.index for a in self.accesses(lambda: queries.counted(D28, END).count())})



BRIN_INDEX = "incident_date_brin"


def brin_indexes():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, TABLE)
    return {name: c for name, c in indexes.items() if c.get("type") == "brin"}


class IndexSetTests(TestCase):
    def test_brin_on_the_date_only_on_postgresql(self):
        found = brin_indexes()
        if connection.vendor == "postgresql":
            self.assertEqual(list(found), [BRIN_INDEX])
            self.assertEqual(found[BRIN_INDEX]["columns"], ["date"])
        else:
            self.assertEqual(found, {})

    def test_no_single_column_index_on_source_theme_or_area_path(self):
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, TABLE)
        single = {tuple(c["columns"]) for c in indexes.values()
                  if c["index"] and not c["unique"] and c.get("type") != "brin"}
        self.assertEqual(single & {("source",), ("theme",), ("area_path",)}, set())
        self.assertNotIn(("date",), single)  # the (date, area_path, …) index serves the date alone


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL query plan")
class TimeOrderedStorageTests(TransactionTestCase):
    """A table in date order (as the police feed's daily imports leave it) after VACUUM ANALYZE (what
    autovacuum does after an import): an area's counts still read a count index (the area-first one
    where the area is the smaller slice), never the BRIN index or a whole table; a recent period of
    the whole country reads a date index. The areas
    here hold a smaller share of the table than the period (as a stadsområde of the country's data:
    ~1 % against 28 days' 7 %); for an area as large as its period's share (a big city, 28 days) a
    date index reads about as many entries, and PostgreSQL may rightly take it (docs/scaling.md)."""

    def setUp(self):
        w = build_world()
        self.w = w
        days = [END - dt.timedelta(days=k) for k in range(364, -1, -1)]
        objs = []
        for day in days:
            occurred = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
            for area, n, source in ((w["stockholm"], 80, "police"), (w["hjallbo"], 1, "police"),
                                    (w["vallgraven"], 1, "est")):
                for _ in range(n):
                    c = CATEGORIES[len(objs) % len(CATEGORIES)]
                    objs.append(Incident(source=source, source_id=f"ord{len(objs)}", occurred_at=occurred, date=day,
                                         category=c, theme=theme_of(c), area=area, area_path=area.path,
                                         placement="area"))
        Incident.objects.bulk_create(objs, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE incidents_incident")

    def accesses(self, run):
        with statements(TABLE) as seen:
            run()
        self.assertTrue(seen)
        return [a for sql, params in seen for a in explain(sql, params) if a.table == TABLE]

    def test_an_areas_counts_read_the_area_index(self):
        w = self.w
        children, below = [w["hjallbo_mo"], w["vallgraven_mo"]], [w["hjallbo_mo"]]
        area_first, either = {AREA_DATE_INDEX}, {AREA_DATE_INDEX, DATE_AREA_INDEX}
        for k, (run, allowed) in enumerate([
            (lambda: queries.counts_by_source_category(w["hjallbo_mo"], D28, END), area_first),
            (lambda: queries.counts_by_source_category(w["hjallbo"], D28, END, theme="ordning"), area_first),
            (lambda: queries.count_many([queries.CountSpec(a, YEAR, END, sources=(s,))
                                         for a in children for s in ("police", "est")]), area_first),
            # two areas' ranges (a bitmap, no index-only scan) against 28 days of the date-first one:
            # PostgreSQL may take either, both read the index alone
            (lambda: queries.count_many([queries.CountSpec(a, D28, END, theme="ordning") for a in children]),
             either),
            (lambda: queries.counts_by_child_split(w["nordost"], below, YEAR, END, source="police"), area_first),
            (lambda: queries.daily_counts(w["hjallbo_mo"], END - dt.timedelta(days=364), END), area_first),
            (lambda: queries.counts_by_child(w["nordost"], below, YEAR, END), area_first),
        ]):
            for access in self.accesses(run):
                self.assertIn(access.index, allowed, f"query {k}: {access.detail}")
                self.assertNotEqual(access.index, BRIN_INDEX)

    def test_the_whole_countrys_recent_period_reads_a_date_index(self):
        found = self.accesses(lambda: list(queries.counted(D28, END).values("category").annotate(n=Count("id"))))
        self.assertTrue(found)
        for access in found:
            self.assertNotEqual(access.kind, "scan", access.detail)
            self.assertIn(access.index, {BRIN_INDEX, DATE_AREA_INDEX}, access.detail)
