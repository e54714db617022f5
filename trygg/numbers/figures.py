"""The situation picture's figures: ONE code path for the page, the API, exports, snapshots, the
CLI (``trygg picture``), the work cycle's goal indicators and the annual report.

Public functions (keep their names; other apps call them):

* :func:`compute_picture` – key figures for an area and period: counts per source, theme and
  category, rates per 1,000 inhabitants, change against the comparison period with the
  quasi-Poisson rate-ratio test (dispersion from each row's own history of equal periods) and
  Benjamini–Hochberg FDR control (``trygg.analysis.change``).
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
from trygg.areas import schemes
from trygg.incidents import coverage
from trygg.incidents.bra import ALL_CRIMES
from trygg.incidents.categories import THEMES, category_label, crime_type_label, theme_label, theme_of

from . import queries, wording

SOURCES = ("police", "est")
SOURCE_LABELS = {"police": _("Police events"), "est": _("EST reports"), "bra": _("Reported crimes (Brå)"),
                 "all": _("All sources"), "population": _("Population")}
CURRENCY_SOURCES = ("police", "est", "bra", "population")  # every source a figure can rest on
COMPARES = ("previous", "last-year")
RATE_PER = 1000.0
FDR_Q = 0.05
HISTORY_PAIRS = 24  # past pairs of equal periods: the baseline (and the two-period dispersion) of each row
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
    data_up_to: str | None = None  # the last day the row's source(s) are complete (ISO date)
    incomplete: bool = False  # the period runs past that day: the count is partial and not tested
    synthetic: int = 0  # how many of ``count`` are synthetic demo rows (not real observations)
    expected: float | None = None  # the count ``ratio`` is taken against (``change.flag_changes``)
    test: str = ""  # "baseline" (against the comparison period and the periods before it), "pair" or ""

    @property
    def statement(self):
        """The row's change in words (``wording.describe_row``): "more"/"fewer" only when flagged."""
        return wording.describe_row(self)


@dataclass
class PictureFigures:
    min_events = change.MIN_EVENTS  # rows with fewer events in the two periods are not tested

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
    # how current every source is ("data up to", :func:`source_currency`)
    currency: list[dict] = field(default_factory=list)
    # sources whose data end before the period does: {source: last complete day}
    incomplete: dict[str, str] = field(default_factory=dict)
    # sources with nothing for this area and period (never collected there, or only after ``end``):
    # their counts are "no data", not 0
    no_data: list[str] = field(default_factory=list)
    bra_no_previous: bool = False  # Brå has the latest year but not the year before it

    @property
    def theme_label(self) -> str:
        return theme_label(self.theme) if self.theme else ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def incomplete_labels(self) -> list[tuple[str, str]]:
        """(source label, last complete day) of the sources the period runs past."""
        return [(str(SOURCE_LABELS[s]), day) for s, day in self.incomplete.items()]

    @property
    def stale(self) -> list[dict]:
        """The sources whose data stopped arriving (no data for more than ``coverage.STALE_DAYS``)."""
        return [c for c in self.currency if c["stale"]]

    @property
    def synthetic_count(self) -> int:
        t = self.total("all")
        return t.synthetic if t else 0

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

    @property
    def theme_table(self) -> list[tuple[FigureRow, dict[str, int]]]:
        """Each theme's all-sources row with the sources side by side: ``(row, {source: count})``; a
        source with no data (:attr:`no_data`) counts None, not 0."""
        empty = {s: None if s in self.no_data else 0 for s in SOURCES}
        parts: dict[str, dict[str, int | None]] = {}
        for r in self.rows_of("theme"):
            if r.source in SOURCES:
                parts.setdefault(r.theme, dict(empty))[r.source] = r.count
        return [(r, parts.get(r.theme, empty)) for r in self.theme_rows()]

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


def incident_counts(area, start, end, *, theme=None, category=None, sources=None, synthetic=None) -> int:
    """Number of incidents within ``area`` (any level, sub-areas included) from ``start`` to ``end``
    inclusive, optionally of one theme, one category and/or some sources ("police", "est"), and
    only real (``synthetic=False``) or only synthetic demo rows (``synthetic=True``). The country and
    the municipalities are counted from their subtree sums (``queries.summed``)."""
    return queries.count_in(area, start, end, theme=theme, category=category, sources=sources, synthetic=synthetic)


