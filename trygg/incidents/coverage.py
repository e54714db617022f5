"""From which day each source's data is complete enough to compare periods and fit trends.

The police's public feed was archived sparsely before March 2023 (about 40 events a month
nationally, then about 2,000), and the demo's EST reports start in August 2024. A comparison with a
period before a source was collected would show an "increase" that is only the data arriving, so
the situation picture, the follow-up and the annual report ask ``coverage_start(source)`` first.

Rule (data-driven, no dates typed in): count the source's incidents per calendar month; the source
is covered from the first day of the first month whose count reaches half the median month. A
partial first month (collection starting mid-month) therefore does not count as covered. With less
than a year of months the median says too little, and no restriction is made (None).
"""

import datetime as dt

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth

from .models import ImportRun, Incident

THRESHOLD = 0.5  # share of the median month
MIN_MONTHS = 12  # months of data needed before a sparse start can be told from a quiet month


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


def _monthly(source: str):
    rows = (
        Incident.objects.counted().filter(source=source)
        .annotate(m=TruncMonth("date")).values("m").annotate(n=Count("id")).order_by("m")
    )
    months, counts = [], []
    for r in rows:
        m = r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"]
        months.append(m)
        counts.append(r["n"])
    return months, counts


def coverage_start(source: str) -> dt.date | None:
    """First day from which ``source`` is complete (None: no data, or too little to tell).

    Cached until the next import run of any source.
    """
    latest_run = ImportRun.objects.aggregate(m=Max("id"))["m"] or 0
    latest_incident = Incident.objects.filter(source=source).aggregate(m=Max("id"))["m"] or 0
    key = f"trygg:coverage:{source}:{latest_run}:{latest_incident}"
    value = cache.get(key, "miss")
    if value == "miss":
        value = first_covered_month(*_monthly(source))
        cache.set(key, value, 3600)
    return value


def covers(source: str, start: dt.date) -> bool:
    """True when ``source`` is complete on every day from ``start`` on (or nothing says otherwise)."""
    begin = coverage_start(source)
    return begin is None or start >= begin


def covered_share(source: str, start: dt.date, end: dt.date) -> float:
    """Share of the days ``start``–``end`` on which ``source`` is complete (1.0 without a restriction)."""
    begin = coverage_start(source)
    if begin is None or begin <= start:
        return 1.0
    if begin > end:
        return 0.0
    return ((end - begin).days + 1) / ((end - start).days + 1)
