"""From which day and up to which day each source's data is complete enough to compare periods,
fit trends and publish figures.

The police's public feed was archived sparsely before March 2023 (about 40 events a month
nationally, then about 2,000), and the demo's EST reports start in August 2024. A comparison with a
period before a source was collected would show an "increase" that is only the data arriving, so
the situation picture, the follow-up and the annual report ask ``coverage_start(source)`` first.

Rule (data-driven, no dates typed in): count the source's incidents per calendar month; the source
is covered from the first day of the first month whose count reaches half the median month. A
partial first month (collection starting mid-month) therefore does not count as covered. With less
than a year of months the median says too little, and no restriction is made (None).

The end (``coverage_end(source)``) is read from the data the same way, never typed in: the last
day with data, one day earlier when that day is clearly partial (under half the median of the 28
days before it – told only for a source with at least ``PARTIAL_MIN_MEDIAN`` a day, as the police
feed has), plus the empty days the source's own history shows can pass between two reports (a
sparse source such as EST has days without a report), but never past the last day of the other
daily sources (nothing tells that a quiet source was collected after every source had stopped).
Brå's figures are complete up to 31 December of their latest year, the population up to its latest
year. ``stale_sources`` lists the daily sources whose data stopped arriving (no data for more than
``STALE_DAYS`` days before today).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import DateField, F, Max, Q, Sum
from django.utils import timezone

from trygg.areas.models import Population

from .models import CrimeStatistic, ImportRun, Incident

THRESHOLD = 0.5  # share of the median month
MIN_MONTHS = 12  # months of data needed before a sparse start can be told from a quiet month
DAILY_SOURCES = ("police", "est")
PARTIAL_MIN_MEDIAN = 10  # a partial last day can only be told from a quiet one at this many a day
GAP_WINDOW_DAYS = 365  # the empty runs of the last year of data are the source's normal gaps
STALE_DAYS = 14  # no data for longer than this before today: the source stopped arriving


def first_covered_month(months: list[dt.date], counts: list[int], threshold: float = THRESHOLD) -> dt.date | None:
    """The first month whose count reaches ``threshold`` × the median month (None with fewer than
    ``MIN_MONTHS`` months)."""
    if len(months) < MIN_MONTHS:
        return None
    c = np.asarray(counts, dtype=float)
    limit = threshold * float(np.median(c))
    for month, n in zip(months, c, strict=True):
        if n >= limit:
            return month
    return months[0]


def _monthly(days: list[dt.date], counts: list[int]):
    """``(first days of the months with data, counts)`` from a source's daily counts (summed here:
    a month function per row in the database is slow on SQLite at country scale)."""
    by_month: dict[dt.date, int] = {}
    for day, n in zip(days, counts, strict=True):
        m = day.replace(day=1)
        by_month[m] = by_month.get(m, 0) + n
    return list(by_month), list(by_month.values())


def last_complete_day(days: list[dt.date], counts: list[int], threshold: float = THRESHOLD
                      ) -> tuple[dt.date | None, int]:
    """``(last complete day, normal gap in days)`` of a daily source from its days with data
    (ascending, counts > 0).

    The last day with data counts as complete unless its count is under ``threshold`` × the median
    of the 28 calendar days before it (zeros included) and that median is at least
    ``PARTIAL_MIN_MEDIAN`` (a partial day, e.g. an archive cut mid-day); then the day before is the
    last. The normal gap is the longest run of days without data between two days with data over
    the ``GAP_WINDOW_DAYS`` before the last day.
    """
    if not days:
        return None, 0
    d = np.array(days, dtype="datetime64[D]")
    c = np.asarray(counts, dtype=float)
    last = d[-1]
    window = np.zeros(28)
    recent = (d >= last - 28) & (d < last)
    window[(d[recent] - (last - 28)).astype(int)] = c[recent]
    median = float(np.median(window))
    if median >= PARTIAL_MIN_MEDIAN and c[-1] < threshold * median:
        last = last - 1
    inside = d[d >= d[-1] - GAP_WINDOW_DAYS]
    gap = int(np.diff(inside).astype(int).max() - 1) if inside.size > 1 else 0
    return last.astype(dt.date), max(gap, 0)


def daily_rows():
    """``(date, source, count)`` of the incidents that count (placed or not): the sums over each
    country's subtree (``SubtreeDailyCount``: a few rows a day) and the daily cells of whatever lies
    outside every country (unplaced incidents: an index range each side), added up."""
    from trygg.areas.models import Area, Level
    from trygg.areas.subtree import prefix_upper, ranges_work

    from .categories import NOT_COUNTED
    from .models import DailyCount, SubtreeDailyCount, Unindexed

    countries = list(Area.objects.filter(level=Level.COUNTRY).values_list("path", flat=True))
    total: Counter = Counter()
    summed = (SubtreeDailyCount.objects.filter(area_path__in=countries).exclude(category__in=sorted(NOT_COUNTED))
              .order_by().values_list("day", "source").annotate(total=Sum("n")))
    outside = DailyCount.objects.exclude(category__in=sorted(NOT_COUNTED))
    for path in countries:  # below or above the country's range of paths: the area index's two ends
        outside = outside.filter(Q(area_path__lt=path) | Q(area_path__gte=prefix_upper(path)) if ranges_work()
                                 else ~Q(area_path__startswith=path))
    # grouped by ``+day``: by the column, SQLite walked the whole day index for the few cells outside
    outside = (outside.order_by().annotate(d=Unindexed(F("day"), output_field=DateField()))
               .values_list("d", "source").annotate(total=Sum("n")))
    for day, source, n in [*summed, *outside]:
        total[(day, source)] += n
    return [(day, source, n) for (day, source), n in total.items()]


def daily_by_source() -> dict[str, tuple[list[dt.date], list[int]]]:
    """``{source: (days with data ascending, counts)}`` of the incidents that count, every source
    in one grouped query (:func:`_facts`)."""
    return _facts()["daily"]


def _facts() -> dict:
    """What the coverage rules read, all from one grouped query over the whole history: the daily
    counts per source (``daily``), each daily source's last complete day and normal gap (``ends``,
    :func:`last_complete_day`) and each source's first covered month (``starts``,
    :func:`first_covered_month`). Kept in this process until the data version, the latest import
    run or the latest incident changes (:func:`_state_key`), and in the figure cache until the data
    version changes (``trygg.numbers.figure_cache``): with a figure cache shared by the processes
    (the default, files under ``var/``), a new process (a server worker, a ``trygg`` command) finds
    what the import (:func:`warm`) or another process computed (the whole history of the country:
    ~60 ms at 4.5 M incidents)."""
    key = f"trygg:coverage:{_state_key()}"
    value = cache.get(key)
    if value is None:
        from trygg.numbers import figure_cache

        value = figure_cache.cached("coverage", _compute_facts, per_language=False)
        cache.set(key, value, 3600)
    return value


def warm() -> None:
    """Compute what the coverage rules read (:func:`_facts`) into the figure cache now: what each
    import does as it commits (``trygg.picture.warming.after_import``), so that no page or command
    after it waits for it (in every process that shares the figure cache)."""
    from trygg.numbers import figure_cache

    figure_cache.cached("coverage", _compute_facts, per_language=False)


def _compute_facts() -> dict:
    daily = _daily_by_source()
    return {"daily": daily,
            "ends": {s: last_complete_day(*daily.get(s, ([], []))) for s in DAILY_SOURCES},
            "starts": {s: first_covered_month(*_monthly(*daily[s])) for s in daily}}


def _daily_by_source() -> dict[str, tuple[list[dt.date], list[int]]]:
    value: dict[str, tuple[list[dt.date], list[int]]] = {}
    for day, source, n in sorted(daily_rows()):
        days, counts = value.setdefault(source, ([], []))
        days.append(day)
        counts.append(n)
    return value


def _state_key() -> str:
    """The data version, the latest import run and the latest incident, in one statement (a page
    asks several times). The data version also moves with edits and deletions, which leave the
    latest ids as they are; the ids move at once, where the version goes up just after the commit."""
    from .models import DataVersion

    q = connection.ops.quote_name
    parts = [f"SELECT MAX({q(m._meta.pk.column)}) FROM {q(m._meta.db_table)}" for m in (ImportRun, Incident)]
    version = (f"SELECT MAX({q(DataVersion._meta.get_field('number').column)}) FROM {q(DataVersion._meta.db_table)} "
               f"WHERE {q(DataVersion._meta.pk.column)} = 1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"({sql})" for sql in (*parts, version)))
        latest_run, latest_incident, number = cursor.fetchone()
    return f"{number or 0}:{latest_run or 0}:{latest_incident or 0}"


def coverage_start(source: str) -> dt.date | None:
    """First day from which ``source`` is complete (None: no data, or too little to tell)."""
    return _facts()["starts"].get(source)


def _ends() -> dict[str, tuple[dt.date | None, int]]:
    """``{daily source: (last complete day, normal gap)}`` (:func:`last_complete_day`)."""
    return _facts()["ends"]


def daily_ends() -> dict[str, tuple[dt.date | None, int]]:
    """``{daily source: (last complete day, normal gap)}``: read once, pass on as ``ends`` to
    :func:`source_end`, :func:`coverage_end` and :func:`currency` when a page needs several."""
    return _ends()


def source_end(source: str, ends=None) -> tuple[dt.date | None, int]:
    """``(last complete day, normal gap in days)`` of a daily source."""
    return (ends if ends is not None else _ends()).get(source, (None, 0))


def coverage_ends(sources) -> dict[str, dt.date | None]:
    """:func:`coverage_end` of each of ``sources``, the daily sources' ends read once."""
    ends = daily_ends()
    return {s: coverage_end(s, ends) for s in sources}


