"""Collect a statutory document (SFS 2023:196) for an area and a year from the data and the work cycle.

The structure follows the law and Brå's guidance ("Lägesbild och åtgärdsplan – stöd för kommuner"):

* Lägesbild (4 §): scope and period; sources and their currency; the mapping of crime and
  insecurity by theme (1. "kartläggning av brottsligheten, dess omfattning och konsekvenser"), over
  time and by place, compared with comparable areas; residents' own view (safety surveys); other
  information that matters (2.); the analysis (3.) with the prioritised problems and their causes.
* Åtgärdsplan: the lägesbild it rests on; prioritised problems with cause analyses; measurable
  goals; actions with owner, resources and time; how the follow-up is done; the coordination
  function (agreements, meetings).

Every figure comes from the code the situation picture and the work cycle use
(``trygg.numbers.figures``, ``trygg.numbers.followup``, ``trygg.surveys.results``); nothing is counted
a second way here. The document is a list of sections of blocks, so the PDF and the DOCX carry the
same content.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.analysis import change
from trygg.areas.models import Area
from trygg.incidents import coverage
from trygg.incidents.categories import THEMES, category_label, theme_label
from trygg.incidents.models import Incident
from trygg.numbers import figures, queries
from trygg.reports.annual import maps
from trygg.reports.annual.data import NO_DATA, _hotspots, _trend_row
from trygg.reports.annual.tables import Table
from trygg.surveys import smallgroups
from trygg.surveys.results import area_series

from . import charts

KINDS = ("lagesbild", "atgardsplan")
YEARS_BACK = 5

# The analyst's own text sections, per document (key, heading, what to write).
TEXT_SECTIONS = {
    "lagesbild": [
        ("purpose", gettext_lazy("Purpose, scope and way of working"),
         gettext_lazy("Why the situation picture was made, what it covers, who took part (city, police, others).")),
        ("consequences", gettext_lazy("Consequences and other information that matters"),
         gettext_lazy("Consequences of the crime for residents and businesses; other information of importance "
                      "(SFS 2023:196 4 § 2), e.g. from citizen dialogues or other agencies.")),
        ("analysis", gettext_lazy("Analysis and conclusions"),
         gettext_lazy("What the mapping shows, the causes behind it and which problems the partners prioritise "
                      "(SFS 2023:196 4 § 3).")),
    ],
    "atgardsplan": [
        ("priorities", gettext_lazy("Why these problems are prioritised"),
         gettext_lazy("How the prioritised problems follow from the situation picture.")),
        ("followup", gettext_lazy("How the plan is followed up"),
         gettext_lazy("When and how goals and actions are followed up, by whom, and how the results are reported.")),
        ("coordination", gettext_lazy("The coordination function"),
         gettext_lazy("Who coordinates the local crime prevention work, with which mandate and resources.")),
    ],
}


@dataclass
class Block:
    kind: str  # "p", "note", "table", "image", "list", "text", "missing"
    text: str = ""
    table: Table | None = None
    png: bytes | None = None
    alt: str = ""
    items: list = field(default_factory=list)
    key: str = ""
    label: str = ""

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png or b"").decode()


@dataclass
class Section:
    key: str
    title: str
    basis: str  # which part of the law or guidance asks for it
    blocks: list[Block] = field(default_factory=list)

    def add(self, kind, **kw) -> Block:
        b = Block(kind, **kw)
        self.blocks.append(b)
        return b


@dataclass
class StatutoryReport:
    kind: str
    area: Area
    year: int
    start: dt.date
    end: dt.date
    comparison: tuple[dt.date, dt.date]
    generated_at: dt.datetime
    title: str
    municipality: str
    version: int | None = None
    status: str = ""
    approvals: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    incomplete: bool = False

    def section(self, key, title, basis) -> Section:
        s = Section(key, str(title), str(basis))
        self.sections.append(s)
        return s


def kind_label(kind: str) -> str:
    return {"lagesbild": _("Situation picture"), "atgardsplan": _("Action plan")}[kind]


def _d(day) -> str:
    return formats.date_format(day, "j F Y") if day else str(NO_DATA)


def _num(x, digits=1):
    return None if x is None else round(float(x), digits)


def _survey_value(r):
    """A survey result as printed: its value, or why it is not shown (fewer than 5 answers)."""
    return r.hidden_label if getattr(r, "hidden", "") else _num(r.value)


def _pct(ratio):
    return None if ratio is None else round(100.0 * (ratio - 1.0), 1)


def data_end(year: int) -> tuple[dt.date, bool]:
    """The last day of ``year`` that every collected source covers (the latest day of the source
    that ends first, never after today), and whether the year is cut short."""
    end = dt.date(year, 12, 31)
    latest = [d for d in (Incident.objects.filter(source=s).aggregate(m=Max("date"))["m"] for s in figures.SOURCES) if d]
    cut = min([end, timezone.localdate(), *latest])
    return cut, cut < end


def source_currency(area) -> list[list]:
    """One row per source: name, complete from, latest day in the area, latest import."""
    runs = {r["source"]: r["latest_import"] for r in queries.data_sources()}
    rows = []
    for s in figures.SOURCES:
        latest = queries.counted().filter(source=s).within(area).latest_date()
        begin = coverage.coverage_start(s)
        rows.append([str(figures.SOURCE_LABELS[s]), _d(begin) if begin else (_("from the first day") if latest else str(NO_DATA)),
                     _d(latest), _import_label(runs, s)])
    bra_year = queries.latest_crime_statistic_year(area, timezone.localdate().year)
    rows.append([str(figures.SOURCE_LABELS["bra"]), "–", str(bra_year) if bra_year else str(NO_DATA), _import_label(runs, "bra")])
    return rows


def _import_label(runs, source):
    keys = [k for k in runs if k == source or k.startswith(source)]
    stamps = sorted(runs[k] for k in keys if runs[k])
    if not stamps:
        return "–"
    return formats.date_format(timezone.localtime(dt.datetime.fromisoformat(stamps[-1])), "j F Y")


def _png_of(data_uri: str) -> bytes:
    return base64.b64decode(data_uri.split(",", 1)[1])


def collect(area, kind: str, year: int, doc=None) -> StatutoryReport:
    if kind not in KINDS:
        raise ValueError(f"unknown document {kind!r}; choose one of {', '.join(KINDS)}")
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ValueError(f"year {year} is outside 2000–{today.year}")
    start = dt.date(year, 1, 1)
    end, incomplete = data_end(year)
    if end < start:
        end, incomplete = start, True
    cmp = figures.comparison_period(start, end, "last-year")
    muni = queries.municipality_of(area)
    rep = StatutoryReport(kind, area, year, start, end, (cmp.start, cmp.end), timezone.now(),
                          f"{kind_label(kind)} {year} – {area.name}", muni.name if muni else area.name,
                          incomplete=incomplete)
    texts = (doc.sections if doc else {}) or {}
    if doc is not None:
        rep.version = doc.version
        rep.status = _("adopted %(day)s") % {"day": _d(timezone.localdate(doc.adopted_at))} if doc.adopted_at \
            else _("draft")
        for side in ("city", "police"):
            at, by = getattr(doc, f"{side}_approved_at"), getattr(doc, f"{side}_approved_by")
            if at:
                who = by.get_full_name() or by.username if by else "–"
                rep.approvals.append(_("Approved for the %(side)s side by %(who)s, %(day)s") % {
                    "side": _("city") if side == "city" else _("police"), "who": who,
                    "day": _d(timezone.localdate(at))})
    if kind == "lagesbild":
        _lagesbild(rep, texts)
    else:
        _atgardsplan(rep, texts)
    return rep


def _text(section: Section, kind: str, key: str, texts: dict):
    label, help_text = next((str(lbl), str(h)) for k, lbl, h in TEXT_SECTIONS[kind] if k == key)
    value = (texts.get(key) or "").strip()
    if value:
        section.add("text", key=key, label=label, items=[p.strip() for p in value.split("\n\n") if p.strip()])
    else:
        section.add("missing", key=key, label=label, text=_("Not written yet: %(what)s") % {"what": help_text})


def _scope(rep: StatutoryReport, fig) -> Section:
    s = rep.section("scope", _("Scope and period"), _("SFS 2023:196 4 §; Brå: delimitation"))
    level = rep.area.get_level_display() if hasattr(rep.area, "get_level_display") else rep.area.level
    s.add("p", text=_("%(doc)s for %(area)s (%(level)s) in %(muni)s.") % {
        "doc": kind_label(rep.kind), "area": rep.area.name, "level": level, "muni": rep.municipality})
    s.add("p", text=_("Period: %(start)s – %(end)s, compared with the same dates one year earlier "
                      "(%(cs)s – %(ce)s).") % {"start": _d(rep.start), "end": _d(rep.end),
                                               "cs": _d(rep.comparison[0]), "ce": _d(rep.comparison[1])})
    if rep.incomplete:
        s.add("note", text=_("The year is not complete in the data: the figures run up to %(end)s, the last day "
                             "every source covers.") % {"end": _d(rep.end)})
    if fig is not None and fig.population:
        s.add("p", text=_("Population %(pop)s (%(year)s).") % {
            "pop": formats.number_format(fig.population, force_grouping=True), "year": fig.population_year})
    return s


def _lagesbild(rep: StatutoryReport, texts: dict) -> None:
    area = rep.area
    fig = figures.compute_picture(area, rep.start, rep.end, compare="last-year")
    s = _scope(rep, fig)
    _text(s, "lagesbild", "purpose", texts)

    s = rep.section("sources", _("Sources and how current they are"), _("Brå: sources of the situation picture"))
    s.add("table", table=Table("Källor", _("Sources"), [_("Source"), _("Complete from"), _("Data up to"),
                                                        _("Latest import")], source_currency(area)))
    for label, day in fig.not_comparable_labels:
        s.add("note", text=_("%(source)s are complete only from %(day)s: no change against the comparison period "
                             "is tested for them.") % {"source": label, "day": _d(dt.date.fromisoformat(day))})

    # 1. The mapping by theme
    s = rep.section("themes", _("Crime and insecurity by theme"), _("SFS 2023:196 4 § 1: extent"))
    rows = []
    for th in THEMES:
        by_source = {src: next((x for x in fig.rows_of("theme", src) if x.theme == th), None)
                     for src in (*figures.SOURCES, "all")}
        row = [str(theme_label(th))]
        for src in (*figures.SOURCES, "all"):
            r = by_source[src]
            row.append(r.count if r else (0 if _has_source(fig, src) else str(NO_DATA)))
        allr = by_source["all"]
        row.append(_num(allr.rate, 2) if allr else None)
        for src in figures.SOURCES:
            r = by_source[src]
            row += [_pct(r.ratio) if r and r.comparable else None, _flag(r) if r else str(NO_DATA)]
        rows.append(row)
    pol, est = (str(figures.SOURCE_LABELS[x]) for x in figures.SOURCES)
    s.add("table", table=Table("Teman", _("Incidents by theme, %(start)s – %(end)s") % {
        "start": _d(rep.start), "end": _d(rep.end)},
        [_("Theme"), pol, est, _("All sources"), _("per 1,000 inhabitants"),
         _("%(source)s: change %%") % {"source": pol}, _("%(source)s: significant") % {"source": pol},
         _("%(source)s: change %%") % {"source": est}, _("%(source)s: significant") % {"source": est}], rows,
        _("Change against the same dates a year earlier. A change is called significant only where the test, "
          "which allows for the extra variation of real counts, stays below 5 percent after "
          "false-discovery-rate control; rows with fewer than %(n)s events in the two periods are not "
          "tested.") % {"n": change.MIN_EVENTS}))
    bra = [r for r in fig.rows_of("category", "bra")]
    if bra:
        s.add("table", table=Table("Brå", _("Reported crimes (Brå), %(year)s against the year before") % {
            "year": fig.bra_year}, [_("Crime type"), str(fig.bra_year), str((fig.bra_year or 0) - 1), _("Change %"),
                                    _("Significant change")],
            [[r.label, r.count, r.comparison_count, _pct(r.ratio), _flag(r)] for r in bra]))
    else:
        s.add("note", text=_("Reported crimes (Brå): no data for this area."))

    # over time
    s = rep.section("trends", _("Development over time"), _("Brå: trends"))
    years = list(range(rep.year - YEARS_BACK + 1, rep.year + 1))
    pops = [int(queries.population_of([area], y)[0][0]) for y in years]
    series, trows = {}, []
    for th in THEMES:
        counts, shown = [], []
        for y in years:
            y_end = min(dt.date(y, 12, 31), rep.end)
            n = figures.incident_counts(area, dt.date(y, 1, 1), y_end, theme=th, sources=["police"])
            counts.append(n)
            shown.append(n if coverage.covered_share("police", dt.date(y, 1, 1), y_end) > 0 else str(NO_DATA))
        series[str(theme_label(th))] = [c if isinstance(v, int) else float("nan") for c, v in zip(counts, shown, strict=True)]
        tr = _trend_row(counts, pops, years)
        trend = str(NO_DATA) if tr is None else (
            (_("rising") if tr.annual_change_pct > 0 else _("falling")) if tr.p_value < 0.05 else _("no clear trend"))
        trows.append([str(theme_label(th)), *shown, None if tr is None else round(tr.annual_change_pct, 1), trend])
    s.add("image", png=charts.line_png(years, series, _("police events")),
          alt=_("Police events per year and theme, %(a)s–%(b)s") % {"a": years[0], "b": years[-1]})
    s.add("table", table=Table("Trender", _("Police events per year and theme"),
                               [_("Theme"), *map(str, years), _("Trend % per year"), _("Trend")], trows,
                               _("Trend: a count regression on the yearly counts with the population as exposure; "
                                 "years before the source was complete are left out. The last year runs to %(end)s.")
                               % {"end": _d(rep.end)}))

    # by place
    s = rep.section("places", _("Where: by place"), _("SFS 2023:196 4 § 1; Brå: places"))
    children = list(area.children.defer("geometry").order_by("code"))
    if children:
        sib = figures.sibling_comparison(children[0], rep.start, rep.end)
        s.add("table", table=Table("Delområden", _("Incidents per 1,000 inhabitants by sub-area"),
                                   [_("Sub-area"), _("Count"), _("Population"), _("per 1,000"), _("CI low"),
                                    _("CI high"), _("Rank (interval)")],
                                   [_place_row(r) for r in sib["rows"]],
                                   _("95 percent confidence intervals; rank intervals say how sure the order is.")))
    hs = _hotspots(area, rep.start, rep.end)
    full_children = list(area.children.order_by("code"))
    s.add("image", png=_png_of(maps.hotspot_map([area], full_children, hs["grid"], hs["z"], hs["significant"],
                                                hs["points"])),
          alt=_("Map of %(area)s with its sub-areas and %(cells)s hotspot cells (Gi*) of %(n)s placed incidents") % {
              "area": area.name, "cells": hs["hot_cells"], "n": hs["n"]})

    # comparisons
    s = rep.section("comparisons", _("Compared with similar areas"), _("Brå: comparisons"))
    cmp = figures.sibling_comparison(area, rep.start, rep.end)
    if cmp["rows"]:
        srcs = ", ".join(str(figures.SOURCE_LABELS[x]) for x in cmp["sources"])
        s.add("table", table=Table("Jämförelse", _("%(area)s among comparable areas (%(sources)s)") % {
            "area": area.name, "sources": srcs},
            [_("Area"), _("Count"), _("Population"), _("per 1,000"), _("CI low"), _("CI high"), _("Rank (interval)")],
            [_place_row(r) for r in cmp["rows"] + cmp["references"]]))
    else:
        s.add("note", text=_("No comparable areas are loaded."))

    # residents' view
    s = rep.section("residents", _("Residents' view"), _("Brå: insecurity and residents' view (surveys)"))
    series_ = area_series(area, rep.year)
    if series_:
        s.add("table", table=Table("Trygghetsundersökning", _("Safety survey"),
                                   [_("Indicator"), _("Year"), _("Value"), _("Previous"), _("Change")],
                                   [[str(x.indicator.label), x.latest.year, _survey_value(x.latest),
                                     f"{_survey_value(x.previous)} ({x.previous.year})" if x.previous else str(NO_DATA),
                                     str(x.statement) if x.previous else "–"] for x in series_],
                                   str(smallgroups.NOTE)))
    else:
        s.add("missing", text=_("No safety survey is loaded for this area: residents' view is missing."))

    s = rep.section("consequences", _("Consequences and other information"), _("SFS 2023:196 4 § 2"))
    _text(s, "lagesbild", "consequences", texts)

    s = rep.section("analysis", _("Analysis: prioritised problems and their causes"), _("SFS 2023:196 4 § 3"))
    _problems(s, area)
    _text(s, "lagesbild", "analysis", texts)


def _has_source(fig, source) -> bool:
    t = fig.total(source)
    return bool(t and (t.count or t.comparison_count)) or source == "all"


def _flag(r) -> str:
    if r is None:
        return "–"
    if not r.comparable:
        return _("not comparable")
    if r.significant:
        return _("increase") if r.direction == "up" else _("decrease")
    return _("no")


def _place_row(r):
    return [r["name"], r["count"], r["population"], _num(r["rate"], 2), _num(r["ci_low"], 2), _num(r["ci_high"], 2),
            f"{r['rank']} ({r['rank_best']}–{r['rank_worst']})" if "rank" in r else "–"]


def _problems(s: Section, area) -> list:
    from trygg.work.models import Problem
    from trygg.work.scope import within

    problems = list(within(Problem.objects.all(), area).prefetch_related("causes").order_by("-prioritised", "priority"))
    if not problems:
        s.add("missing", text=_("No problems are raised in the work cycle yet."))
        return []
    for p in problems:
        head = "%s%s – %s" % (p.title, " (%s)" % _("prioritised") if p.prioritised else "", theme_label(p.theme))
        where = "; ".join(x for x in (p.place_text, p.time_pattern) if x)
        causes = [f"{c.get_corner_display()}: {c.description} ({_('evidence')}: {c.evidence})" for c in p.causes.all()]
        s.add("list", label=head, text=where, items=causes or [_("No cause analysis yet.")])
    return problems


def _indicator_label(goal) -> str:
    from trygg.incidents.categories import crime_type_label

    name = crime_type_label if goal.sources == "bra" else category_label
    what = name(goal.category) if goal.category else (theme_label(goal.theme) if goal.theme else _("all themes"))
    return f"{what}, {goal.get_sources_display()}, {goal.area.name}"


def _atgardsplan(rep: StatutoryReport, texts: dict) -> None:
    from trygg.numbers.followup import goal_status
    from trygg.reports.models import StatutoryDocument
    from trygg.work.checklist import path_q
    from trygg.work.models import Action, Agreement, Goal, Meeting, Promise
    from trygg.work.promises import line_progress
    from trygg.work.scope import within

    area = rep.area
    s = _scope(rep, None)
    basis = (StatutoryDocument.objects.filter(area=area, kind="lagesbild", year=rep.year)
             .order_by("-adopted_at", "-version").first())
    if basis and basis.adopted_at:
        s.add("p", text=_("The plan rests on the situation picture %(year)s, version %(v)s, adopted %(day)s.") % {
            "year": basis.year, "v": basis.version, "day": _d(timezone.localdate(basis.adopted_at))})
    else:
        s.add("missing", text=_("No adopted situation picture for %(year)s: the law asks that the plan rests on one.")
              % {"year": rep.year})

    s = rep.section("problems", _("Prioritised problems and cause analyses"), _("SFS 2023:196; Brå: problem and causes"))
    _problems(s, area)
    _text(s, "atgardsplan", "priorities", texts)

    s = rep.section("goals", _("Goals"), _("Brå: measurable goals"))
    goals = list(within(Goal.objects.select_related("problem", "area"), area, "problem__area"))
    if goals:
        grows = []
        for g in goals:
            st = goal_status(g, today=rep.end)
            grows.append([g.problem.title, g.title, _indicator_label(g),
                          f"{st.baseline if st.has_baseline else NO_DATA} ({_d(g.baseline_start)} – "
                          f"{_d(g.baseline_end)})",
                          f"{g.target_change_pct:+.0f} % {_('by')} {_d(g.target_date)}",
                          str(NO_DATA) if st.current is None else st.current])
        s.add("table", table=Table("Mål", _("Goals and their indicators"),
                                   [_("Problem"), _("Goal"), _("Indicator"), _("Baseline"), _("Target"), _("Now")],
                                   grows, _("“Now” counts the indicator over a window as long as the baseline, "
                                            "ending at the latest data.")))
    else:
        s.add("missing", text=_("No goals are set."))

    s = rep.section("actions", _("Actions: owner, resources and time"), _("SFS 2023:196; Brå: actions aimed at causes"))
    actions = list(within(Action.objects.exclude(status=Action.Status.CANCELLED), area)
                   .exclude(end__lt=rep.start).select_related("owner_organisation", "owner", "cause__problem").order_by("start"))
    if actions:
        s.add("table", table=Table("Åtgärder", _("Actions"),
                                   [_("Action"), _("Aimed at"), _("Owner"), _("Resources"), _("Start"), _("End"),
                                    _("Status")],
                                   [[a.title, f"{a.cause.problem.title}: {a.cause.get_corner_display()}" if a.cause
                                     else _("no cause given"),
                                     f"{a.owner_organisation.name} ({a.owner.get_full_name() or a.owner.username})",
                                     a.resources or str(NO_DATA), _d(a.start), _d(a.end) if a.end else _("ongoing"),
                                     a.get_status_display()] for a in actions]))
    else:
        s.add("missing", text=_("No actions are planned."))
    promises = list(Promise.objects.filter(path_q(area), start__lte=rep.end, end__gte=rep.start)
                    .prefetch_related("lines__reports", "lines__owner_organisation"))
    if promises:
        items = []
        for p in promises:
            for line in p.lines.all():
                lp = line_progress(line, today=rep.end)
                items.append(f"{p.title}: {line.text} – {lp.achieved:g} / {lp.target:g} {line.unit} ({lp.status_label})")
        s.add("list", label=_("Citizen promises"), items=items or [_("No commitment lines.")])

    s = rep.section("followup", _("Follow-up"), _("Brå: follow-up planned"))
    meetings = list(within(Meeting.objects.filter(date__gte=rep.start), area).order_by("date")[:12])
    if meetings:
        s.add("table", table=Table("Uppföljning", _("Planned and held follow-up meetings"), [_("Date"), _("Meeting")],
                                   [[_d(mt.date), mt.get_kind_display()] for mt in meetings]))
    else:
        s.add("missing", text=_("No follow-up meeting is planned."))
    _text(s, "atgardsplan", "followup", texts)

    s = rep.section("coordination", _("The coordination function"), _("SFS 2023:196: coordination function"))
    agreements = list(Agreement.objects.filter(path_q(area), start__lte=rep.end, end__gte=rep.start)
                      .prefetch_related("parties", "signatures"))
    if agreements:
        s.add("table", table=Table("Överenskommelser", _("Collaboration agreements"),
                                   [_("Agreement"), _("Valid"), _("Parties"), _("Signed by both sides")],
                                   [[f"{a.title} (v{a.version})", f"{_d(a.start)} – {_d(a.end)}",
                                     ", ".join(o.name for o in a.parties.all()), _("yes") if a.fully_signed else _("no")]
                                    for a in agreements]))
    else:
        s.add("missing", text=_("No collaboration agreement covers the period."))
    _text(s, "atgardsplan", "coordination", texts)
