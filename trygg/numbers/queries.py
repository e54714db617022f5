"""Database aggregation for the situation picture: every query counts in the database and hands
back small numpy arrays or dicts keyed by code; nothing here loops over incidents in Python."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import connections
from django.db.models import Count, DateField, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce

from trygg.areas.models import Area, Population
from trygg.areas.subtree import subtree_q, within_area
from trygg.incidents import coverage
from trygg.incidents.categories import NOT_COUNTED
from trygg.incidents.models import (
    CrimeStatistic,
    DailyCount,
    ImportRun,
    Incident,
    Source,
    SubtreeDailyCount,
    Unindexed,
    dated_by_area,
)


def counted(start: dt.date | None = None, end: dt.date | None = None):
    """THE place every count starts: incidents that count as one event each (police summaries and
    update notices left out, ``Incident.objects.counted()``), optionally from ``start`` to ``end``
    inclusive. The picture, comparisons, API, CLI, exports, the annual report and the work
    follow-up all reach the database through this function."""
    qs = Incident.objects.counted()
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs


def incidents_in(area, start: dt.date, end: dt.date, *, theme=None, category=None, sources=None, synthetic=None,
                 date_first: bool | None = None):
    """Incidents that count (:func:`counted`), within ``area`` (any level) between ``start`` and
    ``end`` (inclusive); ``synthetic`` True/False keeps only synthetic demo rows / only real rows;
    ``date_first``: see ``IncidentQuerySet.within``."""
    return _narrowed(counted().within(area, start, end, date_first=date_first), theme=theme, category=category,
                     sources=sources, synthetic=synthetic)


def count_in(area, start: dt.date, end: dt.date, *, theme=None, category=None, sources=None, synthetic=None) -> int:
    """How many incidents :func:`incidents_in` holds, read from the subtree sums where the area has
    them (:func:`summed`): the same number, from a few rows a day instead of every incident."""
    if summed(area):
        cells = subtree_cells([area.path], start, end, theme=theme, category=category, sources=sources,
                              synthetic=synthetic)
        return cells.aggregate(n=_total())["n"]
    return incidents_in(area, start, end, theme=theme, category=category, sources=sources,
                        synthetic=synthetic).count()


def _narrowed(qs, *, theme=None, category=None, sources=None, synthetic=None):
    """``qs`` (incidents or cells) of one theme, category, the given sources, synthetic or real rows."""
    if synthetic is not None:
        qs = qs.filter(synthetic=bool(synthetic))
    if theme:
        qs = qs.filter(theme=theme)
    if category:
        qs = qs.filter(category=category)
    if sources:
        qs = qs.filter(source__in=list(sources))
    return qs


def summed(area) -> bool:
    """Whether ``area``'s counts are read from the sums over its subtree (the country, a
    municipality, an area directly below one such as a district:
    :class:`~trygg.incidents.models.SubtreeDailyCount`, kept in step with the incidents by every
    write) rather than from the incident rows: the same numbers
    (``trygg/numbers/tests/test_subtree_counts.py``), from a few rows a day."""
    return SubtreeDailyCount.is_root(area.path)


def subtree_cells(paths, start: dt.date | None = None, end: dt.date | None = None, *, theme=None, category=None,
                  sources=None, synthetic=None):
    """The subtree sums of the areas with ``paths`` (see :func:`summed`), of the incidents that
    count (as :func:`counted`), optionally from ``start`` to ``end`` inclusive; a count is ``SUM(n)``."""
    qs = SubtreeDailyCount.objects.exclude(category__in=sorted(NOT_COUNTED)).filter(area_path__in=list(paths))
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    return _narrowed(qs, theme=theme, category=category, sources=sources, synthetic=synthetic)


def area_cells(area, start: dt.date, end: dt.date, *, theme=None, sources=None):
    """The fine daily cells (:class:`~trygg.incidents.models.DailyCount`) at or below ``area``, of
    the incidents that count, from ``start`` to ``end`` inclusive; a count is ``SUM(n)``. Read by
    the area-first index's range (on SQLite the day terms are written so that the day index cannot
    serve them, as :meth:`IncidentQuerySet.within` does for the incidents)."""
    qs = within_area(DailyCount.objects.exclude(category__in=sorted(NOT_COUNTED)), area, "area_path")
    return _narrowed(dated_by_area(qs, "day", start, end), theme=theme, sources=sources)


def _total(q=None):
    """``SUM(n)`` of the cells (0, not NULL, when none), optionally of those matching ``q``."""
    return Coalesce(Sum("n", filter=q), 0)


@dataclass(frozen=True)
class CountSpec:
    """One :func:`incidents_in` count: area, inclusive dates, optional theme, category, sources."""

    area: object
    start: dt.date
    end: dt.date
    theme: str | None = None
    category: str | None = None
    sources: tuple[str, ...] | None = None


# Filtered COUNTs per statement: far below SQLite's and PostgreSQL's limits on result columns.
COUNTS_PER_QUERY = 400


def count_many(specs) -> list[int]:
    """The counts of many :class:`CountSpec` at once, in the order given: one query with a filtered
    COUNT per spec (per :data:`COUNTS_PER_QUERY` specs), whatever the number of areas and periods.
    The same rows as :func:`incidents_in` count."""
    specs = list(specs)
    out: list[int] = []
    for i in range(0, len(specs), COUNTS_PER_QUERY):
        chunk = specs[i:i + COUNTS_PER_QUERY]
        lo, hi = min(s.start for s in chunk), max(s.end for s in chunk)
        paths = sorted({s.area.path for s in chunk})
        if all(summed(s.area) for s in chunk):  # municipalities, the country: their subtree sums
            conds = [Q(area_path=s.area.path, day__gte=s.start, day__lte=s.end) & _spec_q(s) for s in chunk]
            row = subtree_cells(paths, lo, hi).aggregate(**{f"c{j}": _total(q) for j, q in enumerate(conds)})
            out.extend(row[f"c{j}"] for j in range(len(chunk)))
            continue
        if len(paths) == 1:  # one area (or the country) as :func:`incidents_in` reads it
            qs, where = counted().within(chunk[0].area, lo, hi), Q()
        else:  # only the areas' index ranges are read
            qs, where = counted().dated(lo, hi), Q()
            for path in paths:
                where |= subtree_q(path, "area_path", qs.db)
        conds = [qs.within_q(s.area) & Q(date__gte=s.start, date__lte=s.end) & _spec_q(s) for s in chunk]
        row = qs.filter(where).aggregate(**{f"c{j}": Count("id", filter=q) for j, q in enumerate(conds)})
        out.extend(row[f"c{j}"] for j in range(len(chunk)))
    return out


def _spec_q(s: CountSpec) -> Q:
    """A spec's theme, category and sources as a condition (incidents and cells alike)."""
    q = Q()
    if s.theme:
        q &= Q(theme=s.theme)
    if s.category:
        q &= Q(category=s.category)
    if s.sources:
        q &= Q(source__in=list(s.sources))
    return q