def coverage_end(source: str, ends=None) -> dt.date | None:
    """Last day up to which ``source`` is complete (None: no data). Police events and EST: the last
    complete day, extended by the source's normal gap but not past the last day of any daily source;
    Brå: 31 December of the latest statistics year; population: 31 December of its latest year."""
    if source == "bra":
        year = CrimeStatistic.objects.aggregate(y=Max("year"))["y"]
        return dt.date(year, 12, 31) if year else None
    if source == "population":
        year = Population.objects.aggregate(y=Max("year"))["y"]
        return dt.date(year, 12, 31) if year else None
    ends = ends if ends is not None else _ends()
    last, gap = ends.get(source, (None, 0))
    if last is None:
        return None
    horizon = max((d for d, _gap in ends.values() if d is not None), default=last)
    return max(last, min(last + dt.timedelta(days=gap), horizon))


def common_end(sources, today: dt.date | None = None) -> dt.date:
    """The last day on which every one of ``sources`` is complete, never after today (today when
    none of them has data)."""
    today = today or timezone.localdate()
    ends = [e for e in (coverage_end(s) for s in sources) if e is not None]
    return min([*ends, today])


@dataclass(frozen=True)
class Currency:
    """How current one source is: complete up to ``up_to``; ``stale`` when its data stopped arriving."""

    source: str
    up_to: dt.date | None
    last_day: dt.date | None  # the last day with (complete) data; the year's end for yearly sources
    days_since: int | None  # days from ``last_day`` to today
    stale: bool

    def as_dict(self) -> dict:
        return {"source": self.source, "up_to": self.up_to.isoformat() if self.up_to else None,
                "last_day": self.last_day.isoformat() if self.last_day else None,
                "days_since": self.days_since, "stale": self.stale}


