"""Follow-up straight from the data: goal indicators and action effect evaluations.

Every count comes from ``trygg.numbers.queries.count_many`` (the rows of ``incidents_in``) and every statistic from
``trygg.analysis`` (change.poisson_ratio_test, evaluation.wdq / did_rate_ratio), so the numbers
here are the numbers of the situation picture. A goal and an action are the work cycle's
``Goal`` and ``Action`` (this package imports no app's models).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.analysis import change, evaluation
from trygg.incidents import coverage
from trygg.incidents.bra import ALL_CRIMES
from trygg.numbers import figures, queries, wording

BRA = "bra"  # the work cycle's Goal.Sources.BRA: Brå's yearly reported crimes


def _sources(code: str):
    return None if code in ("", "all") else (code,)


class DataEnds:
    """The last day of data a follow-up may use, for many areas at once: the last day every source
    it counts is complete (as ``params.default_end``), never after ``today`` nor a limit. The
    sources with data in each area are read in one query, each source's end once."""

    def __init__(self, areas, today: dt.date | None = None):
        self.today = today or dt.date.today()
        self._sources = queries.sources_within_many(areas)
        self._ends = coverage.coverage_ends(figures.SOURCES)

    def end(self, area, limit: dt.date | None = None, sources=None) -> dt.date:
        present = set(sources) if sources else self._sources.get(area.pk, set())
        ends = [e for s, e in self._ends.items() if s in present and e is not None]
        d = min([*ends, timezone.localdate(), self.today])
        return min(d, limit) if limit else d


def _spec(goal, start: dt.date, end: dt.date) -> queries.CountSpec:
    return queries.CountSpec(goal.area, start, end, theme=goal.theme or None, category=goal.category or None,
                             sources=_sources(goal.sources))


def indicator_count(goal, start: dt.date, end: dt.date) -> int:
    return queries.count_many([_spec(goal, start, end)])[0]


def bra_count(goal, years) -> tuple[int, list[int]]:
    """A Brå goal's indicator summed over ``years``: the crime type (``goal.category``), else the
    theme's crime types, else Brå's "all reported crimes"; with the years that have figures."""
    by_year = queries.crime_statistics_years(goal.area, list(years), theme=goal.theme or None)
    total, have = 0, []
    for year in years:
        counts = by_year.get(year)
        if not counts:
            continue
        if goal.category:
            if goal.category not in counts:
                continue
            total += counts[goal.category]
        elif goal.theme:
            total += sum(counts.values())
        else:
            total += counts.get(ALL_CRIMES, sum(counts.values()))
        have.append(year)
    return total, have


@dataclass
class GoalStatus:
    baseline: int
    baseline_days: int  # the baseline's length: days, or years for a Brå goal
    target: float
    current: int | None
    current_start: dt.date | None
    current_end: dt.date | None
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    reached: bool | None
    direction: str  # "towards", "away", "" (no clear change)

    wants_down: bool = True
    has_baseline: bool = True  # False: the source has no figures for the baseline period ("no data")

    @property
    def change_pct(self) -> float | None:
        return None if self.ratio is None else (self.ratio - 1) * 100

    @property
    def statement(self) -> wording.Statement:
        """The sentence about the change since the baseline (``wording.describe``, kind "goal")."""
        return wording.describe(self.ratio, self.ci_low, self.ci_high, self.p_value, kind="goal",
                                wants_down=self.wants_down)


def goal_statuses(goals, today: dt.date | None = None, ends: DataEnds | None = None) -> list[GoalStatus]:
    """:func:`goal_status` of every goal, in a fixed number of queries however many there are
    (``ends``: the page's :class:`DataEnds`, when it has one)."""
    goals = list(goals)
    ends = ends or DataEnds([g.area for g in goals], today)
    plans = [None if g.sources == BRA else _goal_plan(g, ends) for g in goals]
    counts = iter(queries.count_many([spec for plan in plans if plan for spec in plan[0]]))
    # a Brå goal counts whole calendar years of the yearly statistics (a few queries per Brå goal)
    return [bra_goal_status(g, today) if plan is None else plan[1]([next(counts) for _s in plan[0]])
            for g, plan in zip(goals, plans, strict=True)]


