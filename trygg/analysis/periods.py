"""Reporting periods: ISO week, month, tertial, year and the CompStat windows.

Sources: ISO 8601 week dates (weeks start Monday; week 1 contains the year's first Thursday);
tertials as used in Swedish public-sector reporting (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec);
CompStat windows (last 7 days, last 28 days, year to date) as in Bratton & Malinowski (2008),
"Police performance management in practice: taking COMPSTAT to the next level", *Policing* 2(3).

All periods are closed intervals ``[start, end]`` of calendar days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Period", "iso_week", "month", "tertial", "year", "last_n_days", "year_to_date", "previous",
    "same_period_last_year", "period_of", "bucket_index", "period_codes", "KINDS", "history_pairs", "latest_complete",
]

KINDS = ("week", "month", "tertial", "year")


@dataclass(frozen=True, order=True)
class Period:
    """A closed interval of days ``start ≤ d ≤ end`` with a human-readable ``label``."""

    start: dt.date
    end: dt.date
    kind: str = "custom"

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """Length in days, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if self.kind == "week":
            y, w, _ = s.isocalendar()
            return f"{y}-W{w:02d}"
        if self.kind == "month":
            return f"{s.year}-{s.month:02d}"
        if self.kind == "tertial":
            return f"{s.year}-T{(s.month - 1) // 4 + 1}"
        if self.kind == "year":
            return f"{s.year}"
        return f"{s.isoformat()}–{e.isoformat()}"

    def __contains__(self, d: dt.date) -> bool:
        return self.start <= d <= self.end


