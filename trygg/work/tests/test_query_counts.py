"""The heavy work pages ask the database a fixed number of questions, however many objects they
show (counts batched in filtered aggregates, each source's data end read once)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from trygg.numbers import queries
from trygg.picture.tests.world import make
from trygg.testing.personas import BaseTestCase
from trygg.work import models as m
from trygg.work.checklist import checklist

from .world import make_cycle

THEMES = ["narkotika", "vald", "ordning", ""]


class FollowupQueriesTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)
        make(self.hjallbo, dt.date(2025, 1, 10), n=10)
        make(self.hjallbo, dt.date(2025, 2, 10), "misshandel", n=4)
        make(self.hjallbo_mo, dt.date(2025, 2, 12), "klotter", source="est", n=5)
        make(self.nordost, dt.date(2025, 3, 3), n=7)
        for area, n in ((self.hjallbo_mo, 3), (self.nordost, 6), (self.vallgraven, 8)):  # comparison areas
            make(area, dt.date(2025, 1, 20), n=n)
            make(area, dt.date(2025, 2, 20), n=n + 2)

    def add_pairs(self, n):
        """``n`` more goal/action pairs in different areas, themes and sources."""
        areas = [self.hjallbo, self.hjallbo_mo, self.nordost]
        for i in range(n):
            area, theme = areas[i % 3], THEMES[i % 4]
            m.Goal.objects.create(problem=self.problem, title=f"Mål {i}", area=area, theme=theme,
                                  sources=["all", "police", "est"][i % 3], baseline_start=dt.date(2025, 1, 1),
                                  baseline_end=dt.date(2025, 1, 31), target_date=dt.date(2025, 12, 31),
                                  target_change_pct=-10)
            m.Action.objects.create(title=f"Åtgärd {i}", area=area, cause=self.cause,
                                    owner_organisation=self.lpo_nordost_org, owner=self.bob,
                                    start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 28), status="ongoing")

    def queries_of(self, url):
        self.client.get(url)  # warm the data-end cache
        with CaptureQueriesContext(connection) as ctx:
            r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        return len(ctx), r

    def test_the_followup_page_asks_a_fixed_number_of_queries(self):
        self.login("alice")
        url = "/arbete/1/uppfoljning/"
        small, r = self.queries_of(url)
        self.assertEqual(len(r.context["goals"]), 1)
        self.assertLess(small, 20)
        self.add_pairs(10)
        self.client.get(url)
        with self.assertNumQueries(small):
            r = self.client.get(url)
        self.assertEqual((len(r.context["goals"]), len(r.context["actions"])), (11, 11))
        self.assertEqual([str(e.reason) for _a, e in r.context["actions"] if not e.available], [])

    def test_the_problem_page_asks_a_fixed_number_of_queries(self):
        self.login("alice")
        url = f"/arbete/1/problem/{self.problem.pk}/"
        small, _r = self.queries_of(url)
        self.add_pairs(10)
        self.client.get(url)
        with self.assertNumQueries(small):
            self.client.get(url)

    def test_batched_counts_equal_single_counts(self):
        specs = [queries.CountSpec(area, start, end, theme=theme, category=category, sources=sources)
                 for area in (self.hjallbo, self.hjallbo_mo, self.nordost, self.goteborg, self.centrum)
                 for start, end in ((dt.date(2025, 1, 1), dt.date(2025, 1, 31)), (dt.date(2025, 1, 1), dt.date(2025, 3, 31)))
                 for theme, category, sources in ((None, None, None), ("narkotika", None, None),
                                                  (None, "misshandel", ("police",)), (None, None, ("est",)))]
        single = [queries.incidents_in(s.area, s.start, s.end, theme=s.theme, category=s.category,
                                       sources=s.sources).count() for s in specs]
        self.assertGreater(sum(single), 0)
        self.assertEqual(queries.count_many(specs), single)
        with self.assertNumQueries(1):
            queries.count_many(specs)

    def test_sources_are_read_for_many_areas_at_once(self):
        with self.assertNumQueries(1):
            found = queries.sources_within_many([self.hjallbo, self.hjallbo_mo, self.centrum])
        self.assertEqual(found, {a.pk: queries.sources_within(a) for a in (self.hjallbo, self.hjallbo_mo, self.centrum)})


class OverviewQueriesTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)
        make(self.hjallbo, dt.date.today() - dt.timedelta(days=5), n=3)
        make(self.hjallbo, dt.date.today() - dt.timedelta(days=5), "klotter", source="est", n=2)

    def add_districts(self, n, first=0):
        """``n`` more districts, each with a prioritised problem, a cause, a goal, an action, a current
        agreement and a meeting to come."""
        from trygg.areas.models import Area

        today = dt.date.today()
        for i in range(first, first + n):
            d = Area.objects.create(code=f"9{i}", name=f"Distrikt {i}", level="stadsomrade", parent=self.goteborg)
            p = m.Problem.objects.create(area=d, title="P", theme="ordning", prioritised=True, raised_by=self.ulla)
            c = m.Cause.objects.create(problem=p, corner="place", description="d", evidence="e")
            m.Goal.objects.create(problem=p, title="G", area=d, baseline_start=dt.date(2025, 1, 1),
                                  baseline_end=dt.date(2025, 1, 31), target_date=today, target_change_pct=-5)
            m.Action.objects.create(title="A", area=d, cause=c, owner_organisation=self.so_nordost, owner=self.alice,
                                    start=today, status="planned")
            m.Agreement.objects.create(area=d, title="Avtal", start=today - dt.timedelta(days=1),
                                       end=today + dt.timedelta(days=300))
            m.Meeting.objects.create(area=d, date=today + dt.timedelta(days=7))

    def test_the_overview_asks_a_fixed_number_of_queries(self):
        self.add_districts(1)  # one of every kind of object, so that every prefetch runs at both sizes
        self.login("ulla")
        self.client.get("/arbete/")
        with CaptureQueriesContext(connection) as ctx:
            r = self.client.get("/arbete/")
        small = len(ctx)
        self.assertLess(small, 20)
        self.assertEqual(len(r.context["rows"]), 3)
        self.add_districts(5, first=1)
        self.client.get("/arbete/")
        with self.assertNumQueries(small):
            r = self.client.get("/arbete/")
        rows = {row["area"].code: {c.key: c.done for c in row["criteria"]} for row in r.context["rows"]}
        self.assertEqual(len(rows), 8)
        self.assertTrue(all(rows["95"][k] for k in ("problems_prioritised", "causes_analysed", "goals_set",
                                                    "actions_aimed", "followup_planned")))
        self.assertTrue(rows["1"]["problems_prioritised"])
        self.assertFalse(rows["2"]["problems_prioritised"])  # Centrum's problem is not prioritised
        self.assertEqual(rows["1"], {c.key: c.done for c in checklist(self.nordost)})