def goal_status(goal, today: dt.date | None = None) -> GoalStatus:
    """Baseline = the indicator over the baseline period; current = the same indicator over a window
    of the same length ending at the latest data (at most the target date); the rate ratio of the
    two with the exact Poisson CI (``change.poisson_ratio_test``); target = baseline × (1 + %/100).
    A Brå goal counts whole calendar years (:func:`bra_goal_status`)."""
    return goal_statuses([goal], today)[0]


def _goal_plan(goal, ends: DataEnds):
    """(the counts the status needs, a function from those counts to the status)."""
    days = (goal.baseline_end - goal.baseline_start).days + 1
    end = ends.end(goal.area, goal.target_date, _sources(goal.sources))
    wants_down = goal.target_change_pct < 0
    baseline_spec = _spec(goal, goal.baseline_start, goal.baseline_end)
    if end <= goal.baseline_end:
        def no_current(counts):
            baseline = counts[0]
            target = baseline * (1 + goal.target_change_pct / 100)
            return GoalStatus(baseline, days, target, None, None, None, None, None, None, None, None, "", wants_down)
        return [baseline_spec], no_current
    start = max(end - dt.timedelta(days=days - 1), goal.baseline_end + dt.timedelta(days=1))
    cur_days = (end - start).days + 1

    def finish(counts):
        baseline, current = counts
        target = baseline * (1 + goal.target_change_pct / 100)
        return _judged(baseline, days, target, current, start, end, cur_days, wants_down)

    return [baseline_spec, _spec(goal, start, end)], finish


def _judged(baseline, days, target, current, start, end, cur_days, wants_down, has_baseline=True) -> GoalStatus:
    r = change.poisson_ratio_test(current, baseline, cur_days, days)
    ratio, lo, hi, p = (float(x) for x in (r.ratio, r.ci_low, r.ci_high, r.p_value))
    scaled = current * days / cur_days  # current pace over a baseline-length window
    reached = scaled <= target if wants_down else scaled >= target
    direction = ""
    if p < wording.ALPHA and ratio == ratio:
        direction = "towards" if (ratio < 1) == wants_down else "away"
    return GoalStatus(baseline, days, target, current, start, end, None if ratio != ratio else ratio, lo, hi, p,
                      reached, direction, wants_down, has_baseline)


def bra_goal_status(goal, today: dt.date | None = None) -> GoalStatus:
    """A goal on Brå's yearly reported crimes: the baseline is the calendar years the baseline period
    touches that have figures; "now" is as many of the latest Brå years after the baseline as there
    are (at most the target year, and only years that ended by ``today``). Brå publishes years, so
    the periods are whole years."""
    base_years = range(goal.baseline_start.year, goal.baseline_end.year + 1)
    baseline, have = bra_count(goal, base_years)
    wants_down = goal.target_change_pct < 0
    target = baseline * (1 + goal.target_change_pct / 100)
    n = len(have)
    today = today or dt.date.today()
    ended = today.year if (today.month, today.day) == (12, 31) else today.year - 1
    latest = queries.latest_crime_statistic_year(goal.area, min(goal.target_date.year, ended))
    if not n or latest is None or latest <= goal.baseline_end.year:
        return GoalStatus(baseline, n, target, None, None, None, None, None, None, None, None, "", wants_down,
                          bool(n))
    first = max(goal.baseline_end.year + 1, latest - n + 1)
    current, cur = bra_count(goal, range(first, latest + 1))
    if not cur:
        return GoalStatus(baseline, n, target, None, None, None, None, None, None, None, None, "", wants_down)
    return _judged(baseline, n, target, current, dt.date(cur[0], 1, 1), dt.date(cur[-1], 12, 31), len(cur),
                   wants_down)


