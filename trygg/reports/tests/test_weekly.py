"""The weekly brief: one page per area as A4 PDF (tagged) and PPTX; the week never runs past the data."""

import datetime as dt
import io
import tempfile
from pathlib import Path

from django.core.management import call_command

from trygg.incidents.models import Incident
from trygg.reports import weekly
from trygg.testing.personas import BaseTestCase
from trygg.work.models import Action

from .fixtures import fill
from .test_statutory import struct_types


class WeeklyTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill({k: getattr(cls, k) for k in ("hjallbo", "vallgraven", "alice", "ulla")})

    def test_it_works(self):
        self.login("alice")
        r = self.client.get("/rapporter/vecka/1/pdf/")
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue({"/H1", "/H2", "/Figure"} <= struct_types(r.content))
        r = self.client.get("/rapporter/vecka/1/pptx/")
        from pptx import Presentation

        prs = Presentation(io.BytesIO(r.content))
        self.assertEqual(len(prs.slides), 1)
        self.assertIn("Nordost", prs.slides[0].shapes.title.text)
        pictures = [s for s in prs.slides[0].shapes if s.shape_type == 13]
        self.assertTrue(all(p._element.nvPicPr.cNvPr.get("descr") for p in pictures))  # alt text on every picture

    def test_it_checks_access(self):
        for user in ("carl", "rami", "nils"):
            self.login(user)
            self.assertEqual(self.client.get("/rapporter/vecka/1/pdf/").status_code, 403, user)
        self.login("alice")
        self.assertEqual(self.client.get("/rapporter/vecka/1/xlsx/").status_code, 404)

    def test_the_week_is_complete_and_within_the_data(self):
        start, end = weekly.last_complete_week()
        latest = max(Incident.objects.values_list("date", flat=True))
        self.assertEqual(start.isoweekday(), 1)
        self.assertEqual(end.isoweekday(), 7)
        self.assertLessEqual(end, latest)

    def test_municipality_gets_a_page_per_district_and_tiles_flag_only_significant(self):
        brief = weekly.collect(self.goteborg)
        self.assertEqual([p.area.code for p in brief.pages], ["1480", "1", "2"])
        for p in brief.pages:
            self.assertEqual(len(p.tiles), 8)
            for t in p.tiles:
                self.assertIn(t.flag, ("", "up", "down"))

    def test_due_actions(self):
        today = dt.date(2025, 6, 1)
        mk = dict(area=self.hjallbo, owner_organisation=self.so_nordost, owner=self.alice)
        Action.objects.create(title="Försenad", start=dt.date(2025, 1, 1), end=dt.date(2025, 5, 1), **mk)
        Action.objects.create(title="Snart klar", start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 10), **mk)
        Action.objects.create(title="Långt kvar", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 1), **mk)
        Action.objects.create(title="Klar", start=dt.date(2025, 1, 1), end=dt.date(2025, 5, 1), status="done", **mk)
        due, _meeting = weekly.due_actions(self.nordost, today)
        self.assertEqual([d["title"] for d in due], ["Försenad", "Snart klar"])

    def test_cli(self):
        out = Path(tempfile.mkdtemp())
        call_command("report_weekly", area="1", fmt="pptx", output=str(out / "v.pptx"), stdout=io.StringIO())
        self.assertEqual((out / "v.pptx").read_bytes()[:2], b"PK")


class WeeklyNoDataTestCase(BaseTestCase):
    def test_an_area_without_any_source_reads_no_data_not_zero(self):
        from trygg.picture.tests.world import make

        make(self.hjallbo, dt.date(2025, 3, 3), "narkotikabrott", n=3)
        empty = weekly.page(self.centrum, dt.date(2025, 3, 3), dt.date(2025, 3, 9), today=dt.date(2025, 3, 12))
        self.assertEqual({t.count_text for t in empty.tiles}, {"no data"})
        self.assertEqual({t.change_text for t in empty.tiles}, {""})
        busy = weekly.page(self.nordost, dt.date(2025, 3, 3), dt.date(2025, 3, 9), today=dt.date(2025, 3, 12))
        self.assertEqual(busy.tiles[0].count_text, "3")
        self.assertIn("0", {t.count_text for t in busy.tiles})  # a theme without incidents is a real 0