def sources_within_many(areas) -> dict[int, set[str]]:
    """``{area pk: the incident sources with any data in it}`` (:func:`sources_within`) for many
    areas in one query."""
    from trygg.incidents.models import Source

    areas = list({a.pk: a for a in areas}.values())
    if not areas:
        return {}
    qs = counted()
    where = Q()
    for a in areas:
        where |= qs.within_q(a)  # only the areas' index ranges are read, not the whole table
    ann = {f"a{a.pk}_{s}": Count("id", filter=qs.within_q(a) & Q(source=s)) for a in areas for s in Source.values}
    row = qs.filter(where).aggregate(**ann)
    return {a.pk: {s for s in Source.values if row[f"a{a.pk}_{s}"]} for a in areas}


def counted_police_by_municipality(municipalities, start: dt.date, end: dt.date) -> list[tuple[str, str, int]]:
    """``(municipality path, theme, count)`` of the police events that count in each of
    ``municipalities`` (for comparisons between municipalities), from their subtree sums."""
    return list(subtree_cells([m.path for m in municipalities], start, end, sources=["police"]).order_by()
                .values_list("area_path", "theme").annotate(total=Sum("n")))


def counts_by_source_category(area, start, end, *, theme=None, sources=None) -> dict[tuple[str, str], int]:
    """``{(source, category): count}`` in one GROUP BY."""
    if summed(area):
        rows = (subtree_cells([area.path], start, end, theme=theme, sources=sources).order_by()
                .values_list("source", "category").annotate(total=Sum("n")))
        return {(s, c): n for s, c, n in rows}
    rows = (incidents_in(area, start, end, theme=theme, sources=sources)
            .order_by().values_list("source", "category").annotate(n=Count("id")))
    return {(s, c): n for s, c, n in rows}