@dataclass
class Effect:
    available: bool
    reason: object = ""
    before: tuple[dt.date, dt.date] | None = None
    after: tuple[dt.date, dt.date] | None = None
    theme: str = ""
    action_area: str = ""
    buffer_area: str = ""
    control_area: str = ""
    counts: dict | None = None
    rr: float | None = None
    rr_low: float | None = None
    rr_high: float | None = None
    rr_p: float | None = None
    wdq: evaluation.WDQResult | None = None

    @property
    def significant(self) -> bool:
        """The difference-in-differences test says the change is more than chance (p < ALPHA)."""
        return self.rr_p is not None and self.rr_p < wording.ALPHA

    @property
    def statement(self) -> wording.Statement:
        """"Worked" only when the test says so; else "no change that can be told from chance" with the CI."""
        return wording.describe(self.rr, self.rr_low, self.rr_high, self.rr_p, kind="effect")

    @property
    def displacement_statement(self) -> wording.Statement:
        return wording.displacement(self.wdq, self.significant)


def comparison_areas(area):
    """(buffer parent, control parent): the buffer is the rest of the area's parent; the control is
    the rest of the grandparent (e.g. the rest of the district, or of the city)."""
    parent = area.parent
    grand = parent.parent if parent else None
    if parent is None:
        return None, None
    if grand is None or grand.level == "country":
        return None, parent  # the area is a municipality's child: no buffer, the rest of the city
    return parent, grand


def action_effects(actions, today: dt.date | None = None, ends: DataEnds | None = None) -> list[Effect]:
    """:func:`action_effect` of every action, in a fixed number of queries however many there are
    (load ``area__parent__parent`` with the actions)."""
    actions = list(actions)
    ends = ends or DataEnds([a.area for a in actions], today)
    plans = [_effect_plan(a, ends) for a in actions]
    counts = iter(queries.count_many([spec for specs, _finish in plans for spec in specs]))
    return [finish([next(counts) for _s in specs]) for specs, finish in plans]


def action_effect(action, today: dt.date | None = None) -> Effect:
    """Before/after of the action area against a comparison area, with the buffer for displacement:
    DiD rate ratio with CI (``evaluation.did_rate_ratio``) and WDQ (``evaluation.wdq``). The after
    period ends at the last day every source is complete (:class:`DataEnds`); the sentences come from
    ``trygg.numbers.wording`` (``Effect.statement``)."""
    return action_effects([action], today)[0]


def _effect_plan(action, ends: DataEnds):
    """(the counts the evaluation needs, a function from those counts to the :class:`Effect`)."""
    def unavailable(reason):
        return [], lambda _counts: Effect(False, reason)

    if not action.start:
        return unavailable(_("The action has no start date."))
    as_of = ends.end(action.area, action.end)
    if as_of < action.start:
        return unavailable(_("The action period has no data yet."))
    days = (as_of - action.start).days + 1
    before = (action.start - dt.timedelta(days=days), action.start - dt.timedelta(days=1))
    after = (action.start, as_of)
    theme = action.theme or None
    buffer_parent, control_parent = comparison_areas(action.area)
    if control_parent is None:
        return unavailable(_("The action area has no comparison area above it."))
    areas = [action.area, *([buffer_parent] if buffer_parent is not None else []), control_parent]
    specs = [queries.CountSpec(area, *period, theme=theme) for area in areas for period in (before, after)]

    def finish(counts):
        a = counts[0:2]
        if buffer_parent is not None:
            bp, cp = counts[2:4], counts[4:6]
            b = [bp[0] - a[0], bp[1] - a[1]]
            c = [cp[0] - bp[0], cp[1] - bp[1]]
        else:
            b, cp = None, counts[2:4]
            c = [cp[0] - a[0], cp[1] - a[1]]
        eff = Effect(True, before=before, after=after, theme=theme or "", action_area=action.area.name,
                     buffer_area=f"{buffer_parent.name} − {action.area.name}" if buffer_parent else "",
                     control_area=f"{control_parent.name} − {(buffer_parent or action.area).name}",
                     counts={"action": a, "buffer": b, "control": c})
        if a[0] + a[1] == 0 or c[0] + c[1] == 0:
            eff.available = False
            eff.reason = _("Too few incidents to evaluate.")
            return eff
        eff.rr, eff.rr_low, eff.rr_high, eff.rr_p = evaluation.did_rate_ratio(a[0], a[1], c[0], c[1])
        if b is not None and c[0] > 0 and c[1] > 0:
            eff.wdq = evaluation.wdq(a[0], a[1], b[0], b[1], c[0], c[1])
        return eff

    return specs, finish