def _month_end(y: int, m: int) -> dt.date:
    return (dt.date(y + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)


def iso_week(d: dt.date) -> Period:
    """The ISO 8601 week (Monday–Sunday) containing ``d``."""
    start = d - dt.timedelta(days=d.isoweekday() - 1)
    return Period(start, start + dt.timedelta(days=6), "week")


def month(d: dt.date) -> Period:
    """The calendar month containing ``d``."""
    return Period(dt.date(d.year, d.month, 1), _month_end(d.year, d.month), "month")


def tertial(d: dt.date) -> Period:
    """The tertial containing ``d``: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec."""
    m0 = (d.month - 1) // 4 * 4 + 1
    return Period(dt.date(d.year, m0, 1), _month_end(d.year, m0 + 3), "tertial")


def year(d: dt.date) -> Period:
    """The calendar year containing ``d``."""
    return Period(dt.date(d.year, 1, 1), dt.date(d.year, 12, 31), "year")


def last_n_days(end: dt.date, n: int) -> Period:
    """CompStat window: the ``n`` days ending with ``end`` (n=7: last week, n=28: last 28 days)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    return Period(end - dt.timedelta(days=n - 1), end, f"last{n}")


def year_to_date(end: dt.date) -> Period:
    """CompStat window: 1 January of ``end``'s year up to and including ``end``."""
    return Period(dt.date(end.year, 1, 1), end, "ytd")


def period_of(kind: str, d: dt.date) -> Period:
    """The period of ``kind`` ("week", "month", "tertial", "year") that contains ``d``."""
    try:
        return {"week": iso_week, "month": month, "tertial": tertial, "year": year}[kind](d)
    except KeyError:
        raise ValueError(f"unknown period kind {kind!r}; use one of {KINDS}") from None


def latest_complete(kind: str, last_day: dt.date) -> Period:
    """The latest calendar period of ``kind`` that ends on or before ``last_day`` (the last date
    up to which the data is complete): such periods never overlap, so tables published for them
    cannot be differenced into a shorter period (see ``trygg.analysis.disclosure``)."""
    p = period_of(kind, last_day)
    return p if p.end <= last_day else period_of(kind, p.start - dt.timedelta(days=1))


def previous(period: Period) -> Period:
    """The period of the same kind (or, for custom windows, the same length) immediately before."""
    before = period.start - dt.timedelta(days=1)
    if period.kind in KINDS:
        return period_of(period.kind, before)
    return Period(before - dt.timedelta(days=period.days - 1), before, period.kind)


def _shift_year(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February → 28 February
        return d.replace(year=d.year + years, day=28)


def same_period_last_year(period: Period) -> Period:
    """The comparable period one year earlier.

    ISO weeks: the same week number of the previous ISO year (week 53 → week 52 when that year has
    none). Calendar periods and CompStat windows: the same dates one year earlier (29 Feb → 28 Feb).
    """
    if period.kind == "week":
        y, w, _ = period.start.isocalendar()
        weeks_prev = dt.date(y - 1, 12, 28).isocalendar()[1]
        start = dt.date.fromisocalendar(y - 1, min(w, weeks_prev), 1)
        return iso_week(start)
    if period.kind in ("month", "tertial", "year"):
        return period_of(period.kind, _shift_year(period.start, -1))
    return Period(_shift_year(period.start, -1), _shift_year(period.end, -1), period.kind)


def _day_keys(days: np.ndarray, kind: str) -> np.ndarray:
    """The period key of each day number (days since 1970-01-01), element-wise."""
    if kind == "week":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday: Monday-based weekday = (days + 3) % 7
    m = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    yr, mo = 1970 + m // 12, m % 12
    if kind == "month":
        return 12 * yr + mo
    if kind == "tertial":
        return 3 * yr + mo // 4
    return yr


def _key_label(kind: str, k: int) -> str:
    if kind == "week":
        return iso_week(dt.date(1970, 1, 1) + dt.timedelta(days=k)).label
    if kind == "month":
        return f"{k // 12}-{k % 12 + 1:02d}"
    if kind == "tertial":
        return f"{k // 3}-T{k % 3 + 1}"
    return str(k)


# Dates spanning at most this many days (or as many as there are dates) go through a per-day table.
_DAY_TABLE_FLOOR = 1 << 16


def _days_of(dates) -> tuple[np.ndarray, tuple]:
    d = np.asarray(dates)
    if d.dtype != np.dtype("datetime64[D]"):
        d = d.astype("datetime64[D]")
    return d.reshape(-1).view(np.int64), d.shape


def _day_table(days: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray] | None:
    """``(key of each day from the earliest to the latest date, each date's offset in it)``, or
    None when the dates span too many days for a table."""
    if not days.size:
        return None
    lo = int(days.min())
    span = int(days.max()) - lo + 1
    if span > max(days.size, _DAY_TABLE_FLOOR):
        return None
    return _day_keys(np.arange(lo, lo + span, dtype=np.int64), kind), days - lo


def bucket_index(dates, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised period key of every date.

    Returns ``(keys, labels)``: ``keys`` is an int64 array aligned with ``dates`` (sortable: weeks are
    the day number of the ISO week's Monday, months ``12·year + month - 1``, tertials
    ``3·year + t - 1``, years the year) and ``labels`` is an array of the distinct keys' labels in
    sorted key order (``np.unique(keys)``). ``dates`` is anything ``np.asarray(…, 'datetime64[D]')``
    accepts.

    Method: the key of each day of the dates' range is computed once (a table of a few thousand
    days for years of data) and looked up by day offset; the distinct keys come from a presence
    table of the days that occur. No sort over the dates: 10 M dates take a few passes.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown period kind {kind!r}; use one of {KINDS}")
    days, shape = _days_of(dates)
    lookup = _day_table(days, kind)
    if lookup is not None:
        table, offset = lookup
        keys = table[offset]
        present = np.zeros(table.size, dtype=bool)
        present[offset] = True
        uniq = np.unique(table[present])  # at most a few thousand days
    else:
        keys = _day_keys(days, kind)
        uniq = np.unique(keys)
    labels = [_key_label(kind, int(k)) for k in uniq]
    return keys.astype(np.int64, copy=False).reshape(shape), np.array(labels, dtype=object)


def period_codes(dates, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive period number of every date, ready to index a count cube.

    Returns ``(codes, labels)``: ``codes[i]`` is the number of ``kind`` periods from the earliest
    date's period to that of ``dates[i]`` (0, 1, 2 …; int64), and ``labels`` has one label per
    period from the first to the last, **empty periods included**, so ``labels[codes[i]]`` is the
    label of ``dates[i]``'s period and a cube ``(…, len(labels))`` has no gaps. The same per-day
    table as ``bucket_index`` maps each date straight to its code (one gather, no arithmetic over
    the dates).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown period kind {kind!r}; use one of {KINDS}")
    days, shape = _days_of(dates)
    if not days.size:
        return np.zeros(shape, dtype=np.int64), np.array([], dtype=object)
    step = 7 if kind == "week" else 1  # week keys are Mondays' day numbers, the others consecutive
    lookup = _day_table(days, kind)
    if lookup is not None:
        table, offset = lookup
        first, last = int(table[0]), int(table[-1])
        codes = ((table - first) // step)[offset]
    else:
        keys = _day_keys(days, kind)
        first, last = int(keys.min()), int(keys.max())
        codes = (keys - first) // step
    labels = [_key_label(kind, first + step * j) for j in range((last - first) // step + 1)]
    return codes.reshape(shape), np.array(labels, dtype=object)


def history_pairs(current: Period, comparison: Period, k: int) -> list[tuple[Period, Period]]:
    """The ``k`` past pairs of equal periods laid out like ``(current, comparison)``: both periods
    shifted back by ``j`` lengths of ``current`` for ``j = 1 … k`` (for the previous period: the
    pair before, the pair before that …; for the same period last year: the year-apart pairs of the
    periods before). ``trygg.analysis.change.history_dispersion`` estimates the cell's dispersion
    from their counts."""
    step = dt.timedelta(days=current.days)
    out = []
    for j in range(1, k + 1):
        s = step * j
        out.append((Period(current.start - s, current.end - s), Period(comparison.start - s, comparison.end - s)))
    return out
