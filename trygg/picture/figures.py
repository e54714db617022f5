"""The situation picture's figures: ONE code path for the page, the API, exports, snapshots, the
CLI (``trygg picture``), the work cycle's goal indicators and the annual report.

Public functions (keep their names; other apps call them):

* :func:`compute_picture` – key figures for an area and period: counts per source, theme and
  category, rates per 1,000 inhabitants, change against the comparison period with the exact
  Poisson rate-ratio test and Benjamini–Hochberg FDR control (``trygg.analysis.change``).
* :func:`incident_counts` – one number: incidents within an area and period (filters optional).
* :func:`time_series` – counts per week or month (every bucket, zeros included) per source.
* :func:`sibling_comparison` – the area against its siblings, its parent and the city: rates per
  1,000 with exact CIs, ranked with rank intervals (``trygg.analysis.comparison.rank_with_ci``).
* :func:`metro_comparison` – municipalities per 100,000 inhabitants by theme from police events.

All statistics come from ``trygg.analysis``; counting is done in the database (``queries``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace

import numpy as np
from django.utils.translation import gettext_lazy as _

from trygg.analysis import change, comparison, periods, rates
from trygg.incidents import coverage
from trygg.incidents.bra import ALL_CRIMES, crime_type_label
from trygg.incidents.categories import THEMES, category_label, theme_label, theme_of

from . import queries

SOURCES = ("police", "est")
SOURCE_LABELS = {"police": _("Police events"), "est": _("EST reports"), "bra": _("Reported crimes (Brå)"),
                 "all": _("All sources")}
COMPARES = ("previous", "last-year")
RATE_PER = 1000.0
FDR_Q = 0.05
SMALL_COUNT = 5  # public figures show counts 1–4 as "1–4"


@dataclass
class FigureRow:
    kind: str  # "category", "theme" or "total"
    source: str  # "police", "est", "bra" or "all"
    theme: str
    category: str
    label: str
    count: int
    rate: float | None
    comparison_count: int
    comparison_rate: float | None
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_adj: float | None
    significant: bool
    direction: str  # "up", "down" or ""
    period: str  # the period the row counts (Brå: the statistics year)
    comparable: bool = True  # False when a source was not yet collected in the comparison period


@dataclass
class PictureFigures:
    area_code: str
    area_name: str
    area_level: str
    start: dt.date
    end: dt.date
    compare: str
    comparison_start: dt.date
    comparison_end: dt.date
    theme: str | None
    population: int | None
    population_year: int | None
    bra_year: int | None
    rows: list[FigureRow] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    # sources not yet collected when the comparison period started: {source: first covered day}
    not_comparable: dict[str, str] = field(default_factory=dict)

    @property
    def theme_label(self) -> str:
        return theme_label(self.theme) if self.theme else ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def not_comparable_labels(self) -> list[tuple[str, str]]:
        """(source label, first complete day) of the sources the comparison period predates."""
        return [(str(SOURCE_LABELS[s]), day) for s, day in self.not_comparable.items()]

    def total(self, source: str = "all") -> FigureRow | None:
        return next((r for r in self.rows if r.kind == "total" and r.source == source), None)

    def rows_of(self, kind: str, source: str | None = None) -> list[FigureRow]:
        return [r for r in self.rows if r.kind == kind and (source is None or r.source == source)]

    def theme_rows(self) -> list[FigureRow]:
        """The all-sources row of every theme, the headline of the page."""
        return self.rows_of("theme", "all")

    def flagged(self) -> list[FigureRow]:
        return [r for r in self.rows if r.significant]

    def as_dict(self) -> dict:
        """JSON-ready dict (dates as ISO strings, NaN/inf as None)."""
        d = asdict(self)
        for k in ("start", "end", "comparison_start", "comparison_end"):
            d[k] = d[k].isoformat()
        d["rows"] = [{k: _json_number(v) for k, v in r.items()} for r in d["rows"]]
        return d


def _json_number(v):
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def _f(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def comparison_period(start: dt.date, end: dt.date, compare: str) -> periods.Period:
    """The period the chosen one is compared with: the one just before (same length), or the same
    dates one year earlier (``trygg.analysis.periods``)."""
    if compare not in COMPARES:
        raise ValueError(f"compare must be one of {COMPARES}, not {compare!r}")
    p = periods.Period(start, end)
    return periods.previous(p) if compare == "previous" else periods.same_period_last_year(p)


def incident_counts(area, start, end, *, theme=None, category=None, sources=None) -> int:
    """Number of incidents within ``area`` (any level, sub-areas included) from ``start`` to ``end``
    inclusive, optionally of one theme, one category and/or some sources ("police", "est")."""
    return queries.incidents_in(area, start, end, theme=theme, category=category, sources=sources).count()


def compute_picture(area, start: dt.date, end: dt.date, compare: str = "previous", theme: str | None = None,
                    user=None) -> PictureFigures:
    """Key figures of ``area`` for ``start``–``end`` (inclusive) against the comparison period.

    Rows: per source (police events, EST reports) and category, per source and theme, per theme over
    all sources, totals; plus Brå reported crimes of the latest statistics year ≤ ``end``'s year
    against the year before. Each row has the count, the rate per 1,000 inhabitants (population of
    ``end``'s year or the latest before it), the comparison count and rate, the rate ratio with its
    exact CI and p-value (``change.flag_changes``, exposure = days of each period, one year for
    Brå) and the Benjamini–Hochberg adjusted p-value across ALL rows shown together; ``significant``
    and ``direction`` flag only changes that survive the FDR control at q = 0.05.
    A source that was not yet collected when the comparison period started
    (``trygg.incidents.coverage``) gets no ratio, test or flag (``comparable=False``), nor do the
    all-source rows it contributes to; such rows stay out of the FDR family.
    ``user`` is accepted for symmetry with the page; the figures are aggregates any viewer may see.
    """
    cmp = comparison_period(start, end, compare)
    late = {}
    for source in SOURCES:
        begin = coverage.coverage_start(source)
        if begin is not None and cmp.start < begin:
            late[source] = begin.isoformat()
    cur = queries.counts_by_source_category(area, start, end, theme=theme)
    ref = queries.counts_by_source_category(area, cmp.start, cmp.end, theme=theme)
    pop_arr, year_arr = queries.population_of([area], end.year)
    population = int(pop_arr[0]) or None
    population_year = int(year_arr[0]) or None
    t1, t0 = float((end - start).days + 1), float(cmp.days)
    period_label = f"{start.isoformat()}–{end.isoformat()}"

    specs = []  # (kind, source, theme, category, label, c1, c0, t1, t0, period)
    keys = sorted(set(cur) | set(ref), key=lambda k: (SOURCES.index(k[0]) if k[0] in SOURCES else 9, k[1]))
    theme_sums: dict[tuple[str, str], list[int]] = {}
    for source, category in keys:
        c1, c0 = cur.get((source, category), 0), ref.get((source, category), 0)
        th = theme_of(category)
        specs.append(("category", source, th, category, category_label(category), c1, c0, t1, t0, period_label))
        for key in ((source, th), ("all", th)):
            s = theme_sums.setdefault(key, [0, 0])
            s[0] += c1
            s[1] += c0
    for th in THEMES:
        for source in (*SOURCES, "all"):
            if (source, th) in theme_sums:
                c1, c0 = theme_sums[(source, th)]
                specs.append(("theme", source, th, "", theme_label(th), c1, c0, t1, t0, period_label))
    for source in (*SOURCES, "all"):
        c1 = sum(v for (s, _c), v in cur.items() if source in ("all", s))
        c0 = sum(v for (s, _c), v in ref.items() if source in ("all", s))
        specs.append(("total", source, theme or "", "", str(SOURCE_LABELS[source]), c1, c0, t1, t0, period_label))

    bra_year = queries.latest_crime_statistic_year(area, end.year)
    if bra_year:
        now = queries.crime_statistics(area, bra_year, theme=theme)
        before = queries.crime_statistics(area, bra_year - 1, theme=theme)
        themes_of_type = queries.crime_statistic_themes(area, bra_year)
        for crime_type in sorted(set(now) | set(before), key=lambda c: (c != ALL_CRIMES, c)):
            specs.append(("category", "bra", themes_of_type.get(crime_type, ""), crime_type,
                          crime_type_label(crime_type), now.get(crime_type, 0), before.get(crime_type, 0),
                          1.0, 1.0, str(bra_year)))
        # the total is Brå's "all crimes" where it is there: the other types are parts of it
        total_now = now[ALL_CRIMES] if ALL_CRIMES in now else sum(now.values())
        total_before = before[ALL_CRIMES] if ALL_CRIMES in before else sum(before.values())
        specs.append(("total", "bra", theme or "", "", str(SOURCE_LABELS["bra"]), total_now,
                      total_before, 1.0, 1.0, str(bra_year)))

    rows = []
    if specs:
        c1 = np.array([s[5] for s in specs], dtype=float)
        c0 = np.array([s[6] for s in specs], dtype=float)
        tt1 = np.array([s[7] for s in specs])
        tt0 = np.array([s[8] for s in specs])
        ok = np.array([(s[1] not in late) and not (s[1] == "all" and late) for s in specs])
        flags = _flags_where(ok, c1, c0, tt1, tt0)
        r1 = rates.rate(c1, population or 0, per=RATE_PER)
        r0 = rates.rate(c0, population or 0, per=RATE_PER)
        for i, s in enumerate(specs):
            rows.append(FigureRow(
                kind=s[0], source=s[1], theme=s[2], category=s[3], label=str(s[4]), count=int(c1[i]),
                rate=_f(r1[i]), comparison_count=int(c0[i]), comparison_rate=_f(r0[i]),
                ratio=_f(flags.ratio[i]), ci_low=_f(flags.ci_low[i]), ci_high=_f(flags.ci_high[i]),
                p_value=_f(flags.p_value[i]), p_adj=_f(flags.p_adj[i]), significant=bool(flags.significant[i]),
                direction=str(flags.direction[i]), period=s[9], comparable=bool(ok[i]),
            ))
    return PictureFigures(
        area_code=area.code, area_name=area.name, area_level=area.level, start=start, end=end, compare=compare,
        comparison_start=cmp.start, comparison_end=cmp.end, theme=theme or None, population=population,
        population_year=population_year, bra_year=bra_year, rows=rows, sources=queries.data_sources(),
        not_comparable=late,
    )


def _flags_where(ok: np.ndarray, c1, c0, t1, t0):
    """``change.flag_changes`` over the comparable rows only (one FDR family); the other rows get
    no ratio, CI, p-value or flag."""
    n = len(ok)
    out = SimpleNamespace(ratio=np.full(n, np.nan), ci_low=np.full(n, np.nan), ci_high=np.full(n, np.nan),
                          p_value=np.full(n, np.nan), p_adj=np.full(n, np.nan),
                          significant=np.zeros(n, dtype=bool), direction=np.full(n, "", dtype=object))
    if ok.any():
        f = change.flag_changes(c1[ok], c0[ok], t1[ok], t0[ok], q=FDR_Q)
        for name in ("ratio", "ci_low", "ci_high", "p_value", "p_adj", "significant", "direction"):
            getattr(out, name)[ok] = getattr(f, name)
    return out


def time_series(area, start: dt.date, end: dt.date, bucket: str = "week", theme=None, sources=None) -> dict:
    """Counts per ISO week or calendar month from ``start`` to ``end``, every bucket present (zeros
    included), per source. Returns ``{"bucket", "labels": [...], "series": {source: [counts]}}``.
    Bucketing with ``trygg.analysis.periods.bucket_index``."""
    if bucket not in ("week", "month"):
        raise ValueError("bucket must be 'week' or 'month'")
    all_days = np.arange(np.datetime64(start), np.datetime64(end) + 1)
    keys_all, labels = periods.bucket_index(all_days, bucket)
    uniq = np.unique(keys_all)
    dates, srcs, per_day = queries.daily_counts(area, start, end, theme=theme, sources=sources)
    series = {}
    for source in (sources or SOURCES):
        mine = srcs == source
        counts = np.zeros(uniq.size, dtype=np.int64)
        if mine.any():
            keys, _ = periods.bucket_index(dates[mine], bucket)
            counts = np.bincount(np.searchsorted(uniq, keys), weights=per_day[mine],
                                 minlength=uniq.size).astype(np.int64)
        series[source] = counts.tolist()
    return {"bucket": bucket, "labels": [str(x) for x in labels], "series": series}


def _rate_rows(areas, counts, year, per=RATE_PER):
    pop, pop_years = queries.population_of(areas, year)
    r = rates.rate(counts, pop, per=per)
    lo, hi = rates.rate_ci(counts, pop, per=per)
    return pop, pop_years, r, lo, hi


METRO_CODES = ("0180", "1280", "1480")  # Stockholm, Malmö, Göteborg


def comparable_siblings(area, parent) -> list:
    """The areas ``area`` is ranked among. Below the municipality: every child of the parent. A
    municipality: the municipalities of its own county (the first two digits of the SCB code) plus the
    three metropolitan municipalities – ranking all 290 belongs to the metropolitan comparison page."""
    children = parent.children.defer("geometry")  # the GeoJSON is large and not needed for a ranking
    if area.level != "municipality":
        return list(children.order_by("code"))
    from django.db.models import Q

    near = Q(code__startswith=area.code[:2]) | Q(code__in=METRO_CODES) | Q(pk=area.pk)
    return list(children.filter(near).order_by("code"))


def sibling_comparison(area, start: dt.date, end: dt.date, theme=None, sources=None) -> dict:
    """Rates per 1,000 inhabitants (exact Garwood CIs) of ``area`` and its siblings (same parent),
    ranked highest first with rank intervals (Goldstein & Spiegelhalter), plus reference rows for the
    parent and the municipality. Municipalities are compared on police events only (the one
    nationwide source) unless ``sources`` says otherwise, and only with the municipalities of their
    county and the metropolitan three (:func:`comparable_siblings`).
    Returns ``{"rows": [{code, name, count, population, rate, ci_low, ci_high, rank, rank_best,
    rank_worst, is_self}], "references": [...same keys...], "sources": [...]}``."""
    if sources is None and area.level in ("municipality", "country"):
        sources = ["police"]
    parent = area.parent
    out = {"rows": [], "references": [], "sources": list(sources or SOURCES)}
    if parent is None:
        return out
    siblings = comparable_siblings(area, parent)
    counts = queries.counts_by_child(parent, siblings, start, end, theme=theme, sources=sources)
    pop, _years, r, lo, hi = _rate_rows(siblings, counts, end.year)
    rank, best, worst = comparison.rank_with_ci(r, lo, hi)
    for i, s in enumerate(siblings):
        out["rows"].append({
            "code": s.code, "name": s.name, "count": int(counts[i]), "population": int(pop[i]),
            "rate": _f(r[i]), "ci_low": _f(lo[i]), "ci_high": _f(hi[i]), "rank": int(rank[i]),
            "rank_best": int(best[i]), "rank_worst": int(worst[i]), "is_self": s.pk == area.pk,
        })
    out["rows"].sort(key=lambda row: row["rank"])
    refs = [parent]
    city = queries.municipality_of(area)
    if city is not None and city.pk not in (parent.pk, area.pk):
        refs.append(city)
    ref_counts = np.array([incident_counts(a, start, end, theme=theme, sources=sources) for a in refs])
    pop, _years, r, lo, hi = _rate_rows(refs, ref_counts, end.year)
    for i, a in enumerate(refs):
        out["references"].append({
            "code": a.code, "name": a.name, "count": int(ref_counts[i]), "population": int(pop[i]),
            "rate": _f(r[i]), "ci_low": _f(lo[i]), "ci_high": _f(hi[i]),
        })
    return out


def metro_comparison(municipalities, start: dt.date, end: dt.date) -> dict:
    """Police events per 100,000 inhabitants by theme for ``municipalities`` (Area objects), with
    exact CIs (``trygg.analysis.comparison.rates_per_100k``). Returns ``{"themes": [slug…],
    "theme_labels": [...], "rows": [{code, name, population, population_year, cells: [{theme, count,
    rate, ci_low, ci_high}], total: {...}}]}``."""
    from django.db.models import Count

    ids = [m.pk for m in municipalities]
    rows = (queries.counted_police_in(ids, start, end)
            .order_by().values_list("municipality_id", "theme").annotate(n=Count("id")))
    themes = list(THEMES)
    counts = np.zeros((len(ids), len(themes) + 1))
    for muni_id, th, n in rows:
        if th in themes:
            counts[ids.index(muni_id), themes.index(th)] += n
    counts[:, -1] = counts[:, :-1].sum(axis=1)
    pop, pop_years = queries.population_of(municipalities, end.year)
    r, lo, hi = comparison.rates_per_100k(counts, pop)
    out = {"themes": themes, "theme_labels": [theme_label(t) for t in themes], "rows": []}
    for i, m in enumerate(municipalities):
        cells = [{"theme": t, "count": int(counts[i, j]), "rate": _f(r[i, j]), "ci_low": _f(lo[i, j]),
                  "ci_high": _f(hi[i, j])} for j, t in enumerate([*themes, "total"])]
        out["rows"].append({"code": m.code, "name": m.name, "population": int(pop[i]),
                            "population_year": int(pop_years[i]), "cells": cells[:-1], "total": cells[-1]})
    return out


def public_count(n: int) -> str:
    """One count on its own as residents would see it: 1–4 is shown as "1–4", 0 as "0". Tables
    published together (margins, the hierarchy) need ``trygg.picture.public`` instead, which adds
    the secondary suppression that the LP audit requires."""
    return "1–4" if 0 < n < SMALL_COUNT else str(n)
