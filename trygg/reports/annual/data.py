"""Collect the annual analysis ("årsanalys") for a year and a theme.

Every figure comes from the situation picture's code (trygg.numbers.figures / queries) and the
analysis core (trygg.analysis); survey numbers from trygg.surveys.results / collaboration. Nothing
is counted or tested a second way here: this module only chooses areas, periods and layout.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.analysis import change, nearrepeat
from trygg.analysis.hotspots import DEFAULT_HOTSPOT_SETTINGS
from trygg.analysis.spatial import project
from trygg.areas import schemes
from trygg.areas.models import Area, Level
from trygg.incidents import coverage
from trygg.incidents.categories import THEMES, theme_label
from trygg.incidents.templatetags.placement_tags import placement_share
from trygg.numbers import figures, queries
from trygg.picture import maplayers
from trygg.surveys import collaboration, smallgroups
from trygg.surveys.models import CollaborationRound
from trygg.surveys.results import area_series

from . import charts, maps
from .tables import Table
from .work import work_section

YEARS_BACK = 5
MIN_TREND_YEARS = 3  # a slope needs at least three years of complete data
KNOX = {"space_band": 100.0, "space_bands": 5, "time_band": 7, "time_bands": 4, "permutations": 999, "seed": 2025}
NO_DATA = gettext_lazy("no data")  # a cell whose source has nothing there, never 0
TREND_MODELS = {"poisson": gettext_lazy("Poisson"), "negative_binomial": gettext_lazy("negative binomial"),
                "quasi_poisson": gettext_lazy("quasi-Poisson")}
MIN_POINTS = 20  # fewer points: no near-repeat analysis (too little to say anything); hotspots use the pipeline's rule


@dataclass
class AnnualReport:
    year: int
    theme: str
    theme_label: str
    generated_at: dt.datetime
    years: list[int]
    city: dict = field(default_factory=dict)
    districts: list[dict] = field(default_factory=list)
    theme_section: dict = field(default_factory=dict)
    collaboration: dict = field(default_factory=dict)
    method: dict = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    incomplete: bool = False  # the data end before the year does: figures up to ``data_end``
    data_end: dt.date | None = None  # the last day of the year the incident sources are complete
    compare: str = "previous"  # "last-year" (the same dates a year earlier) when the year is cut
    currency: list[dict] = field(default_factory=list)  # "data up to" per source
    cover: str = ""  # the partners, from the municipality's configuration
    district_name: str = ""  # the municipality's district level ("stadsområde", "statistikområde")
    district_plural: str = ""
    municipality_code: str = ""

    def table(self, t: Table) -> Table:
        self.tables.append(t)
        return t


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _pct(x):
    return None if x is None else round(100.0 * (x - 1.0), 1)


def _flag_rows(fig: figures.PictureFigures, kind="theme"):
    return [r for r in fig.rows if r.kind == kind and r.source in ("all", "bra") and r.significant]


def _hotspots(area, start, end, theme=None, sources=None):
    """The hotspot pipeline shared with the map and the API (``maplayers.area_hotspots``) → dict
    for the report's static map."""
    layer = maplayers.area_hotspots(area, start, end, theme=theme, sources=sources)
    h = layer.result
    return {"n": h.n_points, "grid": h.grid, "z": h.z if h.grid is not None else None,
            "significant": h.hot if h.grid is not None else None, "hot_cells": h.hot_cells,
            "points": (layer.x, layer.y) if h.n_points else None, "summary": layer.summary()}


def _trend_row(counts, pops, years, source="police"):
    """Trend over the years the source was collected: population × the share of the year covered
    (``trygg.incidents.coverage``) is the exposure; years before collection began are left out, and
    fewer than three such years give no trend."""
    share = np.array([coverage.covered_share(source, *year_bounds(y)) for y in years])
    keep = share > 0
    c, p = np.asarray(counts, float)[keep], np.asarray(pops, float)[keep] * share[keep]
    if keep.sum() < MIN_TREND_YEARS or c.sum() == 0 or p.min() <= 0:
        return None
    try:
        return change.trend(c, p, np.asarray(years, float)[keep])
    except np.linalg.LinAlgError:  # e.g. a single event in all the years: no slope to estimate
        return None