def synthetic_by_source_category(area, start, end, *, theme=None) -> dict[tuple[str, str], int]:
    """``{(source, category): count}`` of the synthetic demo rows only (one GROUP BY; empty on real data)."""
    if summed(area):
        rows = (subtree_cells([area.path], start, end, theme=theme, synthetic=True).order_by()
                .values_list("source", "category").annotate(total=Sum("n")))
        return {(s, c): n for s, c, n in rows}
    rows = (incidents_in(area, start, end, theme=theme, synthetic=True)
            .order_by().values_list("source", "category").annotate(n=Count("id")))
    return {(s, c): n for s, c, n in rows}


def child_index(parent, children, paths) -> np.ndarray:
    """For each ``area_path`` in ``paths``: the index of the child of ``parent`` it lies in (-1: none)."""
    index = {c.path: i for i, c in enumerate(children)}
    depth = parent.path.count("/")  # "/SE/1234/" has 3 → a child path has one more segment
    out = np.full(len(paths), -1, dtype=np.int64)
    for k, path in enumerate(paths):
        parts = path.split("/")
        if len(parts) > depth + 1:
            out[k] = index.get("/".join(parts[: depth + 1]) + "/", -1)
    return out


def counts_by_child_split(parent, children, start, end, *, theme=None, source: str) -> tuple[np.ndarray, np.ndarray]:
    """``(real, synthetic)`` counts of one source per child of ``parent`` in one GROUP BY."""
    if children and all(summed(c) for c in children):  # the country's municipalities: their sums
        rows = (subtree_cells([c.path for c in children], start, end, theme=theme, sources=[source]).order_by()
                .values_list("area_path").annotate(total=Sum("n"), syn=_total(Q(synthetic=True))))
        by_path = {path: (n, syn) for path, n, syn in rows}
        both = np.array([by_path.get(c.path, (0, 0)) for c in children], dtype=np.int64).reshape(-1, 2)
        return both[:, 0] - both[:, 1], both[:, 1]
    rows = list(incidents_in(parent, start, end, theme=theme, sources=[source]).order_by().values_list("area_path")
                .annotate(n=Count("id"), syn=Count("id", filter=Q(synthetic=True))))
    real = np.zeros(len(children), dtype=np.int64)
    syn = np.zeros(len(children), dtype=np.int64)
    if rows:
        idx = child_index(parent, children, [r[0] for r in rows])
        ok = idx >= 0
        n = np.array([r[1] for r in rows], dtype=np.int64)
        sy = np.array([r[2] for r in rows], dtype=np.int64)
        np.add.at(real, idx[ok], (n - sy)[ok])
        np.add.at(syn, idx[ok], sy[ok])
    return real, syn


def collection_span_by_child(parent, children, *, source: str, synthetic: bool) -> tuple[list, list]:
    """``(first day, last day)`` per child with any incident of ``source`` (real or synthetic rows),
    over all time (None where the child has none): from when to when an area collected the source."""
    if children and all(summed(c) for c in children):  # districts, municipalities: their sums
        rows = list(subtree_cells([c.path for c in children], sources=[source], synthetic=synthetic).order_by()
                    .values_list("area_path").annotate(first=Min("day"), last=Max("day")))
    else:
        rows = list(counted().within(parent).filter(source=source, synthetic=synthetic).order_by()
                    .values_list("area_path").annotate(first=Min("date"), last=Max("date")))
    first: list = [None] * len(children)
    last: list = [None] * len(children)
    idx = child_index(parent, children, [r[0] for r in rows]) if rows else []
    for i, (_path, f, lst) in zip(idx, rows, strict=True):
        if i >= 0:
            first[i] = f if first[i] is None else min(first[i], f)
            last[i] = lst if last[i] is None else max(last[i], lst)
    return first, last


