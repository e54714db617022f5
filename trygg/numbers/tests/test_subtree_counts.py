"""The country's, the municipalities' and the districts' counts, read from the sums over their
subtrees (``SubtreeDailyCount``), are the very numbers the incident rows give: every count function that
reads them, against the same function reading the incidents, on data with several municipalities,
both sources, synthetic rows, summaries that do not count, themes, and incidents placed only in a
municipality or nowhere."""

import datetime as dt
from collections import Counter
from unittest import mock

import numpy as np
from django.db.models import Count

from trygg.analysis import periods
from trygg.incidents import coverage
from trygg.incidents.models import Incident
from trygg.numbers import figures, queries
from trygg.picture.tests.world import DATA_END, PERIOD, busy_world, make
from trygg.testing.personas import BaseTestCase

YEAR = (dt.date(2024, 3, 29), dt.date(2025, 3, 28))


class SubtreeCountsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)
        make(cls.stockholm, dt.date(2025, 3, 4), "ran", n=7)
        make(cls.stockholm, dt.date(2025, 3, 5), "klotter", source="est", n=3)
        make(cls.goteborg, dt.date(2025, 3, 7), "misshandel", n=4)  # placed in the municipality only
        make(cls.goteborg, dt.date(2025, 3, 8), "sammanfattning", n=5)  # a summary: never counted
        make(cls.sweden, dt.date(2025, 3, 9), "ran", n=2)  # in the country only
        make(cls.hjallbo, dt.date(2024, 3, 11), "narkotikabrott", n=6)  # a year before
        Incident.objects.filter(area=cls.vallgraven).update(synthetic=True)
        from trygg.incidents import daily

        daily.rebuild()  # the update above went past the writers

    def both(self, run):
        """``run()`` from the subtree sums, and from the incident rows."""
        summed = run()
        with mock.patch.object(queries, "summed", return_value=False):
            rows = run()
        return summed, rows

    def assertSame(self, run):
        summed, rows = self.both(run)
        if isinstance(summed, tuple):  # (days, sources, counts) in no particular order
            self.assertEqual(sorted(zip(*(a.tolist() for a in summed), strict=True)),
                             sorted(zip(*(b.tolist() for b in rows), strict=True)))
        elif isinstance(summed, dict) and summed and isinstance(next(iter(summed.values())), np.ndarray):
            self.assertEqual({k: v.tolist() for k, v in summed.items()}, {k: v.tolist() for k, v in rows.items()})
        else:
            self.assertEqual(summed, rows)
        return summed

    def test_counts_by_source_and_category(self):
        for area in (self.sweden, self.goteborg, self.stockholm, self.nordost, self.centrum):
            for kw in ({}, {"theme": "narkotika"}, {"sources": ["est"]}):
                self.assertSame(lambda a=area, kw=kw: queries.counts_by_source_category(a, *PERIOD, **kw))
        got = queries.counts_by_source_category(self.goteborg, *PERIOD)
        self.assertEqual(got[("police", "misshandel")], 4 + 3)  # Göteborg itself and Nordost
        self.assertNotIn(("police", "sammanfattning"), got)
        self.assertEqual(queries.counts_by_source_category(self.sweden, *PERIOD)[("police", "ran")], 2 + 7 + 2)

    def test_synthetic_rows(self):
        got = self.assertSame(lambda: queries.synthetic_by_source_category(self.goteborg, *PERIOD))
        self.assertEqual(got, {("police", "ran"): 2})

    def test_the_history_of_equal_periods(self):
        pairs = periods.history_pairs(periods.Period(*PERIOD), periods.Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)), 12)
        spans = [p for pair in pairs for p in pair]
        year_ago = figures.comparison_period(*PERIOD, "last-year")  # pairs that overlap each other
        spans += [p for pair in periods.history_pairs(periods.Period(*PERIOD), year_ago, 12) for p in pair]
        spans += [periods.Period(*PERIOD), periods.Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28))]  # the data
        from trygg.incidents.categories import theme_of

        variants = ({}, {"theme": "narkotika"}, {"sources": ["est"]},
                    {"theme": theme_of("klotter"), "sources": ["est"]}, {"sources": ["police"]})
        for area in (self.sweden, self.goteborg, self.nordost):
            totals = []
            for kw in variants:
                got = self.assertSame(lambda a=area, kw=kw: queries.counts_by_source_category_periods(a, spans, **kw))
                totals.append(sum(int(v.sum()) for v in got.values()))
            self.assertTrue(all(totals), (area, totals))  # every variant counts something …
            self.assertLess(max(totals[1:]), totals[0], area)  # … and each filter leaves some out

    def test_the_pieces_of_overlapping_periods(self):
        d = dt.date
        spans = [periods.Period(d(2025, 1, 1), d(2025, 1, 31)), periods.Period(d(2025, 1, 15), d(2025, 2, 14)),
                 periods.Period(d(2025, 3, 1), d(2025, 3, 1))]
        pieces, inside = queries._pieces(spans)
        self.assertEqual(pieces, [(d(2025, 1, 1), d(2025, 1, 14)), (d(2025, 1, 15), d(2025, 1, 31)),
                                  (d(2025, 2, 1), d(2025, 2, 14)), (d(2025, 3, 1), d(2025, 3, 1))])  # no gap read
        self.assertEqual(inside.tolist(), [[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]])

    def test_the_daily_trend(self):
        for area in (self.sweden, self.goteborg, self.nordost):
            for kw in ({}, {"theme": "narkotika", "sources": ["police"]}):
                days, _sources, counts = self.assertSame(
                    lambda a=area, kw=kw: queries.daily_counts(a, dt.date(2024, 1, 1), DATA_END, **kw))
                self.assertGreater(counts.sum(), 0)

    def test_many_counts_at_once(self):
        specs = [queries.CountSpec(a, *p, theme=t, sources=s) for a in (self.goteborg, self.stockholm, self.sweden,
                                                                         self.nordost)
                 for p in (PERIOD, YEAR) for t in (None, "ordning") for s in (None, ("police",))]
        got = self.assertSame(lambda: queries.count_many(specs))
        self.assertGreater(sum(got), 0)

    def test_one_count(self):
        for area in (self.sweden, self.goteborg, self.stockholm, self.nordost, self.centrum):
            for kw in ({}, {"theme": "narkotika"}, {"sources": ["est"]}, {"category": "ran", "sources": ["police"]},
                       {"synthetic": True}, {"synthetic": False}):
                self.assertSame(lambda a=area, kw=kw: queries.count_in(a, *YEAR, **kw))
        self.assertEqual(figures.incident_counts(self.sweden, *PERIOD, category="ran"), 2 + 7 + 2)
        self.assertEqual(figures.incident_counts(self.goteborg, *PERIOD, synthetic=True), 2)

    def test_police_events_per_municipality_for_comparisons(self):
        # the subtree sums count what the municipality column of the incident rows names
        for period in (PERIOD, YEAR):
            got = queries.counted_police_by_municipality([self.goteborg, self.stockholm], *period)
            rows = (queries.counted(*period).filter(source="police", municipality__in=[self.goteborg, self.stockholm])
                    .order_by().values_list("municipality__path", "theme").annotate(n=Count("id")))
            self.assertEqual(sorted(got), sorted(rows))
            self.assertTrue(got)

    def test_per_municipality_of_the_country(self):
        children = [self.goteborg, self.stockholm]
        for source in ("police", "est"):
            real, syn = self.assertSame(
                lambda s=source: queries.counts_by_child_split(self.sweden, children, *YEAR, source=s))
            self.assertTrue(real.all())
        self.assertEqual(syn.tolist(), [0, 0])

    def test_per_district_of_a_municipality(self):
        children = [self.nordost, self.centrum]
        for source in ("police", "est"):
            self.assertSame(lambda s=source: queries.counts_by_child_split(self.goteborg, children, *YEAR, source=s))
            for synthetic in (False, True):
                summed, rows = self.both(lambda s=source, y=synthetic: queries.collection_span_by_child(
                    self.goteborg, children, source=s, synthetic=y))
                self.assertEqual(summed, rows)
        first, last = queries.collection_span_by_child(self.sweden, [self.goteborg, self.stockholm], source="police",
                                                       synthetic=False)
        self.assertTrue(all(first) and all(last))

    def test_the_public_pages_leaf_counts(self):
        from trygg.areas import schemes
        from trygg.picture import public

        districts = list(schemes.districts(self.goteborg).order_by("code"))
        self.assertEqual(len(districts), 2)
        summed, rows = self.both(lambda: public.leaf_counts(self.goteborg, districts, *YEAR))
        self.assertEqual(summed.tolist(), rows.tolist())
        self.assertGreater(summed[-1].sum(), 0)  # placed in Göteborg only: in no district

    def test_the_placement_note(self):
        from trygg.incidents.templatetags.placement_tags import placement_share

        for area in (self.sweden, self.goteborg, self.nordost):
            self.assertSame(lambda a=area: placement_share(a, *YEAR))

    def test_which_sources(self):
        for area in (self.sweden, self.goteborg, self.stockholm):
            self.assertEqual(self.assertSame(lambda a=area: queries.sources_within(a)), {"police", "est"})

    def test_the_whole_picture(self):
        for area in (self.sweden, self.goteborg, self.nordost):
            for compare in ("previous", "last-year"):
                summed, rows = self.both(lambda a=area, c=compare: figures.compute_picture(a, *PERIOD, c).as_dict())
                self.assertEqual(summed, rows)
                self.assertGreater(sum(r["count"] for r in summed["rows"]), 0)

    def test_the_coverage_counts_hold_every_incident_placed_or_not(self):
        make(self.hjallbo, dt.date(2025, 3, 3), "klotter", source="est")
        Incident.objects.filter(area=self.hjallbo, date=dt.date(2025, 3, 3)).update(area=None, area_path="")
        from trygg.incidents import daily

        daily.rebuild()
        raw = Counter({(d, s): n for d, s, n in Incident.objects.counted().order_by().values_list("date", "source")
                       .annotate(n=Count("id"))})
        self.assertEqual(Counter({(d, s): n for d, s, n in coverage.daily_rows()}), raw)
