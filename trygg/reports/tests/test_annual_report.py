"""The annual analysis: its numbers are the situation picture's, and the PDF really has pages,
headings and charts (pdftoppm / pdftotext / pdfimages)."""

import subprocess
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from trygg.numbers import figures
from trygg.reports.annual import render
from trygg.reports.annual.data import collect, year_bounds
from trygg.testing.personas import BaseTestCase

from .fixtures import fill


class AnnualReportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill({k: getattr(cls, k) for k in ("hjallbo", "vallgraven", "alice", "ulla")})
        with translation.override("en"):
            cls.report = collect(2025, "narkotika")

    def test_numbers_are_the_situation_pictures(self):
        r = self.report
        nordost = r.districts[0]
        self.assertEqual(nordost["area"].code, "1")
        fig = figures.compute_picture(self.nordost, *year_bounds(2025), compare="previous")
        expected = [[row.label, row.count, row.comparison_count] for row in fig.theme_rows()]
        self.assertEqual([row[:3] for row in nordost["key_table"].rows], expected)
        self.assertGreater(sum(row[1] for row in expected), 0)
        police_2023 = figures.incident_counts(self.goteborg, *year_bounds(2023), theme="narkotika", sources=["police"])
        narcotics = next(row for row in r.city["trend_table"].rows if row[0] == "Narcotics")
        self.assertEqual(narcotics[3], police_2023)  # columns: theme, 2021, 2022, 2023 …
        self.assertEqual(r.theme_section["years_table"].rows[2][1], police_2023)

    def test_sections_are_filled_from_real_objects(self):
        r = self.report
        self.assertEqual(r.collaboration["round"].invitations.count(), 3)  # alice, bob (Nordost), carl (Centrum)
        self.assertEqual(r.collaboration["summary"]["total"].hidden, "small")  # 1 answer: fewer than 5
        survey = r.districts[0]["survey"][0]
        self.assertEqual((survey.previous.value, survey.latest.value), (35, 26))
        self.assertTrue(survey.change.significant)
        self.assertIsNotNone(r.theme_section["knox"])  # enough EST narcotics points with dates
        self.assertTrue(r.districts[0]["hotspots"]["n"] > 0)
        self.assertIn("survey", [s["source"] for s in r.method["sources"]])

    def test_pdf_pages_headings_and_charts(self):
        with translation.override("en"):
            pdf = render.pdf(self.report)
        self.assertTrue(pdf.startswith(b"%PDF"))
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "a.pdf"
            path.write_bytes(pdf)
            subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), f"{tmp}/p"], check=True)
            pages = sorted(Path(tmp).glob("p-*.png"))
            self.assertGreaterEqual(len(pages), 6)  # cover, city, 2 districts, theme, survey, method
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
            for heading in ("Annual analysis 2025", "1. The city as a whole", "2.1 Nordost", "2.2 Centrum",
                            "3. The theme in depth: Narcotics", "4. The collaboration survey",
                            "5. Method and data sources", "Sida 2 av"):  # page counter from annual.css
                self.assertIn(heading, text)
            images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                                    check=True).stdout.splitlines()[2:]
            self.assertGreaterEqual(len(images), 3)  # raster maps: 2 districts + the theme map
            # the trend chart (vector SVG) draws on page 2: its upper half is far from blank
            import matplotlib.image as mpimg

            page2 = mpimg.imread(pages[1])[:, :, :3]
            top = page2[: page2.shape[0] // 2]
            self.assertGreater(float((top.mean(axis=2) < 0.9).mean()), 0.02)

    def test_xlsx_holds_the_same_tables(self):
        wb = load_workbook(BytesIO(render.xlsx(self.report)))
        self.assertIn("Stad trender", wb.sheetnames)
        ws = wb["Stad trender"]
        header = [c.value for c in ws[2]]
        self.assertEqual(header[1:6], ["2021", "2022", "2023", "2024", "2025"])
        first = [c.value for c in ws[3]]
        self.assertEqual(first, self.report.city["trend_table"].rows[0])
        self.assertIn("Samverkansenkät", wb.sheetnames)
        about = " ".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)
        # the method line names the change test actually used, not the exact Poisson test
        self.assertIn("mid-p", about)
        self.assertIn("Benjamini–Hochberg", about)
        self.assertRegex(about, "(?i)quasi-Poisson|kvasi-Poisson")
        self.assertNotRegex(about, "exact Poisson test|exakt Poissontest")

    def test_no_survey_group_under_five_is_shown(self):
        """Centrum's 2024 survey has 4 respondents, the collaboration round 1 answer of 3: neither
        appears as a number in the document or the Excel file, only "fewer than 5 answers"."""
        tables = {t.sheet: t for t in self.report.tables}
        centrum_2024 = [row for row in tables["Trygghetsundersökning"].rows if row[0] == "Centrum" and row[2] == 2024]
        self.assertEqual(len(centrum_2024), 1)
        self.assertEqual(centrum_2024[0][3:7], [None] * 4)  # value, CI, respondents
        self.assertEqual(centrum_2024[0][7], "fewer than 5 answers")
        for row in tables["Samverkansenkät"].rows:
            self.assertEqual(row[1:7], [None] * 6, row)  # 1 answer in all: every group hidden
            self.assertTrue(row[7])
        html = render.html(self.report)
        self.assertIn("fewer than 5 answers", html)
        self.assertNotIn("1 of 3 invited answered", html)
        self.assertNotIn("33 %", html)
        wb = load_workbook(BytesIO(render.xlsx(self.report)))
        cells = [c.value for row in wb["Trygghetsundersökning"].iter_rows() for c in row]
        self.assertNotIn(4, cells)
        self.assertIn("fewer than 5 answers", cells)
        cells = [c.value for row in wb["Samverkansenkät"].iter_rows(min_row=3) for c in row[1:3]]
        self.assertFalse([v for v in cells if isinstance(v, int)])

    def test_it_says_how_much_police_data_is_placed(self):
        from trygg.incidents.models import Incident

        start, end = year_bounds(2025)
        nordost = self.report.districts[0]["placement"]
        placed = Incident.objects.filter(source="police", date__range=(start, end), area__path__startswith=self.nordost.path,
                                         placement="text").count()
        self.assertEqual(nordost["text"], placed)
        self.assertEqual(self.report.city["placement"]["area"], self.goteborg)
        self.assertIn('data-testid="police-placement"', render.html(self.report))

    def test_html_is_a_document(self):
        html = render.html(self.report)
        self.assertIn("<html", html)
        self.assertIn("data:image/svg+xml;base64,", html)
        self.assertIn("data:image/png;base64,", html)

    def test_it_rejects_bad_input(self):
        with self.assertRaisesMessage(ValueError, "unknown theme"):
            collect(2025, "nope")