def has_data(area, source: str) -> bool:
    """Whether ``area`` has any incident of ``source`` that counts, at any time (the subtree sums
    where the area has them: :func:`summed`)."""
    if summed(area):
        # in the area-first index's order: the planner walks that index and stops at the first row
        # (a bare EXISTS let PostgreSQL scan the whole table, which for a source the area lacks
        # reads every row)
        first = subtree_cells([area.path], sources=[source]).order_by("area_path", "day").values_list("day", flat=True)
        return bool(first[:1])
    return counted().within(area).filter(source=source).exists()


def sources_within(area) -> set[str]:
    """The incident sources with any data in ``area``: one lookup per source (:func:`has_data`),
    which stops at the first row of a source the area has (a DISTINCT read every row of the area's
    history; for a source the area lacks the lookup still reads the area's index range)."""
    return {source for source in Source.values if has_data(area, source)}


def counts_by_source_category_periods(area, periods, *, theme=None, sources=None) -> dict[tuple[str, str], np.ndarray]:
    """``{(source, category): counts}`` with one count per period of ``periods`` (any number, they
    may overlap), in ONE query: from the subtree sums where the area has them (:func:`_sums_per_period`),
    else one GROUP BY over the incident rows with a filtered COUNT per period. The history of equal
    periods the change test estimates each cell's dispersion from (``trygg.analysis.periods.history_pairs``)."""
    periods = list(periods)
    if not periods:
        return {}
    lo, hi = min(p.start for p in periods), max(p.end for p in periods)
    if summed(area):
        return _sums_per_period(area, periods, theme=theme, sources=sources)
    ann = {f"p{i}": Count("id", filter=Q(date__gte=p.start, date__lte=p.end)) for i, p in enumerate(periods)}
    rows = (incidents_in(area, lo, hi, theme=theme, sources=sources)
            .order_by().values_list("source", "category").annotate(**ann))
    return {(r[0], r[1]): np.array(r[2:], dtype=np.int64) for r in rows}


def _sums_per_period(area, periods, *, theme=None, sources=None) -> dict[tuple[str, str], np.ndarray]:
    """:func:`counts_by_source_category_periods` from the subtree sums, each day read once: the
    periods are cut into the pieces between their first and last days (a history of equal periods
    overlaps itself: the pairs a year apart share most of their days, and with the previous period
    each comparison period is the next pair's current one), each piece is one SELECT … GROUP BY,
    joined by UNION ALL into one statement, so each reads only its own days of the area-first index
    (a filtered SUM per period over all the days cost SQLite one test per row and period), and a
    period's count is the sum of its pieces. The statement of one piece is compiled once and repeated
    with each piece's parameters (:func:`_one_period_sql`): the ORM compiling alike querysets cost
    more than the database answering them."""
    periods = list(periods)
    pieces, inside = _pieces(periods)
    if not pieces:
        return {}
    sql, params_of, db = _one_period_sql(area, theme=theme, sources=sources)
    params = [x for i, (first, last) in enumerate(pieces) for x in params_of(first, last, i)]
    with connections[db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join([sql] * len(pieces)), params)
        rows = cursor.fetchall()
    by_piece: dict[tuple[str, str], np.ndarray] = {}
    for source, category, n, piece in rows:
        by_piece.setdefault((source, category), np.zeros(len(pieces), dtype=np.int64))[piece] = n
    return {key: counts @ inside for key, counts in by_piece.items()}


