"""Excel workbooks people can use as they open them, and CSV cells that cannot run as formulas.

* :func:`safe_text` escapes a text cell that starts with ``= + - @`` (or a tab / carriage
  return), the characters that make a spreadsheet read it as a formula (OWASP "CSV injection"):
  it gets a leading apostrophe, which Excel and LibreOffice show as plain text.
* :func:`write_table` writes a header row and data rows with Swedish number formats, local dates,
  a frozen header row, an autofilter and column widths; :func:`about_sheet` adds the sheet
  "Om uttaget" (sources, currency, method).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {  # Excel number formats; Excel shows them with the reader's own decimal separator
    "int": "#,##0",
    "float1": "#,##0.0",
    "float2": "#,##0.00",
    "float4": "0.0000",
    "pct": "0.0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
MAX_WIDTH = 60


def safe_text(value):
    """``value`` unchanged unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _local(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    return value


def _round(value, kind):
    if isinstance(value, float) and value != value:  # NaN: an empty cell, never "nan"
        return None
    if kind in ("float1", "pct") and isinstance(value, float):
        return round(value, 1)
    if kind == "float2" and isinstance(value, float):
        return round(value, 2)
    if kind == "float4" and isinstance(value, float):
        return round(value, 4)
    return value


def write_table(ws, columns: list[tuple[str, str]], rows, start_row: int = 1, title: str | None = None) -> None:
    """``columns``: (header, kind) with kind one of FORMATS or "text"/"bool". Writes from
    ``start_row`` (a title line above it when given), freezes the rows above the data and filters."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    r = start_row
    if title:
        ws.cell(row=r, column=1, value=safe_text(title)).font = Font(bold=True, size=12)
        r += 1
    header_row = r
    fill = PatternFill("solid", fgColor="DDE6F0")
    widths = []
    for j, (label, _kind) in enumerate(columns, 1):
        c = ws.cell(row=r, column=j, value=safe_text(str(label)))
        c.font, c.fill = Font(bold=True), fill
        c.alignment = Alignment(wrap_text=True, vertical="top")
        widths.append(min(MAX_WIDTH, max(8, len(str(label)) + 2)))
    n = 0
    for row in rows:
        r += 1
        n += 1
        for j, ((_label, kind), value) in enumerate(zip(columns, row, strict=True), 1):
            if kind == "bool" and isinstance(value, bool):
                from django.utils.translation import gettext as _

                value = _("yes") if value else _("no")
            value = _round(_local(value), kind)
            cell = ws.cell(row=r, column=j)
            if isinstance(value, str):
                cell.value = safe_text(value)
                cell.data_type = "s"  # never a formula, whatever it starts with
            else:
                cell.value = value
            if kind in FORMATS and value is not None and not isinstance(value, str):
                cell.number_format = FORMATS[kind]
            shown = len(str(value)) if value is not None else 0
            widths[j - 1] = min(MAX_WIDTH, max(widths[j - 1], shown + 2))
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{header_row}:{last}{max(header_row + n, header_row + 1)}"


def about_sheet(wb, title: str, lines: list[tuple[str, object]], name: str = "Om uttaget"):
    """A sheet of label/value lines: what the file holds, its sources and their currency, the method."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(name)
    ws.cell(row=1, column=1, value=safe_text(title)).font = Font(bold=True, size=13)
    for i, (label, value) in enumerate(lines, 3):
        a = ws.cell(row=i, column=1, value=safe_text(str(label)))
        a.font = Font(bold=True)
        a.alignment = Alignment(vertical="top")
        b = ws.cell(row=i, column=2, value=safe_text(_local(value)) if not isinstance(value, str) else safe_text(value))
        if isinstance(value, dt.datetime):
            b.number_format = FORMATS["datetime"]
        elif isinstance(value, dt.date):
            b.number_format = FORMATS["date"]
        b.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90
    return ws


def infer_kinds(columns, rows) -> list[tuple[str, str]]:
    """(header, kind) per column from the values: whole numbers, decimals (by the most decimals
    seen, at most 4), dates, or text."""
    out = []
    for j, header in enumerate(columns):
        values = [row[j] for row in rows if j < len(row) and row[j] is not None]
        kind = "text"
        if values and all(isinstance(v, bool) for v in values):
            kind = "bool"
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            kind = "int"
        elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            decimals = max(len(repr(float(v)).split(".")[1].rstrip("0")) if "e" not in repr(float(v)) else 4
                           for v in values)
            kind = {0: "float1", 1: "float1", 2: "float2"}.get(decimals, "float4")
        elif values and all(isinstance(v, dt.datetime) for v in values):
            kind = "datetime"
        elif values and all(isinstance(v, dt.date) for v in values):
            kind = "date"
        out.append((str(header), kind))
    return out