def currency(source: str, today: dt.date | None = None, ends=None) -> Currency:
    """:class:`Currency` of ``source`` ("police", "est", "bra" or "population") as of ``today``
    (``ends``: :func:`daily_ends`, when the caller has read them)."""
    today = today or timezone.localdate()
    ends = ends if ends is not None else _ends()
    up_to = coverage_end(source, ends)
    last = source_end(source, ends)[0] if source in DAILY_SOURCES else up_to
    days = (today - last).days if last else None
    stale = source in DAILY_SOURCES and days is not None and days > STALE_DAYS
    return Currency(source, up_to, last, days, stale)


def stale_sources(today: dt.date | None = None) -> list[Currency]:
    """The daily sources with data whose latest day lies more than ``STALE_DAYS`` before today."""
    ends = _ends()
    return [c for c in (currency(s, today, ends) for s in DAILY_SOURCES) if c.stale]


def covers(source: str, start: dt.date) -> bool:
    """True when ``source`` is complete on every day from ``start`` on (or nothing says otherwise)."""
    begin = coverage_start(source)
    return begin is None or start >= begin


def covered_share(source: str, start: dt.date, end: dt.date) -> float:
    """Share of the days ``start``–``end`` on which ``source`` is complete: from its first complete
    day (:func:`coverage_start`) up to its last (:func:`coverage_end`); 1.0 without a restriction."""
    begin = max(coverage_start(source) or start, start)
    finish = min(coverage_end(source) or end, end)
    if finish < begin:
        return 0.0
    return ((finish - begin).days + 1) / ((end - start).days + 1)