def _pieces(periods) -> tuple[list[tuple[dt.date, dt.date]], np.ndarray]:
    """``(pieces, inside)``: the day ranges ``(first, last)`` between consecutive first days and
    days after the last days of ``periods`` that lie in at least one period, and the 0/1 matrix
    (pieces × periods) of which piece lies in which period (a piece lies wholly in a period or
    wholly outside it)."""
    one = dt.timedelta(days=1)
    edges = sorted({p.start for p in periods} | {p.end + one for p in periods})
    pieces, rows = [], []
    for first, after in zip(edges, edges[1:], strict=False):
        row = [p.start <= first and after - one <= p.end for p in periods]
        if any(row):
            pieces.append((first, after - one))
            rows.append(row)
    return pieces, np.array(rows, dtype=np.int64).reshape(len(pieces), len(periods))


# stand-ins for one period's first and last day and its index, found again in the compiled
# parameters (never real values: no incident is dated in year 1, no period index is negative)
_FIRST, _LAST, _INDEX = dt.date(1, 1, 1), dt.date(1, 1, 2), -7_919


def _one_period_sql(area, *, theme=None, sources=None):
    """``(sql, params_of, db alias)``: the SELECT … GROUP BY of the subtree sums of ``area`` for one
    period, and ``params_of(start, end, index)`` giving its parameters for another period. Compiled
    with stand-in values whose places in the parameters are then replaced (as the database adapter
    gave them: a date or its ISO text)."""
    qs = (subtree_cells([area.path], _FIRST, _LAST, theme=theme, sources=sources).order_by()
          .values_list("source", "category").annotate(n=_total(), period=Value(_INDEX)))
    sql, prm = qs.query.get_compiler(qs.db).as_sql()
    prm = list(prm)
    places = {}
    for name, stand_in in (("start", _FIRST), ("end", _LAST), ("index", _INDEX)):
        found = [i for i, x in enumerate(prm) if _is_stand_in(x, stand_in)]
        if len(found) != 1:  # a query shape this was not written for: say so rather than count wrongly
            raise RuntimeError(f"_one_period_sql: the {name} parameter is at {found} in {prm!r}")
        places[name] = (found[0], type(prm[found[0]]))

    def params_of(start, end, index):
        out = list(prm)
        for name, value in (("start", start), ("end", end), ("index", index)):
            i, kind = places[name]  # as the adapter gave it: ISO text or a date; an int or its subclass (psycopg's Int4)
            out[i] = value.isoformat() if kind is str else kind(value) if name == "index" else value
        return out

    return sql, params_of, qs.db


def _is_stand_in(value, stand_in) -> bool:
    if isinstance(stand_in, dt.date):
        return value == stand_in or value == stand_in.isoformat()
    return isinstance(value, int) and not isinstance(value, bool) and value == stand_in


def counts_by_path(parent, start, end, *, theme=None, sources=None) -> dict[str, int]:
    """``{area_path: count}`` of incidents below ``parent`` (one row per distinct place, not per incident)."""
    rows = (incidents_in(parent, start, end, theme=theme, sources=sources)
            .order_by().values_list("area_path").annotate(n=Count("id")))
    return dict(rows)


def counts_by_child(parent, children, start, end, *, theme=None, sources=None) -> np.ndarray:
    """Counts per child area of ``parent`` (aligned with ``children``), from :func:`counts_by_path`."""
    by_path = counts_by_path(parent, start, end, theme=theme, sources=sources)
    index = {c.path: i for i, c in enumerate(children)}
    out = np.zeros(len(children), dtype=np.int64)
    depth = parent.path.count("/")  # "/SE/1234/" has 3 → a child path has one more segment
    for path, n in by_path.items():
        parts = path.split("/")
        if len(parts) > depth + 1:
            i = index.get("/".join(parts[: depth + 1]) + "/")
            if i is not None:
                out[i] += n
    return out


