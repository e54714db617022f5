"""The annual analysis as HTML (also the PDF's source), PDF (WeasyPrint, A4, page numbers from
CSS @page counters) and Excel (one sheet per table)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .data import AnnualReport


def html(report: AnnualReport, standalone: bool = True) -> str:
    return render_to_string("reports/annual_document.html", {"r": report, "standalone": standalone})


def pdf(report: AnnualReport) -> bytes:
    from weasyprint import HTML

    return HTML(string=html(report), base_url=".").write_pdf()


def xlsx(report: AnnualReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    info = wb.active
    info.title = "Om rapporten"
    info.append([_("Annual analysis %(year)s – theme: %(theme)s") % {"year": report.year, "theme": report.theme_label}])
    info["A1"].font = Font(bold=True, size=13)
    info.append([_("Generated"), report.generated_at.strftime("%Y-%m-%d %H:%M")])
    info.append([_("Sheets"), len(report.tables)])
    for c in report.currency:
        info.append([_("Data up to"), c["label"], c["up_to"]])
    if report.incomplete:
        info.append([_("Incomplete year"), _("%(year)s holds only 1 January – %(day)s.") % {
            "year": report.year, "day": report.data_end.isoformat()}])
    used = {info.title}
    for t in report.tables:
        name = "".join(c for c in t.sheet if c not in "[]:*?/\\")[:31]
        base, i = name, 2
        while name in used:
            name = f"{base[:28]} {i}"
            i += 1
        used.add(name)
        ws = wb.create_sheet(name)
        ws.append([t.title])
        ws["A1"].font = Font(bold=True)
        ws.append(t.columns)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in t.rows:
            ws.append(row)
        if t.note:
            ws.append([])
            ws.append([t.note])
        ws.column_dimensions["A"].width = 34
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FORMATS = {"html": html, "pdf": pdf, "xlsx": xlsx}
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
