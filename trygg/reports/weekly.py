"""The weekly brief: one page per area for the Monday meeting (A4 PDF and PPTX slides).

Per area: KPI tiles (count of the last complete ISO week, change against the count expected from
the week before and the weeks before it, a flag only where the picture's test with FDR control
says so, a 12-week trend line), the map of the last 28
days (sub-areas, placed incidents, Gi* hotspots), the flagged changes and the actions that are due.
Every figure comes from ``trygg.numbers.figures`` (the numbers of the situation picture)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from trygg.areas import schemes
from trygg.areas.models import Level
from trygg.incidents.categories import THEMES, theme_label
from trygg.incidents.models import Incident
from trygg.numbers import figures

from .annual import maps
from .annual.data import _hotspots
from .statutory.charts import sparkline_png

WEEKS = 12
DUE_DAYS = 14
MAP_DAYS = 28


@dataclass
class Tile:
    label: str
    count: int | None  # None: no source has data for the area ("no data", not 0)
    previous: int
    change_pct: float | None
    flag: str  # "up", "down" or ""
    comparable: bool
    spark: bytes

    @property
    def spark_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.spark).decode()

    @property
    def count_text(self) -> str:
        return str(_("no data")) if self.count is None else formats.number_format(self.count, use_l10n=True)

    @property
    def change_text(self) -> str:
        if self.count is None:
            return ""
        if not self.comparable:
            return _("not comparable")
        if self.change_pct is None:
            return "–"
        return f"{formats.number_format(round(self.change_pct), use_l10n=True)} %" if self.change_pct <= 0 \
            else f"+{formats.number_format(round(self.change_pct), use_l10n=True)} %"


@dataclass
class Page:
    area: object
    start: dt.date
    end: dt.date
    tiles: list[Tile] = field(default_factory=list)
    map_png: bytes = b""
    map_alt: str = ""
    flagged: list[str] = field(default_factory=list)
    due: list[dict] = field(default_factory=list)
    next_meeting: object = None
    week: int = 0

    @property
    def map_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.map_png).decode()


@dataclass
class Brief:
    area: object
    generated_at: dt.datetime
    pages: list[Page] = field(default_factory=list)


def last_complete_week(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Monday–Sunday of the last ISO week that every source covers (never past the data)."""
    today = today or timezone.localdate()
    latest = [d for d in (Incident.objects.filter(source=s).aggregate(m=Max("date"))["m"] for s in figures.SOURCES) if d]
    last = min([today - dt.timedelta(days=1), *latest])
    end = last - dt.timedelta(days=(last.isoweekday() % 7))  # the Sunday on or before ``last``
    return end - dt.timedelta(days=6), end


def _tile(label, row, counts, comparable_default=True, no_data=False) -> Tile:
    return Tile(label, None if no_data else row.count if row else 0, row.comparison_count if row else 0,
                None if not row or row.ratio is None else 100.0 * (row.ratio - 1.0),
                row.direction if row and row.significant else "", row.comparable if row else comparable_default,
                sparkline_png(counts))


def _weekly_sums(ts) -> list[int | None]:
    """Each week's count over the sources of ``time_series`` (None where no source has data)."""
    weeks = zip(*ts["series"].values(), strict=True)
    return [None if all(x is None for x in v) else sum(x for x in v if x is not None) for v in weeks]


def page(area, start: dt.date, end: dt.date, today: dt.date | None = None) -> Page:
    today = today or timezone.localdate()
    fig = figures.compute_picture(area, start, end, compare="previous")
    p = Page(area, start, end, week=start.isocalendar()[1])
    ts_start = end - dt.timedelta(days=7 * WEEKS - 1)
    total_ts = figures.time_series(area, ts_start, end, "week")
    nothing = "all" in fig.no_data
    p.tiles.append(_tile(_("All incidents"), fig.total("all"),
                         _weekly_sums(total_ts), no_data=nothing))
    for th in THEMES:
        ts = figures.time_series(area, ts_start, end, "week", theme=th)
        row = next((r for r in fig.theme_rows() if r.theme == th), None)
        p.tiles.append(_tile(str(theme_label(th)), row, _weekly_sums(ts), no_data=nothing))
    p.flagged = [f"{r.label} ({figures.SOURCE_LABELS[r.source]}): {r.comparison_count} → {r.count}"
                 f" ({'↑' if r.direction == 'up' else '↓'})" for r in fig.flagged() if r.source != "bra"]
    m_start = end - dt.timedelta(days=MAP_DAYS - 1)
    hs = _hotspots(area, m_start, end)
    p.map_png = base64.b64decode(maps.hotspot_map([area], list(area.children.order_by("code")), hs["grid"], hs["z"],
                                                  hs["significant"], hs["points"], size=(5.0, 4.2)).split(",", 1)[1])
    p.map_alt = _("Map of %(area)s, %(start)s – %(end)s: %(n)s placed incidents, %(cells)s hotspot cells (Gi*)") % {
        "area": area.name, "start": formats.date_format(m_start, "j M"), "end": formats.date_format(end, "j M"),
        "n": hs["n"], "cells": hs["hot_cells"]}
    p.due, p.next_meeting = due_actions(area, today)
    return p