def daily_counts(area, start, end, *, theme=None, sources=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dates as datetime64[D], sources, counts)``: incidents per day and source, counted in the
    database with one GROUP BY (a municipality has tens of thousands of incidents over five years)."""
    if summed(area):
        rows = list(subtree_cells([area.path], start, end, theme=theme, sources=sources).order_by()
                    .values_list("day", "source").annotate(total=Sum("n")))
        return _daily_arrays(rows)
    # grouped by ``+date`` (:class:`~trygg.incidents.models.Unindexed`): grouped by the column, SQLite
    # scanned the whole date-first index in its order rather than the area's range and a sort
    rows = list(incidents_in(area, start, end, theme=theme, sources=sources).order_by()
                .annotate(day=Unindexed(F("date"), output_field=DateField()))
                .values_list("day", "source").annotate(n=Count("id")))
    return _daily_arrays(rows)


def _daily_arrays(rows):
    if not rows:
        return np.array([], dtype="datetime64[D]"), np.array([], dtype=object), np.array([], dtype=np.int64)
    d, s, n = zip(*rows, strict=True)
    return np.array(d, dtype="datetime64[D]"), np.array(s, dtype=object), np.array(n, dtype=np.int64)


def incident_points(area, start, end, *, theme=None, sources=None) -> dict[str, np.ndarray]:
    """Coordinates (and category/date/id) of incidents with a point."""
    rows = list(incidents_in(area, start, end, theme=theme, sources=sources)
                .filter(lon__isnull=False, lat__isnull=False).order_by()
                .values_list("id", "lon", "lat", "category", "date", "source"))
    if not rows:
        e = np.array([])
        return {"id": e, "lon": e, "lat": e, "category": e, "date": e, "source": e}
    ids, lon, lat, cat, date, src = zip(*rows, strict=True)
    return {"id": np.array(ids), "lon": np.array(lon, float), "lat": np.array(lat, float),
            "category": np.array(cat, dtype=object), "date": np.array(date, dtype=object),
            "source": np.array(src, dtype=object)}


def text_placed_by_area(area, start, end, *, theme=None) -> list[dict]:
    """Police events placed by a place name in the text, counted per area they were placed at."""
    rows = (incidents_in(area, start, end, theme=theme, sources=["police"]).filter(placement="text")
            .order_by().values("area__code", "area__name", "area__centroid_lon", "area__centroid_lat")
            .annotate(n=Count("id")))
    return list(rows)


def population_of(areas, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Total population of each area for ``year`` or the latest year before it (else the earliest
    after it). Returns ``(counts, years)`` aligned with ``areas`` (0 / 0 where unknown)."""
    ids = [a.pk for a in areas]
    rows = Population.objects.filter(area_id__in=ids, age_band="").values_list("area_id", "year", "count")
    best: dict[int, tuple[int, int]] = {}
    for area_id, y, n in sorted(rows, key=lambda r: r[1]):  # a few rows per area
        if y <= year or area_id not in best:
            best[area_id] = (y, n)
    counts = np.array([best.get(i, (0, 0))[1] for i in ids], dtype=float)
    years = np.array([best.get(i, (0, 0))[0] for i in ids], dtype=np.int64)
    return counts, years


def common_population_year(areas, year: int) -> int | None:
    """The latest year ≤ ``year`` for which EVERY area in ``areas`` has a population (else the
    earliest common year after it; None when they share none), so that rates compared between
    areas all divide by the same year's population."""
    ids = {a.pk for a in areas}
    if not ids:
        return None
    rows = Population.objects.filter(area_id__in=ids, age_band="").order_by().values_list("area_id", "year").distinct()
    years: dict[int, set[int]] = {}
    for area_id, y in rows:
        years.setdefault(y, set()).add(area_id)
    common = sorted(y for y, have in years.items() if have >= ids)
    if not common:
        return None
    before = [y for y in common if y <= year]
    return before[-1] if before else common[0]


def crime_statistics(area, year: int, *, theme=None) -> dict[str, int]:
    """Brå reported crimes ``{crime_type: count}`` for ``area`` in ``year``: the area's own rows, or
    the sum over the areas below it when it has none (e.g. the municipality as sum of districts)."""
    qs = CrimeStatistic.objects.filter(year=year)
    if theme:
        qs = qs.filter(theme=theme)
    own = qs.filter(area=area)
    if not own.exists():
        own = within_area(qs, area, "area__path")
    return dict(own.order_by().values_list("crime_type").annotate(n=Sum("count")))


