"""The meeting pack: a generated agenda for an area's weekly or tertial meeting."""

from __future__ import annotations

import datetime as dt

from trygg.numbers import figures
from trygg.picture.models import Snapshot

from .models import Action, Meeting, Problem, PromiseLine
from .promises import line_progress
from .scope import within

DUE_WITHIN_DAYS = 30
DEFAULT_SINCE_DAYS = {"weekly": 7, "tertial": 121, "followup": 365}


def meeting_pack(meeting: Meeting) -> dict:
    """What is new since the previous meeting of the area (figures from ``numbers.figures``),
    the changes flagged by the FDR-controlled tests, actions due or late, promise lines behind."""
    area, day = meeting.area, meeting.date
    prev = Meeting.objects.filter(area=area, date__lt=day).order_by("-date").first()
    since = prev.date + dt.timedelta(days=1) if prev else day - dt.timedelta(days=DEFAULT_SINCE_DAYS[meeting.kind])
    until = day - dt.timedelta(days=1) if day > since else since
    fig = figures.compute_picture(area, since, until, "previous")
    actions = within(Action.objects.filter(status__in=[Action.Status.PLANNED, Action.Status.ONGOING]), area) \
        .select_related("owner_organisation", "area")
    late = [a for a in actions if a.end and a.end < day]
    due = [a for a in actions if a.end and day <= a.end <= day + dt.timedelta(days=DUE_WITHIN_DAYS)]
    not_started = [a for a in actions if a.status == Action.Status.PLANNED and a.start < day]
    lines = within(PromiseLine.objects.all(), area, "promise__area").filter(promise__start__lte=day,
                                       promise__end__gte=day).select_related("promise", "owner_organisation") \
        .prefetch_related("reports")
    behind = [lp for lp in (line_progress(line, day) for line in lines) if lp.status == "behind"]
    return {
        "previous": prev, "since": since, "until": until, "figures": fig,
        "totals": [r for r in fig.rows_of("total") if r.source in ("police", "est", "all")],
        "flagged": fig.flagged(),
        "new_problems": within(Problem.objects.filter(created_at__date__gte=since), area),
        "new_snapshots": within(Snapshot.objects.filter(created_at__date__gte=since), area),
        "late": late, "due": due, "not_started": not_started, "behind": behind,
    }