def source_currency(today: dt.date | None = None) -> list[dict]:
    """How current each source is (``trygg.incidents.coverage.currency``): ``[{source, label,
    up_to, last_day, days_since, stale}]`` for the sources with data – the "data up to" line of
    every page, export, CLI output and report."""
    out = []
    ends = coverage.daily_ends()
    for source in CURRENCY_SOURCES:
        c = coverage.currency(source, today, ends)
        if c.up_to is not None:
            out.append({**c.as_dict(), "label": str(SOURCE_LABELS[source])})
    return out


def cached_picture(area, start: dt.date, end: dt.date, compare: str = "previous",
                   theme: str | None = None) -> PictureFigures:
    """:func:`compute_picture` through the figure cache (``figure_cache``): the picture page,
    ``trygg picture`` and the job that computes them ahead after an import share one result per
    data version."""
    from .figure_cache import area_part, cached

    return cached("picture", lambda: compute_picture(area, start, end, compare, theme), area_part(area),
                  start, end, compare, theme)


def compute_picture(area, start: dt.date, end: dt.date, compare: str = "previous", theme: str | None = None,
                    user=None) -> PictureFigures:
    """Key figures of ``area`` for ``start``–``end`` (inclusive) against the comparison period.

    Rows: per source (police events, EST reports) and category, per source and theme, per theme over
    all sources, totals; plus Brå reported crimes of the latest statistics year ≤ ``end``'s year
    against the year before. Each row has the count, the rate per 1,000 inhabitants (population of
    ``end``'s year or the latest before it), the comparison count and rate, the rate ratio with its
    CI and p-value (``change.flag_changes``: the count against the one expected from the row's
    baseline – the comparison period and the comparison halves of ``HISTORY_PAIRS`` past pairs of
    equal periods, fetched in one query for all rows – or, with too short a history, against the
    comparison period alone with the dispersion of that history; rows with fewer than
    ``change.MIN_EVENTS`` events in the two periods are not tested; exposure = days of each period,
    one year for Brå) and the
    Benjamini–Hochberg adjusted p-value across ALL rows shown together; ``significant``
    and ``direction`` flag only changes that survive the FDR control at q = 0.05.
    A source that was not yet collected when the comparison period started
    (``trygg.incidents.coverage``) gets no ratio, test or flag (``comparable=False``), nor do the
    all-source rows it contributes to; such rows stay out of the FDR family. The same holds for a
    source whose data end before ``end`` (``coverage.coverage_end``): its rows are marked
    ``incomplete`` and never tested. Every row says up to which day its source is complete
    (``data_up_to``) and how many of its incidents are synthetic demo rows (``synthetic``).
    ``user`` is accepted for symmetry with the page; the figures are aggregates any viewer may see.
    """
    cmp = comparison_period(start, end, compare)
    late = {}
    for source in SOURCES:
        begin = coverage.coverage_start(source)
        if begin is not None and cmp.start < begin:
            late[source] = begin.isoformat()
    currency = source_currency()
    up_to = {c["source"]: c["up_to"] for c in currency}
    incomplete = {s: up_to[s] for s in SOURCES if up_to.get(s) and end.isoformat() > up_to[s]}
    daily_up_to = min((up_to[s] for s in SOURCES if up_to.get(s)), default=None)
    cur = queries.counts_by_source_category(area, start, end, theme=theme)
    syn = queries.synthetic_by_source_category(area, start, end, theme=theme)
    ref = queries.counts_by_source_category(area, cmp.start, cmp.end, theme=theme)
    pairs = periods.history_pairs(periods.Period(start, end), cmp, HISTORY_PAIRS)
    hist = queries.counts_by_source_category_periods(area, [p for pair in pairs for p in pair], theme=theme)
    # a history pair reaching before a source was collected (or before its first event) says nothing
    firsts = queries.first_dates_by_source()
    begins = {s: max(filter(None, (coverage.coverage_start(s), firsts.get(s))), default=None) for s in SOURCES}
    pop_arr, year_arr = queries.population_of([area], end.year)
    population = int(pop_arr[0]) or None
    population_year = int(year_arr[0]) or None
    t1, t0 = float((end - start).days + 1), float(cmp.days)
    period_label = f"{start.isoformat()}–{end.isoformat()}"

    specs = []  # (kind, source, theme, category, label, c1, c0, t1, t0, period, synthetic count)
    histories = []  # per spec: (h1, h0) over the history pairs
    k = len(pairs)
    zero = np.zeros(2 * k, dtype=np.int64)

    def history_of(source, members):
        h = sum((hist.get(m, zero) for m in members), zero).astype(float)
        h1, h0 = h[0::2].copy(), h[1::2].copy()
        srcs = SOURCES if source == "all" else (source,)
        for j, (_p1, p0) in enumerate(pairs):
            if any(begins.get(x) is not None and p0.start < begins[x] for x in srcs):
                h1[j] = h0[j] = np.nan
        return h1, h0

    keys = sorted(set(cur) | set(ref), key=lambda k: (SOURCES.index(k[0]) if k[0] in SOURCES else 9, k[1]))
    all_keys = set(cur) | set(ref) | set(hist)
    theme_sums: dict[tuple[str, str], list] = {}
    for source, category in keys:
        c1, c0 = cur.get((source, category), 0), ref.get((source, category), 0)
        n_syn = syn.get((source, category), 0)
        th = theme_of(category)
        specs.append(("category", source, th, category, category_label(category), c1, c0, t1, t0, period_label,
                      n_syn))
        histories.append(history_of(source, [(source, category)]))
        for key in ((source, th), ("all", th)):
            s = theme_sums.setdefault(key, [0, 0, 0])
            s[0] += c1
            s[1] += c0
            s[2] += n_syn
    for th in THEMES:
        for source in (*SOURCES, "all"):
            if (source, th) in theme_sums:
                c1, c0, n_syn = theme_sums[(source, th)]
                specs.append(("theme", source, th, "", theme_label(th), c1, c0, t1, t0, period_label, n_syn))
                histories.append(history_of(source, [key for key in all_keys
                                                     if source in ("all", key[0]) and theme_of(key[1]) == th]))
    for source in (*SOURCES, "all"):
        c1 = sum(v for (s, _c), v in cur.items() if source in ("all", s))
        c0 = sum(v for (s, _c), v in ref.items() if source in ("all", s))
        n_syn = sum(v for (s, _c), v in syn.items() if source in ("all", s))
        specs.append(("total", source, theme or "", "", str(SOURCE_LABELS[source]), c1, c0, t1, t0, period_label,
                      n_syn))
        histories.append(history_of(source, [key for key in all_keys if source in ("all", key[0])]))

    bra_year = queries.latest_crime_statistic_year(area, end.year)
    before: dict = {}
    if bra_year:
        # this year, the year before and the year pairs before those (the history of equal periods)
        by_year = queries.crime_statistics_years(area, range(bra_year - HISTORY_PAIRS - 1, bra_year + 1), theme=theme)
        now, before = by_year.get(bra_year, {}), by_year.get(bra_year - 1, {})
        themes_of_type = queries.crime_statistic_themes(area, bra_year)

        def bra_total(counts):  # Brå's "all crimes" where it is there: the other types are parts of it
            return counts[ALL_CRIMES] if ALL_CRIMES in counts else sum(counts.values())

        def bra_history(pick):
            ys = [bra_year - j for j in range(1, HISTORY_PAIRS + 1)]
            h1 = [pick(by_year[y]) if y in by_year and y - 1 in by_year else np.nan for y in ys]
            h0 = [pick(by_year[y - 1]) if y in by_year and y - 1 in by_year else np.nan for y in ys]
            return np.array(h1, float), np.array(h0, float)

        for crime_type in sorted(set(now) | set(before), key=lambda c: (c != ALL_CRIMES, c)):
            specs.append(("category", "bra", themes_of_type.get(crime_type, ""), crime_type,
                          crime_type_label(crime_type), now.get(crime_type, 0), before.get(crime_type, 0),
                          1.0, 1.0, str(bra_year), 0))
            histories.append(bra_history(lambda counts, ct=crime_type: counts.get(ct, 0)))
        specs.append(("total", "bra", theme or "", "", str(SOURCE_LABELS["bra"]), bra_total(now),
                      bra_total(before), 1.0, 1.0, str(bra_year), 0))
        histories.append(bra_history(bra_total))

    rows = []
    if specs:
        c1 = np.array([s[5] for s in specs], dtype=float)
        c0 = np.array([s[6] for s in specs], dtype=float)
        tt1 = np.array([s[7] for s in specs])
        tt0 = np.array([s[8] for s in specs])
        cut = np.array([(s[1] in incomplete) or (s[1] == "all" and bool(incomplete)) for s in specs])
        ok = np.array([(s[1] not in late) and not (s[1] == "all" and late) for s in specs]) & ~cut
        h1 = np.array([h[0] for h in histories], dtype=float).reshape(len(specs), -1)
        h0 = np.array([h[1] for h in histories], dtype=float).reshape(len(specs), -1)
        flags = _flags_where(ok, c1, c0, tt1, tt0, h1, h0)
        r1 = rates.rate(c1, population or 0, per=RATE_PER)
        r0 = rates.rate(c0, population or 0, per=RATE_PER)
        for i, s in enumerate(specs):
            rows.append(FigureRow(
                kind=s[0], source=s[1], theme=s[2], category=s[3], label=str(s[4]), count=int(c1[i]),
                rate=_f(r1[i]), comparison_count=int(c0[i]), comparison_rate=_f(r0[i]),
                ratio=_f(flags.ratio[i]), ci_low=_f(flags.ci_low[i]), ci_high=_f(flags.ci_high[i]),
                p_value=_f(flags.p_value[i]), p_adj=_f(flags.p_adj[i]), significant=bool(flags.significant[i]),
                direction=str(flags.direction[i]), period=s[9], comparable=bool(ok[i]),
                data_up_to=(f"{s[9]}-12-31" if s[1] == "bra" else daily_up_to if s[1] == "all" else up_to.get(s[1])),
                incomplete=bool(cut[i]), synthetic=int(s[10]), expected=_f(flags.expected[i]),
                test=str(flags.test[i]),
            ))
    return PictureFigures(
        area_code=area.code, area_name=area.name, area_level=area.level, start=start, end=end, compare=compare,
        comparison_start=cmp.start, comparison_end=cmp.end, theme=theme or None, population=population,
        population_year=population_year, bra_year=bra_year, rows=rows, sources=queries.data_sources(),
        not_comparable=late, currency=currency, incomplete=incomplete,
        no_data=_sources_without_data(area, end, begins),
        bra_no_previous=bool(bra_year) and not before,
    )


