"""Spreadsheet cells that start with = + - @ are escaped (CSV injection), in Excel and in CSV."""

import csv
import datetime as dt
import io

from django.test import SimpleTestCase
from openpyxl import Workbook, load_workbook

from trygg.spreadsheet import about_sheet, infer_kinds, safe_text, write_table

NASTY = ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "vanlig text"]


class SpreadsheetTestCase(SimpleTestCase):
    def test_formula_cells_are_escaped(self):
        self.assertEqual([safe_text(v) for v in NASTY],
                         ["'=HYPERLINK(\"http://x\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "vanlig text"])
        self.assertEqual(safe_text(-3.5), -3.5)  # numbers stay numbers

    def test_workbook_has_no_formulas_and_is_ready_to_use(self):
        wb = Workbook()
        ws = wb.active
        write_table(ws, [("Text", "text"), ("Antal", "int"), ("Kvot", "float2"), ("Dag", "date")],
                    [[v, 3, 1.23456, dt.date(2025, 5, 16)] for v in NASTY])
        about_sheet(wb, "Om", [("=bad", "@also"), ("Exporterad", dt.datetime(2025, 5, 16, 12, 0))])
        buf = io.BytesIO()
        wb.save(buf)
        wb2 = load_workbook(io.BytesIO(buf.getvalue()))
        for sheet in wb2.worksheets:
            for row in sheet.iter_rows():
                for c in row:
                    self.assertNotEqual(c.data_type, "f", c.coordinate)
                    if isinstance(c.value, str):
                        self.assertFalse(c.value.startswith(("=", "+", "-", "@")), c.value)
        ws2 = wb2.worksheets[0]
        self.assertEqual(ws2.freeze_panes, "A2")
        self.assertEqual(ws2["C2"].value, 1.23)
        self.assertEqual(ws2["C2"].number_format, "#,##0.00")
        self.assertEqual(ws2["D2"].number_format, "yyyy-mm-dd")

    def test_csv_export_escapes(self):
        from types import SimpleNamespace

        from trygg.picture import exports

        row = {c: None for c in exports.COLUMNS}
        row.update(kind="category", source="est", label="=cmd|' /C calc'!A0", count=1)
        fig = SimpleNamespace(as_dict=lambda: {"rows": [row]})
        out = list(csv.reader(io.StringIO(exports.to_csv(fig))))
        self.assertEqual(out[1][exports.COLUMNS.index("label")], "'=cmd|' /C calc'!A0")

    def test_infer_kinds(self):
        kinds = infer_kinds(["a", "b", "c", "d"], [["x", 1, 0.5, 0.1234], ["y", 2, 1.25, None]])
        self.assertEqual([k for _h, k in kinds], ["text", "int", "float2", "float4"])