def crime_statistics_by_child(parent, children, year: int, *, theme=None) -> dict[str, np.ndarray]:
    """Brå reported crimes of ``year`` per child of ``parent``: ``{crime_type: counts aligned with
    children}``, each child's own rows or the sum of the rows below it (one query); a child with no
    row for the year gets -1 (not collected)."""
    qs = within_area(CrimeStatistic.objects.filter(year=year), parent, "area__path")
    if theme:
        qs = qs.filter(theme=theme)
    rows = list(qs.order_by().values_list("area__path", "crime_type").annotate(n=Sum("count")))
    out: dict[str, np.ndarray] = {}
    if not rows:
        return out
    idx = child_index(parent, children, [r[0] for r in rows])
    own = {c.path for c in children}
    has_own = {(r[0], r[1]) for r in rows if r[0] in own}
    for i, (path, crime_type, n) in zip(idx, rows, strict=True):
        if i < 0:
            continue
        if path not in own and (children[i].path, crime_type) in has_own:
            continue  # the child's own figure already holds the areas below it
        arr = out.setdefault(crime_type, np.full(len(children), -1, dtype=np.int64))
        arr[i] = n if arr[i] < 0 else arr[i] + n
    return out


def latest_crime_statistic_year_below(parent, up_to: int) -> int | None:
    """The latest Brå year ≤ ``up_to`` with figures below ``parent``."""
    qs = within_area(CrimeStatistic.objects.filter(year__lte=up_to), parent, "area__path").exclude(area=parent)
    return qs.aggregate(y=Max("year"))["y"]




def crime_statistics_years(area, years, *, theme=None) -> dict[int, dict[str, int]]:
    """:func:`crime_statistics` for several years at once: ``{year: {crime_type: count}}`` (the
    area's own rows, or the sum over the areas below it when it has none), in at most two queries."""
    qs = CrimeStatistic.objects.filter(year__in=list(years))
    if theme:
        qs = qs.filter(theme=theme)
    rows = list(qs.filter(area=area).order_by().values_list("year", "crime_type").annotate(n=Sum("count")))
    missing = set(years) - {r[0] for r in rows}
    if missing:
        rows += list(within_area(qs.filter(year__in=sorted(missing)), area, "area__path").order_by()
                     .values_list("year", "crime_type").annotate(n=Sum("count")))
    out: dict[int, dict[str, int]] = {}
    for y, ct, n in rows:
        out.setdefault(y, {})[ct] = n
    return out


def crime_statistic_themes(area, year: int) -> dict[str, str]:
    qs = within_area(CrimeStatistic.objects.filter(year=year), area, "area__path")
    return dict(qs.order_by().values_list("crime_type", "theme").distinct())


def latest_crime_statistic_year(area, up_to: int) -> int | None:
    qs = within_area(CrimeStatistic.objects.filter(year__lte=up_to), area, "area__path")
    return qs.aggregate(y=Max("year"))["y"]


def data_sources() -> list[dict]:
    """Every import source with its latest finished import and the number of runs."""
    rows = (ImportRun.objects.filter(status=ImportRun.Status.DONE).order_by().values("source")
            .annotate(latest=Max("finished_at"), runs=Count("id")))
    return [{"source": r["source"], "latest_import": r["latest"].isoformat() if r["latest"] else None,
             "runs": r["runs"]} for r in rows]


def latest_incident_date(area) -> dt.date | None:
    return counted().within(area).latest_date()


def first_dates_by_source() -> dict[str, dt.date]:
    """``{source: date of its first incident that counts}``, from the daily counts per source that
    the coverage rules read anyway (one query for both, cached until the data change)."""
    return {source: days[0] for source, (days, _counts) in coverage.daily_by_source().items() if days}


def earliest_incident_date() -> dt.date | None:
    return counted().order_by("date").values_list("date", flat=True).first()


def municipality_of(area) -> Area | None:
    if area.level == "municipality":
        return area
    return next((a for a in area.ancestors() if a.level == "municipality"), None)
