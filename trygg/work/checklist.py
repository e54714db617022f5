"""Brå's "done" criteria for each step of the cycle, COMPUTED from the objects (never ticked by hand)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from trygg.areas.subtree import subtree_q
from trygg.numbers import queries
from trygg.picture.models import Snapshot

from .models import Action, ActionPlan, Agreement, Meeting, Problem, Promise

CRITERIA = [
    ("pictures_merged", _("Two situation pictures merged")),
    ("problems_prioritised", _("Problems prioritised")),
    ("causes_analysed", _("One cause analysis per prioritised problem")),
    ("agreement_signed", _("Agreement signed")),
    ("goals_set", _("Goals set")),
    ("actions_aimed", _("Actions aimed at causes")),
    ("plan_adopted", _("Action plan adopted")),
    ("promises_published", _("Promises signed and published")),
    ("followup_planned", _("Follow-up planned")),
]


@dataclass
class Criterion:
    key: str
    label: str
    done: bool
    detail: str


def _current(qs, today):
    return qs.filter(start__lte=today, end__gte=today)


def checklist(area, today: dt.date | None = None) -> list[Criterion]:
    """The nine criteria for the cycle of ``area`` (objects in it and below it)."""
    return checklists([area], today)[0]


def _in(obj, area) -> bool:
    return obj.area.path.startswith(area.path)


def _in_or_above(obj, area) -> bool:
    return obj.area.path.startswith(area.path) or area.path.startswith(obj.area.path)


def checklists(areas, today: dt.date | None = None) -> list[list[Criterion]]:
    """:func:`checklist` of each of ``areas``, in a fixed number of queries however many areas and
    objects there are: each kind of object is read once for all areas and sorted to them by path."""
    from django.db.models import Q

    areas = list(areas)
    if not areas:
        return []
    today = today or dt.date.today()
    year_ago = today - dt.timedelta(days=365)
    below = Q()
    around = Q()
    for area in areas:
        below |= Q(area__path__startswith=area.path)
        around |= path_q(area)

    counts = iter(queries.count_many([queries.CountSpec(area, year_ago, today, sources=(source,))
                                      for area in areas for source in ("police", "est")]))
    snapshots = list(Snapshot.objects.filter(below, created_at__date__gte=year_ago).select_related("area")
                     .only("area__path"))
    problems = list(Problem.objects.filter(below).select_related("area").prefetch_related("causes", "goals"))
    agreements = list(_current(Agreement.objects.filter(around), today).select_related("area")
                      .prefetch_related("signatures"))
    actions = list(Action.objects.filter(below).exclude(status=Action.Status.CANCELLED).select_related("area")
                   .only("cause_id", "area__path"))
    plans = list(_current(ActionPlan.objects.filter(below), today).select_related("area").prefetch_related("signatures"))
    promises = list(_current(Promise.objects.filter(around), today).select_related("area")
                    .prefetch_related("signatures"))
    meetings = list(Meeting.objects.filter(below, date__gte=today).select_related("area").order_by("date"))

    out = []
    for area in areas:
        police, est = next(counts), next(counts)
        out.append(_criteria(
            police, est, sum(_in(s, area) for s in snapshots), [p for p in problems if _in(p, area)],
            [a for a in agreements if _in_or_above(a, area)], [a for a in actions if _in(a, area)],
            [p for p in plans if _in(p, area)], [p for p in promises if _in_or_above(p, area)],
            next((mt for mt in meetings if _in(mt, area)), None)))
    return out


def _criteria(police, est, snaps, problems, agreements, actions, plans, promises, upcoming) -> list[Criterion]:
    out = {}
    out["pictures_merged"] = (police > 0 and est > 0 and snaps > 0,
                              _("%(p)d police events, %(e)d EST reports, %(s)d joint snapshots in 12 months")
                              % {"p": police, "e": est, "s": snaps})

    prio = [p for p in problems if p.prioritised]
    out["problems_prioritised"] = (bool(prio), _("%(n)d of %(t)d problems prioritised") % {"n": len(prio), "t": len(problems)})
    with_cause = sum(1 for p in prio if p.causes.all())
    out["causes_analysed"] = (bool(prio) and with_cause == len(prio),
                              _("%(n)d of %(t)d prioritised problems have a cause analysis") % {"n": with_cause, "t": len(prio)})
    with_goal = sum(1 for p in prio if p.goals.all())
    out["goals_set"] = (bool(prio) and with_goal == len(prio),
                        _("%(n)d of %(t)d prioritised problems have a measurable goal") % {"n": with_goal, "t": len(prio)})

    signed = [a for a in agreements if a.fully_signed]
    out["agreement_signed"] = (bool(signed), _("%(n)d current agreements, %(s)d signed by both sides")
                               % {"n": len(agreements), "s": len(signed)})

    aimed = sum(1 for a in actions if a.cause_id is not None)
    total = len(actions)
    out["actions_aimed"] = (total > 0 and aimed == total,
                            _("%(n)d of %(t)d actions address a cause") % {"n": aimed, "t": total})

    adopted = [p for p in plans if p.fully_signed]
    out["plan_adopted"] = (bool(adopted), _("%(n)d current plans, %(a)d adopted by both sides")
                           % {"n": len(plans), "a": len(adopted)})

    published = [p for p in promises if p.fully_signed and p.published_at]
    out["promises_published"] = (bool(published), _("%(n)d current promises, %(p)d signed and published")
                                 % {"n": len(promises), "p": len(published)})

    out["followup_planned"] = (upcoming is not None,
                               _("next meeting %(d)s") % {"d": upcoming.date} if upcoming else _("no meeting planned"))
    return [Criterion(k, str(label), *out[k]) for k, label in CRITERIA]


def path_q(area):
    """Objects of ``area``, of areas below it, or of areas above it (a city-wide agreement or a
    district promise also covers a primary area)."""
    from django.db.models import Q

    above = [c for c in area.path.strip("/").split("/") if c]
    return subtree_q(area.path, "area__path") | Q(area__code__in=above)