def due_actions(area, today: dt.date):
    """Actions that should have ended and are not done, or end or start within ``DUE_DAYS``."""
    from trygg.work.models import Action, Meeting
    from trygg.work.scope import within

    soon = today + dt.timedelta(days=DUE_DAYS)
    qs = within(Action.objects.exclude(status__in=[Action.Status.DONE, Action.Status.CANCELLED]), area)
    out = []
    for a in qs.select_related("owner_organisation").order_by("end", "start"):
        if a.end and a.end < today:
            state = _("overdue since %(d)s") % {"d": formats.date_format(a.end, "j M")}
        elif a.end and a.end <= soon:
            state = _("ends %(d)s") % {"d": formats.date_format(a.end, "j M")}
        elif a.status == Action.Status.PLANNED and today <= a.start <= soon:
            state = _("starts %(d)s") % {"d": formats.date_format(a.start, "j M")}
        else:
            continue
        out.append({"title": a.title, "owner": a.owner_organisation.name, "state": state})
    meeting = within(Meeting.objects.filter(date__gte=today), area).order_by("date").first()
    return out, meeting


def collect(area, today: dt.date | None = None) -> Brief:
    """The area's page; for a municipality also one page per district."""
    start, end = last_complete_week(today)
    brief = Brief(area, timezone.now())
    areas = [area]
    if area.level == Level.MUNICIPALITY:
        areas += list(schemes.districts(area).order_by("code"))
    for a in areas:
        brief.pages.append(page(a, start, end, today))
    return brief


def html(brief: Brief, standalone=True) -> str:
    return render_to_string("reports/weekly_brief.html", {"b": brief, "standalone": standalone})


def pdf(brief: Brief) -> bytes:
    from trygg.reports.pdf_engine import html_document

    return html_document(string=html(brief), base_url=".").write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=False)


def pptx(brief: Brief) -> bytes:
    """One 16:9 slide per area: tiles with their trend line, the map, flagged changes, due actions."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Cm, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Cm(33.867), Cm(19.05)
    prs.core_properties.title = _("Weekly brief") + f" – {brief.area.name}"
    prs.core_properties.language = "sv-SE"
    blank = prs.slide_layouts[5]  # title only
    red, green, grey = RGBColor(0xB3, 0x26, 0x1E), RGBColor(0x1B, 0x7F, 0x3A), RGBColor(0x55, 0x55, 0x55)
    for p in brief.pages:
        slide = prs.slides.add_slide(blank)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = Cm(1.2), Cm(0.6), Cm(31), Cm(1.8)
        title.text = _("Week %(w)s: %(area)s") % {"w": p.week, "area": p.area.name}
        title.text_frame.paragraphs[0].font.size = Pt(28)
        title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        sub = slide.shapes.add_textbox(Cm(1.2), Cm(2.4), Cm(20), Cm(0.8)).text_frame
        sub.text = _("%(start)s – %(end)s, compared with the week before") % {
            "start": formats.date_format(p.start, "j F"), "end": formats.date_format(p.end, "j F Y")}
        sub.paragraphs[0].font.size, sub.paragraphs[0].font.color.rgb = Pt(12), grey
        sub.paragraphs[0].alignment = PP_ALIGN.LEFT
        for i, t in enumerate(p.tiles):
            x, y = Cm(1.2 + (i % 4) * 5.0), Cm(3.6 + (i // 4) * 4.2)
            frame = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, x, y, Cm(4.8), Cm(3.9))
            frame.fill.background()
            frame.line.color.rgb = RGBColor(0xC9, 0xD3, 0xDE)
            frame.shadow.inherit = False
            label = slide.shapes.add_textbox(x + Cm(0.1), y + Cm(0.05), Cm(4.6), Cm(1.1)).text_frame
            label.word_wrap = True
            label.text = t.label
            label.paragraphs[0].font.size = Pt(9)
            box = slide.shapes.add_textbox(x + Cm(0.1), y + Cm(1.15), Cm(4.6), Cm(1.0)).text_frame
            para = box.paragraphs[0]
            para.text = f"{t.count_text}  "
            para.font.size, para.font.bold = Pt(22), True
            run = para.add_run()
            run.text = t.change_text + (" ↑" if t.flag == "up" else " ↓" if t.flag == "down" else "")
            run.font.size, run.font.bold = Pt(11), bool(t.flag)
            run.font.color.rgb = red if t.flag == "up" else green if t.flag == "down" else grey
            pic = slide.shapes.add_picture(io.BytesIO(t.spark), x + Cm(0.2), y + Cm(2.5), width=Cm(4.4))
            pic._element.nvPicPr.cNvPr.set("descr", _("Trend over %(n)s weeks: %(label)s") % {"n": WEEKS, "label": t.label})
        pic = slide.shapes.add_picture(io.BytesIO(p.map_png), Cm(21.8), Cm(2.4), height=Cm(9.0))
        pic._element.nvPicPr.cNvPr.set("descr", p.map_alt)
        lists = slide.shapes.add_textbox(Cm(21.5), Cm(12.2), Cm(11.5), Cm(6.5)).text_frame
        lists.word_wrap = True
        lists.text = _("Flagged changes")
        lists.paragraphs[0].font.bold, lists.paragraphs[0].font.size = True, Pt(12)
        for line in p.flagged[:5] or [_("No change is significant after FDR control.")]:
            q = lists.add_paragraph()
            q.text, q.font.size = "• " + line, Pt(10)
        q = lists.add_paragraph()
        q.text, q.font.bold, q.font.size = _("Actions due"), True, Pt(12)
        for d in p.due[:5] or [{"title": _("No action is due in the next two weeks."), "owner": "", "state": ""}]:
            q = lists.add_paragraph()
            q.text = "• " + " – ".join(x for x in (d["title"], d["owner"], d["state"]) if x)
            q.font.size = Pt(10)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


FORMATS = {"html": html, "pdf": pdf, "pptx": pptx}
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