def collect(year: int, theme: str, progress=None, municipality: str | None = None) -> AnnualReport:
    """Build the whole report. ``progress(step_name)`` is called once per step (for tqdm)."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
    tick = progress or (lambda name: None)
    start, end = year_bounds(year)
    # never past the data: a year the sources do not cover to its end is cut at their last complete
    # day and compared with the same dates a year earlier (same season), never with a whole year
    data_end = min(end, coverage.common_end(figures.SOURCES))
    incomplete = data_end < end
    end = data_end if data_end >= start else end
    compare = "last-year" if incomplete else "previous"
    years = list(range(year - YEARS_BACK + 1, year + 1))
    code = municipality or schemes.home_code()
    city = Area.objects.filter(code=code, level=Level.MUNICIPALITY).first()
    if city is None:
        raise ValueError(f"the municipality {code} is not loaded (trygg setup municipality)")
    scheme = schemes.scheme_for_code(code)
    rep = AnnualReport(year, theme, str(theme_label(theme)), timezone.now(), years, incomplete=incomplete,
                       data_end=data_end, compare=compare, currency=figures.source_currency(),
                       cover=scheme.report_cover or scheme.city_organisation, municipality_code=code,
                       district_name=scheme.district.name, district_plural=scheme.district.plural)
    districts = list(schemes.districts(city).order_by("code"))

    # 1. The city as a whole
    tick("city")
    fig = figures.compute_picture(city, start, end, compare=compare)
    pops = [int(queries.population_of([city], y)[0][0]) for y in years]
    series, trend_rows = {}, []
    covered = [coverage.covered_share("police", *year_bounds(y)) > 0 for y in years]
    for th in THEMES:
        counts = [figures.incident_counts(city, *year_bounds(y), theme=th, sources=["police"]) for y in years]
        series[str(theme_label(th))] = [c if ok else float("nan") for c, ok in zip(counts, covered, strict=True)]
        tr = _trend_row(counts, pops, years)
        trend_rows.append([str(theme_label(th)), *[c if ok else str(NO_DATA) for c, ok in zip(counts, covered, strict=True)],
                           None if tr is None else round(tr.annual_change_pct, 1),
                           None if tr is None else round(tr.p_value, 4),
                           "" if tr is None else str(TREND_MODELS.get(tr.model, tr.model))])
    police_from = coverage.coverage_start("police")
    trend_note = _("Trend: Poisson, negative binomial or (when the extra variation is not of the negative "
                   "binomial form) quasi-Poisson regression on the yearly counts with population as exposure.")
    if police_from is not None and police_from > year_bounds(years[0])[0]:
        trend_note = "%s %s" % (trend_note, _("The police events are complete from %(day)s: earlier years are left "
                                              "out of the trend and a partly covered year counts with its covered "
                                              "share.") % {"day": police_from.isoformat()})
    trend_table = rep.table(Table("Stad trender", _("Police events per year and theme, %(city)s") % {"city": city.name},
                                  [_("Theme"), *map(str, years), _("Trend % per year"), _("p"), _("Model")],
                                  trend_rows, trend_note))
    peers = {a.code: a for a in Area.objects.filter(code__in=scheme.metro_peers, level=Level.MUNICIPALITY)}
    refs = [city, *(peers[c] for c in scheme.metro_peers if c in peers)]
    metro = figures.metro_comparison(refs, start, end)
    metro_table = rep.table(Table(
        "Storstäder", _("Police events per 100,000 inhabitants, %(year)s") % {"year": year},
        [_("Municipality"), *metro["theme_labels"], _("Total")],
        [[r["name"], *[None if c["rate"] is None else round(c["rate"], 1) for c in r["cells"]],
          None if r["total"]["rate"] is None else round(r["total"]["rate"], 1)]
         if r["total"]["count"] else [r["name"], *[str(NO_DATA)] * (len(r["cells"]) + 1)] for r in metro["rows"]]))
    empty = [r["name"] for r in metro["rows"] if r["total"]["count"] == 0]
    if empty:
        metro_table.note = _("No police events are loaded for %(names)s in %(year)s: no data.") % {
            "names": ", ".join(empty), "year": year}
    ti = metro["themes"].index(theme)
    rep.city = {
        "area": city, "figures": fig, "placement": placement_share(city, start, end), "flagged": _flag_rows(fig), "trend_table": trend_table,
        "trend_chart": charts.data_uri(charts.line_chart(years, series, _("police events"))),
        "metro_table": metro_table, "metro": metro,
        "metro_chart": charts.data_uri(charts.bar_chart_ci(
            [r["name"] for r in metro["rows"]], [r["cells"][ti]["rate"] or 0 for r in metro["rows"]],
            [r["cells"][ti]["ci_low"] or 0 for r in metro["rows"]],
            [r["cells"][ti]["ci_high"] or 0 for r in metro["rows"]],
            _("%(theme)s per 100,000") % {"theme": rep.theme_label})),
        "survey": area_series(city, year),
    }

    tick("surveys")
    _surveys(rep, [city, *districts])

    # 2. One page per district / LPO pair
    for d in districts:
        tick(f"district {d.name}")
        rep.districts.append(_district(rep, d, start, end))

    # 3. The theme in depth
    tick("theme")
    rep.theme_section = _theme(rep, city, districts, start, end)

    # 4. The collaboration survey
    tick("collaboration")
    rnd = CollaborationRound.objects.filter(year=year).first()
    rep.collaboration = {"round": rnd, "summary": collaboration.round_summary(rnd, city) if rnd else None,
                         "trend": collaboration.trend(year, city),
                         "short_labels": [str(v) for v in collaboration.QUESTION_SHORT.values()]}
    if rnd:
        s = rep.collaboration["summary"]
        rep.table(Table("Samverkansenkät", _("Collaboration survey %(year)s, mean per question (1–5)") % {"year": year},
                        [_("Group"), _("Answered"), _("Invited"), *[str(q) for q in collaboration.QUESTION_SHORT.values()],
                         _("Note")],
                        [[g.label, g.answered, g.invited, *[None if m is None else round(m, 2) for m in g.means.values()],
                          g.hidden_label or None]
                         for g in [s["total"], *s["by_area"], *s["by_role"]]], str(smallgroups.NOTE)))

    # 5. Method and data sources
    tick("method")
    rep.method = {"sources": queries.data_sources(), "population_years": fig.population_year, "bra_year": fig.bra_year,
                  "hotspot_cell": DEFAULT_HOTSPOT_SETTINGS.cell, "hotspot": DEFAULT_HOTSPOT_SETTINGS, "knox": KNOX, "min_points": MIN_POINTS}
    return rep


SURVEY_CHART_INDICATOR = "unsafe_night"


def _surveys(rep, areas) -> None:
    """Safety-survey results of the city and its districts: one Excel table, and a chart of the
    headline indicator over the years (values from trygg.surveys.results.area_series)."""
    rows, lines, label = [], {}, ""
    for a in areas:
        for s in area_series(a, rep.year):
            for r in s.results:  # a hidden result (fewer than 5 answers) carries no numbers, only why
                rows.append([a.name, str(s.indicator.label), r.year, r.value, r.ci_low, r.ci_high, r.respondents,
                             r.hidden_label if getattr(r, "hidden", "") else None])
            if s.indicator.slug == SURVEY_CHART_INDICATOR:
                label = str(s.indicator.label)
                lines[a.name] = {r.year: r.value for r in s.results if r.value is not None}
    rep.table(Table("Trygghetsundersökning", _("Safety survey results up to %(year)s") % {"year": rep.year},
                    [_("Area"), _("Indicator"), _("Year"), _("Value"), _("CI low"), _("CI high"), _("Respondents"),
                     _("Note")], rows, str(smallgroups.NOTE)))
    years = sorted({y for v in lines.values() for y in v})
    rep.city["survey_chart"] = charts.data_uri(charts.line_chart(
        years, {name: [v.get(y, float("nan")) for y in years] for name, v in lines.items()}, label)) if years else None
    rep.city["survey_chart_label"] = label


def _district(rep, d, start, end) -> dict:
    fig = figures.compute_picture(d, start, end, compare=rep.compare)
    lpos = ", ".join(lpo.name for lpo in d.police_areas.all())
    children = list(d.children.order_by("code"))
    siblings = figures.sibling_comparison(children[0], start, end, theme=rep.theme) if children else {"rows": []}
    hs = _hotspots(d, start, end)
    key = [[r.label, r.count, r.comparison_count, None if r.rate is None else round(r.rate, 2),
            _pct(r.ratio), None if r.p_adj is None else round(r.p_adj, 4),
            {"up": "↑", "down": "↓"}.get(r.direction, "")] for r in fig.theme_rows()]
    table = rep.table(Table(f"{d.name[:24]} nyckeltal", _("%(area)s: key figures %(year)s") % {"area": d.name, "year": rep.year},
                            [_("Theme"), str(rep.year), str(rep.year - 1), _("per 1,000"), _("Change %"), _("p (FDR)"),
                             _("Significant")], key))
    sib_table = rep.table(Table(
        f"{d.name[:22]} delområden", _("%(area)s: %(theme)s per 1,000 inhabitants by sub-area") % {
            "area": d.name, "theme": rep.theme_label},
        [_("Source"), _("Sub-area"), _("Count"), _("Population"), _("per 1,000"), _("CI low"), _("CI high"),
         _("Rank (interval)")],
        [[t["label"] + (f" ({_('synthetic demo data')})" if t["synthetic"] else ""), r["name"], r["count"],
          r["population"], None if r["rate"] is None else round(r["rate"], 2),
          None if r["ci_low"] is None else round(r["ci_low"], 2), None if r["ci_high"] is None else round(r["ci_high"], 2),
          f"{r['rank']} ({r['rank_best']}–{r['rank_worst']})"] for t in siblings.get("tables", []) for r in t["rows"]],
        _("Each source is ranked on its own (never a sum of sources); EST only among the sub-areas that collected "
          "it over the whole year.")))
    return {
        "area": d, "lpos": lpos, "figures": fig, "placement": placement_share(d, start, end), "flagged": _flag_rows(fig) + _flag_rows(fig, "total"),
        "key_table": table, "sub_table": sib_table, "hotspots": hs,
        "map": maps.hotspot_map([d], children, hs["grid"], hs["z"], hs["significant"], hs["points"]),
        "survey": area_series(d, rep.year), "work": work_section(d, rep.year),
    }


def _years_note(rep) -> str:
    """What a per-year table must say: up to which day each source is complete, and that a year
    it does not cover to its end holds only part of the year."""
    up_to = "; ".join(f"{c['label']} {c['up_to']}" for c in rep.currency if c["source"] in figures.SOURCES)
    note = _("Data up to: %(sources)s.") % {"sources": up_to} if up_to else ""
    if rep.incomplete:
        note = "%s %s" % (note, _("%(year)s holds only 1 January – %(day)s.") % {
            "year": rep.year, "day": rep.data_end.isoformat()})
    return note.strip()


def _theme(rep, city, districts, start, end) -> dict:
    th = rep.theme
    police_years, est_years = [], []
    for y in rep.years:
        police_years.append(figures.incident_counts(city, *year_bounds(y), theme=th, sources=["police"]))
        est_years.append(figures.incident_counts(city, *year_bounds(y), theme=th, sources=["est"]))
    by_district = [[d.name, figures.incident_counts(d, start, end, theme=th, sources=["police"]),
                    figures.incident_counts(d, start, end, theme=th, sources=["est"])] for d in districts]
    years_table = rep.table(Table("Tema per år", _("%(theme)s: events per year") % {"theme": rep.theme_label},
                                  [_("Year"), _("Police events"), _("EST observations")],
                                  [[y, p, e] for y, p, e in zip(rep.years, police_years, est_years, strict=True)],
                                  _years_note(rep)))
    district_table = rep.table(Table(f"Tema per {rep.district_name}", _("%(theme)s %(year)s per %(level)s") % {
        "theme": rep.theme_label, "year": rep.year, "level": rep.district_name}, [rep.district_name.capitalize(), _("Police events"), _("EST observations")],
        by_district))
    fig = figures.compute_picture(city, start, end, compare=rep.compare, theme=th)
    hs = _hotspots(city, start, end, theme=th)
    est = queries.incident_points(city, start, end, theme=th, sources=["est"])
    knox_result, knox_table = None, None
    if len(est["lon"]) >= MIN_POINTS:
        x, y = project(est["lon"], est["lat"])
        days = np.array(est["date"], dtype="datetime64[D]")
        knox_result = nearrepeat.knox(x, y, days, **KNOX)
        rows = []
        for i, s in enumerate(knox_result.space_labels):
            ratio = knox_result.ratio_exact  # observed / closed-form expected; * = significant after FDR
            rows.append([s, *[f"{ratio[i, j]:.2f}{'*' if knox_result.significant[i, j] else ''}"
                              if np.isfinite(ratio[i, j]) else "–"
                              for j in range(len(knox_result.time_labels))]])
        knox_table = rep.table(Table("Near repeat", _("Near-repeat (Knox) ratios, EST %(theme)s observations") % {
            "theme": rep.theme_label}, [_("Distance"), *knox_result.time_labels], rows,
            _("Observed / expected pairs (expected in closed form); * significant after Benjamini–Hochberg "
              "FDR control over the table at q = 0.05 (%(n)s permutations).") % {"n": KNOX["permutations"]}))
    return {
        "years_table": years_table, "district_table": district_table, "figures": fig,
        "category_rows": [r for r in fig.rows if r.kind == "category"],
        "chart": charts.data_uri(charts.line_chart(rep.years, {_("Police events"): police_years,
                                                                _("EST observations"): est_years}, _("count"))),
        "hotspots": hs, "map": maps.hotspot_map([city], districts, hs["grid"], hs["z"], hs["significant"], hs["points"]),
        "est_points": len(est["lon"]), "knox": knox_result, "knox_table": knox_table,
        "actions": work_section(city, rep.year, theme=th),
    }