def _sources_without_data(area, end: dt.date, begins: dict) -> list[str]:
    """The sources with nothing for ``area`` up to ``end``: never collected there, or collected only
    from after ``end``; "all" too when every source is so."""
    out = [s for s in SOURCES if (begins.get(s) is not None and end < begins[s])
           or not queries.has_data(area, s)]
    return out + ["all"] if len(out) == len(SOURCES) else out


def _flags_where(ok: np.ndarray, c1, c0, t1, t0, h1=None, h0=None):
    """``change.flag_changes`` over the comparable rows only (one FDR family), with each row's
    history ``h1, h0`` (rows × pairs); the other rows get no ratio, CI, p-value or flag."""
    n = len(ok)
    out = SimpleNamespace(ratio=np.full(n, np.nan), ci_low=np.full(n, np.nan), ci_high=np.full(n, np.nan),
                          p_value=np.full(n, np.nan), p_adj=np.full(n, np.nan),
                          significant=np.zeros(n, dtype=bool), direction=np.full(n, "", dtype=object),
                          expected=np.full(n, np.nan), test=np.full(n, "", dtype=object))
    if ok.any():
        f = change.flag_changes(c1[ok], c0[ok], t1[ok], t0[ok], q=FDR_Q,
                                h1=None if h1 is None else h1[ok], h0=None if h0 is None else h0[ok])
        for name in ("ratio", "ci_low", "ci_high", "p_value", "p_adj", "significant", "direction", "expected",
                     "test"):
            getattr(out, name)[ok] = getattr(f, name)
    return out


