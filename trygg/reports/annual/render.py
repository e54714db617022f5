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
    from trygg.reports.pdf_engine import html_document

    return html_document(string=html(report), base_url=".").write_pdf()


def xlsx(report: AnnualReport) -> bytes:
    """One sheet per table (title line, then a filtered header row frozen above the data, number
    formats, column widths) and a sheet "Om uttaget" with the sources, their currency and the method."""
    from openpyxl import Workbook

    from trygg.web.spreadsheet import about_sheet, infer_kinds, safe_text, write_table

    wb = Workbook()
    wb.remove(wb.active)
    used = {"Om uttaget"}
    for t in report.tables:
        name = "".join(c for c in t.sheet if c not in "[]:*?/\\")[:31]
        base, i = name, 2
        while name in used:
            name = f"{base[:28]} {i}"
            i += 1
        used.add(name)
        ws = wb.create_sheet(name)
        write_table(ws, infer_kinds(t.columns, t.rows), [list(r) + [None] * (len(t.columns) - len(r)) for r in t.rows],
                    title=t.title)
        if t.note:
            ws.cell(row=ws.max_row + 2, column=1, value=safe_text(t.note))
    lines = [(_("Report"), _("Annual analysis %(year)s – theme: %(theme)s") % {"year": report.year,
                                                                               "theme": report.theme_label}),
             (_("Generated"), report.generated_at), (_("Sheets"), len(report.tables))]
    for s in report.method.get("sources", []):
        lines.append((_("Source"), f"{s['source']}: {_('latest import')} {(s['latest_import'] or '–')[:10]}, "
                                   f"{s['runs']} {_('imports')}"))
    if report.method.get("population_years"):
        lines.append((_("Population"), str(report.method["population_years"])))
    if report.method.get("bra_year"):
        lines.append((_("Reported crimes (Brå)"), str(report.method["bra_year"])))
    lines.append((_("Method"), _("Counts per theme from the police events and EST reports, rates per 1,000 "
                                 "inhabitants; changes by a quasi-Poisson test (the mid-p value of the exact "
                                 "conditional test on the counts divided by the dispersion measured on each row's "
                                 "own history of equal periods) with Benjamini–Hochberg false-discovery-rate "
                                 "control at 5 percent; trends by count regression with the population as "
                                 "exposure; hotspots by Gi*.")))
    for c in report.currency:
        lines.append((_("Data up to"), f"{c['label']}: {c['up_to']}"))
    if report.incomplete:
        lines.append((_("Incomplete year"), _("%(year)s holds only 1 January – %(day)s.") % {
            "year": report.year, "day": report.data_end.isoformat()}))
    about = about_sheet(wb, _("About this export"), lines)
    wb.move_sheet(about, offset=-(len(wb.sheetnames) - 1))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FORMATS = {"html": html, "pdf": pdf, "xlsx": xlsx}
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
