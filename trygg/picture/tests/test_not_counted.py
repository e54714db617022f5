"""Police summaries ("Sammanfattning …") and update notices ("Uppdatering") are not incidents:
adding them changes no number anywhere — picture, trend, siblings, map layers, the metropolitan
comparison, the API, the annual report and the work follow-up all count through
``trygg.numbers.queries.counted``."""

import datetime as dt
import json
from types import SimpleNamespace

from trygg.incidents.categories import NOT_COUNTED, THEMES, categories_of
from trygg.numbers import figures, followup, queries
from trygg.picture import maplayers
from trygg.testing.personas import BaseTestCase

from .world import BEFORE, PERIOD, busy_world, make


def _goal(area):
    return SimpleNamespace(area=area, theme="", category="", sources="police", baseline_start=BEFORE[0],
                           baseline_end=BEFORE[1], target_date=dt.date(2025, 12, 31), target_change_pct=-20)


class NotCountedTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)
        make(cls.stockholm, dt.date(2025, 3, 3), "misshandel", n=4, municipality=cls.stockholm)

    def everything(self):
        """Every number the product shows for Nordost / Göteborg, as plain data."""
        self.login("ulla")  # city-wide: may see Nordost and Göteborg
        api = {}
        for url in ("/api/omraden/1/lagesbild.json", "/api/omraden/1/jamforelse.json",
                    "/api/omraden/1/tidsserie.json", "/api/omraden/1/karta/choropleth.geojson",
                    "/api/omraden/1/karta/police.geojson", "/api/omraden/1480/lagesbild.json"):
            r = self.client.get(url, {"from": PERIOD[0].isoformat(), "to": PERIOD[1].isoformat()})
            self.assertEqual(r.status_code, 200, url)
            data = json.loads(r.content)
            if isinstance(data, dict):
                data.pop("sources", None)  # import times, not counts
            api[url] = data
        pic = figures.compute_picture(self.nordost, *PERIOD)
        city = figures.compute_picture(self.goteborg, *PERIOD)
        return {
            "rows": [(r.source, r.kind, r.category, r.theme, r.count, r.comparison_count) for r in pic.rows],
            "city": [(r.source, r.kind, r.category, r.count, r.comparison_count) for r in city.rows],
            "series": figures.time_series(self.nordost, BEFORE[0], PERIOD[1], "week"),
            "siblings": figures.sibling_comparison(self.hjallbo_mo, *PERIOD),
            "metro": figures.metro_comparison([self.goteborg, self.stockholm, self.malmo], *PERIOD),
            "layers": [maplayers.layer(n, self.nordost, *PERIOD) for n in ("choropleth", "police", "est")],
            "latest": queries.latest_incident_date(self.goteborg),
            "goal": followup.indicator_count(_goal(self.nordost), *PERIOD),
            "goal_status": followup.goal_status(_goal(self.nordost), today=PERIOD[1]),
            "api": api,
        }

    def test_a_summary_record_changes_no_number(self):
        before = self.everything()
        self.assertEqual(figures.compute_picture(self.nordost, *PERIOD).total("police").count, 43)
        # summaries and updates inside the period, on a later day than anything else, in both cities,
        # at a place name in the text (the police map layer) and at the municipality level
        make(self.hjallbo, PERIOD[0], "sammanfattning", n=5, placement="text")
        make(self.nordost, PERIOD[1], "uppdatering", n=3)
        make(self.goteborg, dt.date(2025, 4, 2), "sammanfattning", n=2)
        make(self.stockholm, dt.date(2025, 3, 3), "sammanfattning", n=6, municipality=self.stockholm)
        after = self.everything()
        for key in before:
            self.assertEqual(after[key], before[key], key)
        self.assertEqual(figures.compute_picture(self.nordost, *PERIOD).total("police").count, 43)
        self.assertFalse(any(r.category in NOT_COUNTED for r in figures.compute_picture(self.goteborg, *PERIOD).rows))

    def test_a_summary_record_would_be_seen_without_the_filter(self):
        """The check above can fail: the same records are in the database and in the raw queryset."""
        make(self.hjallbo, PERIOD[0], "sammanfattning", n=5)
        raw = queries.Incident.objects.within(self.nordost).filter(date__range=PERIOD, source="police").count()
        self.assertEqual(raw, 43 + 5)
        self.assertEqual(queries.incidents_in(self.nordost, *PERIOD, sources=["police"]).count(), 43)

    def test_themes_do_not_list_summaries(self):
        for theme in THEMES:
            self.assertFalse(set(categories_of(theme)) & NOT_COUNTED, theme)
        self.assertIn("ovrigt", categories_of("ovrigt"))


class AnnualReportNotCountedTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def test_the_annual_report_tables_ignore_summaries(self):
        from trygg.reports.annual.data import collect

        def tables():
            rep = collect(2025, "narkotika")
            return [(t.sheet, t.rows) for t in rep.tables if t.sheet != "Källor"]

        before = tables()
        make(self.hjallbo, PERIOD[0], "sammanfattning", n=7)
        make(self.goteborg, dt.date(2025, 6, 1), "uppdatering", n=4)
        after = tables()
        self.assertEqual(len(after), len(before))
        for (sheet, rows_a), (_s, rows_b) in zip(after, before, strict=True):
            self.assertEqual(rows_a, rows_b, sheet)
