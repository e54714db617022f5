"""Citizen promise progress: one place that sums progress reports and judges each line's status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

STATUS_LABELS = {
    "done": _("achieved"),
    "on_track": _("on track"),
    "behind": _("behind target"),
    "not_started": _("not started"),
    "ended": _("not achieved"),
}


@dataclass
class LineProgress:
    line: object
    achieved: float
    target: float
    expected: float  # what the elapsed share of the period would give
    status: str
    last_report: dt.date | None
    last_added: float | None = None  # what the latest report added

    @property
    def pct(self) -> float:
        return 100.0 * self.achieved / self.target if self.target else 0.0

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def elapsed_share(start: dt.date, end: dt.date, today: dt.date) -> float:
    total = (end - start).days + 1
    return min(max(((today - start).days + 1) / total, 0.0), 1.0)


def line_progress(line, today: dt.date | None = None) -> LineProgress:
    today = today or dt.date.today()
    reports = list(line.reports.all())
    achieved = float(sum(r.value for r in reports))
    share = elapsed_share(line.promise.start, line.promise.end, today)
    expected = line.target * share
    if achieved >= line.target:
        status = "done"
    elif today > line.promise.end:
        status = "ended"
    elif today < line.promise.start:
        status = "not_started"
    elif achieved + 1e-9 >= expected * 0.9:  # within 10 % of the linear pace
        status = "on_track"
    else:
        status = "behind"
    last = max(reports, key=lambda r: (r.date, r.pk), default=None)
    return LineProgress(line, achieved, float(line.target), expected, status, last.date if last else None,
                        last.value if last else None)