def time_series(area, start: dt.date, end: dt.date, bucket: str = "week", theme=None, sources=None) -> dict:
    """Counts per ISO week or calendar month from ``start`` to ``end``, every bucket present (zeros
    included), per source. A bucket whose calendar week or month ends after the day up to which its
    source is complete (``coverage.coverage_end``) is ``None`` – a gap, not a fall to zero (nor a
    partial last month that looks like a fall); so is a bucket that ends before the source's first
    complete day (``coverage.coverage_start``). Returns ``{"bucket",
    "labels": [...], "series": {source: [counts]}, "up_to": {source: ISO date}}``.
    Bucketing with ``trygg.analysis.periods.bucket_index``."""
    if bucket not in ("week", "month"):
        raise ValueError("bucket must be 'week' or 'month'")
    all_days = np.arange(np.datetime64(start), np.datetime64(end) + 1)
    keys_all, labels = periods.bucket_index(all_days, bucket)
    uniq = np.unique(keys_all)
    # the calendar end of each bucket (the end of its ISO week or month, even past ``end``)
    firsts = all_days[np.r_[0, np.flatnonzero(np.diff(keys_all)) + 1]] if all_days.size else all_days
    if bucket == "month":
        bucket_last_day = (firsts.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    else:
        weekday = (firsts.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-05 was a Monday
        bucket_last_day = firsts + (6 - weekday)
    dates, srcs, per_day = queries.daily_counts(area, start, end, theme=theme, sources=sources)
    series, up_to = {}, {}
    for source in (sources or SOURCES):
        mine = srcs == source
        counts = np.zeros(uniq.size, dtype=np.int64)
        if mine.any():
            keys, _ = periods.bucket_index(dates[mine], bucket)
            counts = np.bincount(np.searchsorted(uniq, keys), weights=per_day[mine],
                                 minlength=uniq.size).astype(np.int64)
        values: list = counts.tolist()
        last, begin = coverage.coverage_end(source), coverage.coverage_start(source)
        if last is not None:
            up_to[source] = last.isoformat()
            values = [None if day > np.datetime64(last) else v for v, day in zip(values, bucket_last_day, strict=True)]
        if begin is not None:  # before the source was collected: a gap too, not zeros
            values = [None if day < np.datetime64(begin) else v for v, day in zip(values, bucket_last_day, strict=True)]
        series[source] = values
    return {"bucket": bucket, "labels": [str(x) for x in labels], "series": series, "up_to": up_to}


def _rate_rows(areas, counts, year, per=RATE_PER, population=None):
    pop, pop_years = population if population is not None else queries.population_of(areas, year)
    r = rates.rate(counts, pop, per=per)
    lo, hi = rates.rate_ci(counts, pop, per=per)
    return pop, pop_years, r, lo, hi


def comparable_siblings(area, parent) -> list:
    """The areas ``area`` is ranked among. Below the municipality: every child of the parent. A
    municipality: the municipalities of its own county (the first two digits of the SCB code) plus the
    metropolitan peers of its configuration (``trygg.areas.schemes``) – ranking all 290 belongs to the
    metropolitan comparison page."""
    children = parent.children.defer("geometry")  # the GeoJSON is large and not needed for a ranking
    if area.level != "municipality":
        return list(children.order_by("code"))
    from django.db.models import Q

    near = Q(code__startswith=area.code[:2]) | Q(code__in=schemes.metro_group(area.code)) | Q(pk=area.pk)
    return list(children.filter(near).order_by("code"))


RANKED_SOURCES = ("police", "est", "bra")
COLLECTION_SLACK_DAYS = 31  # an area still collects a source when its latest report is this close to the end


def sibling_comparison(area, start: dt.date, end: dt.date, theme=None, sources=None) -> dict:
    """Rates per 1,000 inhabitants (exact Garwood CIs) of ``area`` and its siblings (same parent),
    ranked highest first with rank intervals (Goldstein & Spiegelhalter), plus reference rows for the
    parent and the municipality – ONE RANKING PER SOURCE, never on a sum of sources whose coverage
    differs between the areas:

    * police events: every sibling (a nationwide source), over the period cut at the day the feed
      is complete up to (``coverage.coverage_end``);
    * EST reports: only the siblings that collect EST over the whole period (their first report on
      or before ``start``, their latest within ``COLLECTION_SLACK_DAYS`` of the end); the others are
      listed in ``excluded``;
    * Brå reported crimes: one ranking per crime type, on the latest statistics year ≤ ``end``'s
      year, among the siblings with Brå figures for that year (population of that year).

    Synthetic demo rows are never mixed with real ones: a source ranks its real rows when any
    sibling has real ones (areas with synthetic rows only are excluded), otherwise its synthetic rows,
    and the table says so (``synthetic``). Municipalities are compared on police events only (the one
    nationwide source) unless ``sources`` says otherwise, and only with the municipalities of their
    county and the metropolitan three (:func:`comparable_siblings`).

    Returns ``{"tables": [{source, crime_type, label, start, end, year, synthetic, incomplete,
    rows: [{code, name, count, population, rate, ci_low, ci_high, rank, rank_best, rank_worst,
    is_self}], references: [...same keys...], excluded: [names]}], "sources": [...], and, for the
    first table (police events where ranked), "rows", "references" and "source"}``."""
    if sources is None:
        sources = ["police"] if area.level in ("municipality", "country") else list(RANKED_SOURCES)
    parent = area.parent
    out = {"tables": [], "rows": [], "references": [], "sources": list(sources), "source": None}
    if parent is None:
        return out
    siblings = comparable_siblings(area, parent)
    refs = [parent]
    city = queries.municipality_of(area)
    if city is not None and city.pk not in (parent.pk, area.pk):
        refs.append(city)
    for source in sources:
        if source == "bra":
            out["tables"].extend(_bra_rankings(area, parent, siblings, refs, end, theme))
        elif source in SOURCES:
            table = _incident_ranking(area, parent, siblings, refs, start, end, theme, source)
            if table is not None:
                out["tables"].append(table)
        else:
            raise ValueError(f"unknown source {source!r}; rank one of {', '.join(RANKED_SOURCES)}")
    if out["tables"]:
        first = out["tables"][0]
        out.update(rows=first["rows"], references=first["references"], source=first["source"])
    return out


def _ranked_rows(area, members, counts, year, population=None) -> list[dict]:
    pop, _years, r, lo, hi = _rate_rows(members, counts, year, population=population)
    rank, best, worst = comparison.rank_with_ci(r, lo, hi)
    rows = [{"code": s.code, "name": s.name, "count": int(counts[i]), "population": int(pop[i]),
             "rate": _f(r[i]), "ci_low": _f(lo[i]), "ci_high": _f(hi[i]), "rank": int(rank[i]),
             "rank_best": int(best[i]), "rank_worst": int(worst[i]), "is_self": s.pk == area.pk}
            for i, s in enumerate(members)]
    return sorted(rows, key=lambda row: row["rank"])


def _reference_rows(refs, counts, year, population=None) -> list[dict]:
    pop, _years, r, lo, hi = _rate_rows(refs, np.asarray(counts, dtype=float), year, population=population)
    return [{"code": a.code, "name": a.name, "count": int(counts[i]), "population": int(pop[i]),
             "rate": _f(r[i]), "ci_low": _f(lo[i]), "ci_high": _f(hi[i])} for i, a in enumerate(refs)]


def _incident_ranking(area, parent, siblings, refs, start, end, theme, source) -> dict | None:
    """One source's ranking of the siblings (see :func:`sibling_comparison`)."""
    up_to = coverage.coverage_end(source)
    if up_to is None:
        return None  # no data of this source anywhere
    cut = min(end, up_to)
    table = {"source": source, "crime_type": "", "label": str(SOURCE_LABELS[source]), "start": start.isoformat(),
             "end": cut.isoformat(), "year": None, "synthetic": False, "incomplete": cut < end, "detail": False,
             "rows": [], "references": [], "excluded": []}
    if cut < start:
        return table
    real, syn = queries.counts_by_child_split(parent, siblings, start, cut, theme=theme, source=source)
    use_synthetic = not real.any() and syn.any()
    counts = syn if use_synthetic else real
    table["synthetic"] = bool(use_synthetic)
    keep = np.ones(len(siblings), dtype=bool)
    if source != "police":  # a nationwide feed covers every area; other sources only where collected
        first, last = queries.collection_span_by_child(parent, siblings, source=source, synthetic=bool(use_synthetic))
        slack = cut - dt.timedelta(days=COLLECTION_SLACK_DAYS)
        keep = np.array([f is not None and f <= start and lst >= slack for f, lst in zip(first, last, strict=True)],
                        dtype=bool)
    if not use_synthetic and syn.any():
        keep &= ~((real == 0) & (syn > 0))  # synthetic-only areas are not ranked against real data
    members = [s for s, k in zip(siblings, keep, strict=True) if k]
    table["excluded"] = [s.name for s, k in zip(siblings, keep, strict=True) if not k]
    if len(members) < 2 or not any(s.pk == area.pk for s in members):
        table["rows"] = []
        return table
    table["rows"] = _ranked_rows(area, members, counts[keep], cut.year)
    ref_counts = [incident_counts(a, start, cut, theme=theme, sources=[source], synthetic=bool(use_synthetic))
                  for a in refs]
    table["references"] = _reference_rows(refs, ref_counts, cut.year)
    return table


def _bra_rankings(area, parent, siblings, refs, end, theme) -> list[dict]:
    """One ranking per Brå crime type (see :func:`sibling_comparison`)."""
    year = queries.latest_crime_statistic_year_below(parent, end.year)
    if year is None:
        return []
    by_type = queries.crime_statistics_by_child(parent, siblings, year, theme=theme)
    ref_stats = [queries.crime_statistics(a, year, theme=theme) for a in refs] if by_type else []
    # one population query for the siblings and one for the references, for every crime type
    sib_pop, sib_years = queries.population_of(siblings, year) if by_type else (None, None)
    ref_pop = queries.population_of(refs, year) if by_type else None
    out = []
    for crime_type in sorted(by_type, key=lambda c: (c != ALL_CRIMES, c)):
        counts = by_type[crime_type]
        keep = counts >= 0
        members = [s for s, k in zip(siblings, keep, strict=True) if k]
        if len(members) < 2 or not any(s.pk == area.pk for s in members):
            continue
        ref_counts = [stats.get(crime_type, 0) for stats in ref_stats]
        out.append({"source": "bra", "crime_type": crime_type, "label": f"{SOURCE_LABELS['bra']}: "
                    f"{crime_type_label(crime_type)}", "start": f"{year}-01-01", "end": f"{year}-12-31",
                    "year": year, "synthetic": False, "incomplete": False, "detail": crime_type != ALL_CRIMES,
                    "rows": _ranked_rows(area, members, counts[keep], year, (sib_pop[keep], sib_years[keep])),
                    "references": _reference_rows(refs, ref_counts, year, ref_pop),
                    "excluded": [s.name for s, k in zip(siblings, keep, strict=True) if not k]})
    return out


def metro_comparison(municipalities, start: dt.date, end: dt.date) -> dict:
    """Police events per 100,000 inhabitants by theme for ``municipalities`` (Area objects), with
    exact CIs (``trygg.analysis.comparison.rates_per_100k``). Every municipality is divided by the
    population of the same year: the latest year ≤ ``end``'s year that all of them have
    (``queries.common_population_year``; ``population_year`` in the result). Returns ``{"themes":
    [slug…], "theme_labels": [...], "population_year", "rows": [{code, name, population,
    population_year, cells: [{theme, count, rate, ci_low, ci_high}], total: {...}}]}``."""
    paths = [m.path for m in municipalities]
    rows = queries.counted_police_by_municipality(municipalities, start, end)
    themes = list(THEMES)
    counts = np.zeros((len(paths), len(themes) + 1))
    for path, th, n in rows:
        if th in themes:
            counts[paths.index(path), themes.index(th)] += n
    counts[:, -1] = counts[:, :-1].sum(axis=1)
    # one population year for every municipality compared: the latest one they all have
    common = queries.common_population_year(municipalities, end.year)
    pop, pop_years = queries.population_of(municipalities, common if common is not None else end.year)
    r, lo, hi = comparison.rates_per_100k(counts, pop)
    out = {"themes": themes, "theme_labels": [theme_label(t) for t in themes], "population_year": common, "rows": []}
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
