"""The picture's choices (period, comparison, theme) read from a query string or the command line,
checked once for the page, the API, exports and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.incidents.categories import THEMES

from . import queries
from .figures import COMPARES, SOURCES

DEFAULT_DAYS = 28  # the CompStat window
MAX_DAYS = 5 * 366 + 1


@dataclass
class Choice:
    start: dt.date
    end: dt.date
    compare: str = "previous"
    theme: str | None = None

    def query(self, **override) -> str:
        from urllib.parse import urlencode

        d = {"from": self.start.isoformat(), "to": self.end.isoformat(), "compare": self.compare,
             "theme": self.theme or ""}
        d.update(override)
        return urlencode({k: v for k, v in d.items() if v})


class BadChoice(ValueError):
    pass


MIN_YEAR, MAX_YEAR = 1900, 2100  # beyond these a date is a typo (and date arithmetic overflows)


def parse_date(value: str, name: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadChoice(_("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"field": name, "value": value}) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise BadChoice(_("%(field)s: “%(value)s” is outside the years %(min)d–%(max)d.")
                        % {"field": name, "value": value, "min": MIN_YEAR, "max": MAX_YEAR})
    return day


def default_end(area, sources=None) -> dt.date:
    """The last day on which every source shown for the area is complete (``coverage.common_end``
    over the incident sources with data in the area, or ``sources``), never after today; today when
    the area has no data. A default period thus never runs past the data."""
    from trygg.incidents import coverage

    from .figure_cache import area_part, cached

    def compute():
        shown = [s for s in SOURCES if s in (set(sources) if sources else queries.sources_within(area))]
        return coverage.common_end(shown, timezone.localdate())

    return cached("default-end", compute, area_part(area), tuple(sources or ()))


def parse_choice(data, area) -> Choice:
    """Read ``from``, ``to``, ``compare`` and ``theme`` from a mapping; raise :class:`BadChoice` with
    a message naming the field."""
    end = parse_date(data["to"], "to") if data.get("to") else default_end(area)
    start = parse_date(data["from"], "from") if data.get("from") else end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise BadChoice(_("from (%(start)s) is after to (%(end)s).") % {"start": start, "end": end})
    if (end - start).days + 1 > MAX_DAYS:
        raise BadChoice(_("The period is longer than five years."))
    compare = data.get("compare") or "previous"
    if compare not in COMPARES:
        raise BadChoice(_("compare: use “previous” or “last-year”, not “%(value)s”.") % {"value": compare})
    theme = data.get("theme") or None
    if theme and theme not in THEMES:
        raise BadChoice(_("theme: unknown theme “%(value)s”.") % {"value": theme})
    return Choice(start, end, compare, theme)