@pytest.mark.django_db
def test_command_writes_each_format(tmp_path):
    from trygg.testing.personas import build_world

    w = build_world()
    fill(w)
    for fmt in ("pdf", "html", "xlsx"):
        out = tmp_path / f"a.{fmt}"
        buf = StringIO()
        call_command("report_annual", "--year", "2025", "--theme", "narkotika", "--format", fmt, "-o", str(out),
                     verbosity=0, stdout=buf)
        assert out.stat().st_size > 1000, fmt
        assert f"{out}: {fmt}" in buf.getvalue()
    assert out.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError):
        call_command("report_annual", "--year", "2025", "--theme", "nope", verbosity=0)


class AnnualNoDataTestCase(BaseTestCase):
    def test_years_before_a_source_and_municipalities_without_data_read_no_data(self):
        import datetime as dt

        from trygg.incidents.models import Incident

        fill({k: getattr(self, k) for k in ("hjallbo", "vallgraven", "alice", "ulla")})
        from django.core.cache import cache

        Incident.objects.filter(source="police", date__lt=dt.date(2023, 1, 1)).delete()  # police from 2023
        cache.clear()  # coverage is cached per import state, which a test's delete does not move
        with translation.override("en"):
            r = collect(2025, "narkotika")
        narcotics = next(row for row in r.city["trend_table"].rows if row[0] == "Narcotics")
        self.assertEqual(narcotics[1:3], ["no data", "no data"])  # 2021, 2022
        self.assertIsInstance(narcotics[3], int)  # 2023
        metro = {row[0]: row for row in r.city["metro_table"].rows}
        self.assertEqual(set(metro["Stockholm"][1:]), {"no data"})
        self.assertIsInstance(metro["Göteborg"][-1], float)
