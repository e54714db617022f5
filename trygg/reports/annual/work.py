"""The follow-up part of the report: goals and their follow-up, actions done, citizen-promise
lines met and the Brå checklist – read from trygg.work with the work app's own follow-up code
(``trygg.numbers.followup.goal_statuses``, ``promises.line_progress``, ``checklist.checklist``),
evaluated as of the end of the report year (or today, for a running year). The reports app sits
above the work app (``tests/test_import_graph.py``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.numbers.followup import goal_statuses
from trygg.work.checklist import checklist
from trygg.work.models import Action, Goal, PromiseLine
from trygg.work.promises import line_progress
from trygg.work.scope import within


def _as_of(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), timezone.localdate())


def _pct(x):
    return "–" if x is None else f"{x:+.0f} %"


def work_section(area, year: int, theme: str | None = None) -> dict:
    """``{"blocks": [{"title", "items"}], "counts": {...}}`` for ``area`` (and areas below it);
    with ``theme`` only the actions aimed at causes of problems of that theme."""
    as_of = _as_of(year)
    start = dt.date(year, 1, 1)
    actions = within(Action.objects.exclude(status=Action.Status.CANCELLED), area).filter(start__lte=as_of)
    actions = actions.exclude(end__lt=start).select_related("owner_organisation", "cause__problem")
    if theme:
        actions = actions.filter(cause__problem__theme=theme)
    actions = list(actions.order_by("start"))
    done = [a for a in actions if a.status == Action.Status.DONE]
    action_items = [f"{a.title} – {a.owner_organisation} ({a.get_status_display()})" for a in actions]
    if theme:
        return {"blocks": [{"title": _("Actions aimed at the theme: %(done)d of %(n)d done") % {
            "done": len(done), "n": len(actions)}, "items": action_items}],
            "counts": {"actions": len(actions), "done": len(done)}}

    goals = list(within(Goal.objects.select_related("problem"), area, field="problem__area")
                 .filter(baseline_end__lte=as_of).order_by("target_date"))
    goal_items, reached = [], 0
    for g, s in zip(goals, goal_statuses(goals, today=as_of), strict=True):
        reached += bool(s.reached)
        state = {True: _("reached"), False: _("not reached"), None: _("too early")}[s.reached]
        item = _("%(goal)s: target %(target)s, baseline %(base)d → now %(cur)s (%(chg)s), %(state)s") % {
            "goal": g.title, "target": _pct(g.target_change_pct), "base": s.baseline,
            "cur": "–" if s.current is None else s.current, "chg": _pct(s.change_pct), "state": state}
        goal_items.append(item if s.current is None else f"{item}. {s.statement.text}")
    lines = list(within(PromiseLine.objects.select_related("promise"), area, field="promise__area")
                 .filter(promise__start__lte=as_of, promise__end__gte=start).prefetch_related("reports"))
    line_items, met = [], 0
    for line in lines:
        p = line_progress(line, today=as_of)
        met += p.status == "done"
        line_items.append(f"{line.text}: {p.achieved:g} / {p.target:g} {line.unit} – {p.status_label}")
    criteria = checklist(area, today=as_of)
    return {
        "blocks": [
            {"title": _("Goals: %(r)d of %(n)d reached") % {"r": reached, "n": len(goals)}, "items": goal_items},
            {"title": _("Actions: %(done)d of %(n)d done") % {"done": len(done), "n": len(actions)},
             "items": action_items},
            {"title": _("Citizen-promise lines: %(m)d of %(n)d met") % {"m": met, "n": len(lines)},
             "items": line_items},
            {"title": _("Brå checklist: %(d)d of %(n)d criteria met") % {
                "d": sum(c.done for c in criteria), "n": len(criteria)},
             "items": [f"{'✔' if c.done else '✘'} {c.label} – {c.detail}" for c in criteria]},
        ],
        "counts": {"goals": len(goals), "goals_reached": reached, "actions": len(actions), "done": len(done),
                   "lines": len(lines), "lines_met": met, "criteria": len(criteria),
                   "criteria_met": sum(c.done for c in criteria)},
    }
