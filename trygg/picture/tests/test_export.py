"""Export to CSV and Excel, with purpose and recipient logged."""

import csv
import io

from openpyxl import load_workbook

from trygg.picture import figures
from trygg.picture.models import ExportLog
from trygg.testing.personas import BaseTestCase

from .world import PERIOD, busy_world

DATA = {"from": "2025-03-01", "to": "2025-03-28", "compare": "previous", "theme": "",
        "purpose": "Underlag till styrgruppen", "recipient": "Styrgrupp Nordost"}


class ExportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def test_it_works(self):
        self.login("bob")
        self.assertContains(self.client.get("/lagesbild/1/export/?from=2025-03-01&to=2025-03-28"), "Purpose")
        r = self.client.post("/lagesbild/1/export/", {**DATA, "format": "csv"})
        self.assertEqual(r["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.DictReader(io.StringIO(r.content.decode())))
        fig = figures.compute_picture(self.nordost, *PERIOD)
        self.assertEqual(len(rows), len(fig.rows))
        total = next(x for x in rows if x["kind"] == "total" and x["source"] == "all")
        self.assertEqual(int(total["count"]), fig.total("all").count)
        log = ExportLog.objects.get()
        self.assertEqual((log.user, log.area, log.purpose, log.recipient, log.file_format),
                         (self.bob, self.nordost, "Underlag till styrgruppen", "Styrgrupp Nordost", "csv"))
        r = self.client.post("/lagesbild/1/export/", {**DATA, "format": "xlsx"})
        wb = load_workbook(io.BytesIO(r.content))
        ws = wb.worksheets[0]
        self.assertEqual(ws.max_row, len(fig.rows) + 1)
        self.assertEqual(ws.freeze_panes, "A2")
        self.assertTrue(ws.auto_filter.ref.startswith("A1:"))
        headers = [c.value for c in ws[1]]
        self.assertNotIn("p_adj", headers)  # labels, not field names
        self.assertIn("Om uttaget", wb.sheetnames)
        about = " ".join(str(c.value) for row in wb["Om uttaget"].iter_rows() for c in row if c.value)
        self.assertIn("mid-p", about)  # the change test actually used, not the exact Poisson test
        self.assertNotRegex(about, "exact Poisson test|exakt Poissontest")
        sources = [c.value for c in ws["B"][1:]]
        self.assertNotIn("police", sources)  # source names, not codes
        rates = [c for c in ws["G"][1:] if isinstance(c.value, float)]
        self.assertTrue(rates and all(round(c.value, 2) == c.value and c.number_format == "#,##0.00" for c in rates))
        self.assertEqual(ExportLog.objects.count(), 2)

    def test_it_checks_access(self):
        self.login("carl")
        self.assertEqual(self.client.post("/lagesbild/1/export/", {**DATA, "format": "csv"}).status_code, 403)
        self.assertEqual(ExportLog.objects.count(), 0)

    def test_it_rejects_bad_input(self):
        self.login("bob")
        r = self.client.post("/lagesbild/1/export/", {**DATA, "purpose": "", "format": "csv"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Styrgrupp Nordost", status_code=400)
        self.assertEqual(ExportLog.objects.count(), 0)
