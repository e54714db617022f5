"""The statutory documents as HTML (the page and the PDF's source), tagged PDF (WeasyPrint's
PDF/UA-1 variant: structure tags, language, title) and editable DOCX (python-docx, with real
heading styles, table header rows and alternative text on every picture)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import formats

from .data import StatutoryReport


def html(report: StatutoryReport, standalone: bool = True) -> str:
    return render_to_string("reports/statutory_document.html", {"r": report, "standalone": standalone})


def pdf(report: StatutoryReport) -> bytes:
    from trygg.reports.pdf_engine import html_document

    return html_document(string=html(report), base_url=".").write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=False)


def _cell(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, (int, float)):
        return formats.number_format(v, use_l10n=True, force_grouping=isinstance(v, int) and abs(v) >= 10000)
    return str(v)


def _mark_header(row) -> None:
    """Make a table row repeat as the header row (w:tblHeader), which screen readers read as headers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _alt_text(inline_shape, text: str) -> None:
    doc_pr = inline_shape._inline.docPr
    doc_pr.set("descr", text)
    doc_pr.set("title", text[:60])


def docx(report: StatutoryReport) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    d = Document()
    d.core_properties.title = report.title
    d.core_properties.author = report.municipality
    d.core_properties.language = "sv-SE"
    style = d.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    for sec in d.sections:
        sec.left_margin = sec.right_margin = Cm(2)
    d.add_heading(report.title, level=0)
    from django.utils.translation import gettext as _

    d.add_paragraph(_("Under the act on municipalities' responsibility for crime prevention (SFS 2023:196)"))
    if report.version:
        d.add_paragraph(_("Version %(v)s") % {"v": report.version} + f" · {report.status}")
    for a in report.approvals:
        d.add_paragraph(a)
    for n, s in enumerate(report.sections, 1):
        d.add_heading(f"{n}. {s.title}", level=1)
        p = d.add_paragraph(f"{_('Asked for by')}: {s.basis}")
        p.runs[0].italic = True
        for b in s.blocks:
            if b.kind in ("p", "note"):
                d.add_paragraph(b.text)
            elif b.kind == "missing":
                para = d.add_paragraph()
                if b.label:
                    para.add_run(b.label + ". ").bold = True
                para.add_run(b.text).italic = True
            elif b.kind == "text":
                d.add_heading(b.label, level=2)
                for t in b.items:
                    d.add_paragraph(t)
            elif b.kind == "list":
                d.add_heading(b.label, level=2)
                if b.text:
                    d.add_paragraph(b.text)
                for item in b.items:
                    d.add_paragraph(item, style="List Bullet")
            elif b.kind == "image":
                shape = d.add_picture(io.BytesIO(b.png), width=Cm(16))
                _alt_text(shape, b.alt)
                cap = d.add_paragraph(b.alt)
                cap.style = d.styles["Caption"]
            elif b.kind == "table":
                t = b.table
                d.add_paragraph(t.title, style="Caption")
                table = d.add_table(rows=1, cols=len(t.columns))
                table.style = "Light Grid Accent 1"
                for i, c in enumerate(t.columns):
                    table.rows[0].cells[i].text = str(c)
                _mark_header(table.rows[0])
                for row in t.rows:
                    cells = table.add_row().cells
                    for i, v in enumerate(row):
                        cells[i].text = _cell(v)
                if t.note:
                    d.add_paragraph(t.note).runs[0].italic = True
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


FORMATS = {"html": html, "pdf": pdf, "docx": docx}
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
