"""Brå's "done" criteria for each step of the cycle, COMPUTED from the objects (never ticked by hand)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from trygg.areas.subtree import subtree_q
from trygg.picture import figures
from trygg.picture.models import Snapshot

from .models import Action, ActionPlan, Agreement, Meeting, Problem, Promise
from .scope import within

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
    today = today or dt.date.today()
    year_ago = today - dt.timedelta(days=365)
    out = {}

    police = figures.incident_counts(area, year_ago, today, sources=("police",))
    est = figures.incident_counts(area, year_ago, today, sources=("est",))
    snaps = within(Snapshot.objects.filter(created_at__date__gte=year_ago), area).count()
    out["pictures_merged"] = (police > 0 and est > 0 and snaps > 0,
                              _("%(p)d police events, %(e)d EST reports, %(s)d joint snapshots in 12 months")
                              % {"p": police, "e": est, "s": snaps})

    problems = within(Problem.objects.all(), area)
    prio = list(problems.filter(prioritised=True).prefetch_related("causes", "goals"))
    out["problems_prioritised"] = (bool(prio), _("%(n)d of %(t)d problems prioritised") % {"n": len(prio), "t": problems.count()})
    with_cause = sum(1 for p in prio if p.causes.all())
    out["causes_analysed"] = (bool(prio) and with_cause == len(prio),
                              _("%(n)d of %(t)d prioritised problems have a cause analysis") % {"n": with_cause, "t": len(prio)})
    with_goal = sum(1 for p in prio if p.goals.all())
    out["goals_set"] = (bool(prio) and with_goal == len(prio),
                        _("%(n)d of %(t)d prioritised problems have a measurable goal") % {"n": with_goal, "t": len(prio)})

    agreements = [a for a in _current(Agreement.objects.filter(path_q(area)), today).prefetch_related("signatures")]
    signed = [a for a in agreements if a.fully_signed]
    out["agreement_signed"] = (bool(signed), _("%(n)d current agreements, %(s)d signed by both sides")
                               % {"n": len(agreements), "s": len(signed)})

    actions = within(Action.objects.exclude(status=Action.Status.CANCELLED), area)
    aimed = actions.filter(cause__isnull=False).count()
    total = actions.count()
    out["actions_aimed"] = (total > 0 and aimed == total,
                            _("%(n)d of %(t)d actions address a cause") % {"n": aimed, "t": total})

    plans = list(_current(within(ActionPlan.objects.all(), area), today).prefetch_related("signatures"))
    adopted = [p for p in plans if p.fully_signed]
    out["plan_adopted"] = (bool(adopted), _("%(n)d current plans, %(a)d adopted by both sides")
                           % {"n": len(plans), "a": len(adopted)})

    promises = list(_current(Promise.objects.filter(path_q(area)), today).prefetch_related("signatures"))
    published = [p for p in promises if p.fully_signed and p.published_at]
    out["promises_published"] = (bool(published), _("%(n)d current promises, %(p)d signed and published")
                                 % {"n": len(promises), "p": len(published)})

    upcoming = within(Meeting.objects.filter(date__gte=today), area).order_by("date").first()
    out["followup_planned"] = (upcoming is not None,
                               _("next meeting %(d)s") % {"d": upcoming.date} if upcoming else _("no meeting planned"))
    return [Criterion(k, str(label), *out[k]) for k, label in CRITERIA]


def path_q(area):
    """Objects of ``area``, of areas below it, or of areas above it (a city-wide agreement or a
    district promise also covers a primary area)."""
    from django.db.models import Q

    above = [c for c in area.path.strip("/").split("/") if c]
    return subtree_q(area.path, "area__path") | Q(area__code__in=above)
