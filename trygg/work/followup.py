"""Follow-up straight from the data: goal indicators and action effect evaluations.

Every count comes from ``trygg.picture.figures.incident_counts`` and every statistic from
``trygg.analysis`` (change.poisson_ratio_test, evaluation.wdq / did_rate_ratio), so the numbers
here are the numbers of the situation picture.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from trygg.analysis import change, evaluation
from trygg.incidents.bra import ALL_CRIMES
from trygg.picture import figures, queries, wording
from trygg.picture.params import default_end

from .models import Action, Goal


def _sources(code: str):
    return None if code in ("", "all") else (code,)


def _as_of(area, limit: dt.date | None = None, today: dt.date | None = None, sources=None) -> dt.date:
    """The last day of data a follow-up may use: the last day every source it counts is complete
    (``params.default_end``), never after ``today`` nor ``limit``."""
    today = today or dt.date.today()
    d = min(today, default_end(area, sources))
    return min(d, limit) if limit else d


def indicator_count(goal: Goal, start: dt.date, end: dt.date) -> int:
    return figures.incident_counts(goal.area, start, end, theme=goal.theme or None, category=goal.category or None,
                                   sources=_sources(goal.sources))


def bra_count(goal: Goal, years) -> tuple[int, list[int]]:
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


def goal_status(goal: Goal, today: dt.date | None = None) -> GoalStatus:
    """Baseline = the indicator over the baseline period; current = the same indicator over a window
    of the same length ending at the latest data (at most the target date); the rate ratio of the
    two with the exact Poisson CI (``change.poisson_ratio_test``); target = baseline × (1 + %/100).
    A Brå goal counts whole calendar years (:func:`bra_goal_status`)."""
    if goal.sources == Goal.Sources.BRA:
        return bra_goal_status(goal, today)
    days = (goal.baseline_end - goal.baseline_start).days + 1
    baseline = indicator_count(goal, goal.baseline_start, goal.baseline_end)
    target = baseline * (1 + goal.target_change_pct / 100)
    end = _as_of(goal.area, goal.target_date, today, _sources(goal.sources))
    wants_down = goal.target_change_pct < 0
    if end <= goal.baseline_end:
        return GoalStatus(baseline, days, target, None, None, None, None, None, None, None, None, "", wants_down)
    start = max(end - dt.timedelta(days=days - 1), goal.baseline_end + dt.timedelta(days=1))
    cur_days = (end - start).days + 1
    current = indicator_count(goal, start, end)
    return _judged(baseline, days, target, current, start, end, cur_days, wants_down)


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


def bra_goal_status(goal: Goal, today: dt.date | None = None) -> GoalStatus:
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


def action_effect(action: Action, today: dt.date | None = None) -> Effect:
    """Before/after of the action area against a comparison area, with the buffer for displacement:
    DiD rate ratio with CI (``evaluation.did_rate_ratio``) and WDQ (``evaluation.wdq``). The after
    period ends at the last day every source is complete (:func:`_as_of`); the sentences come from
    ``trygg.picture.wording`` (``Effect.statement``)."""
    if not action.start:
        return Effect(False, _("The action has no start date."))
    as_of = _as_of(action.area, action.end, today)
    if as_of < action.start:
        return Effect(False, _("The action period has no data yet."))
    days = (as_of - action.start).days + 1
    before = (action.start - dt.timedelta(days=days), action.start - dt.timedelta(days=1))
    after = (action.start, as_of)
    theme = action.theme or None
    buffer_parent, control_parent = comparison_areas(action.area)
    if control_parent is None:
        return Effect(False, _("The action area has no comparison area above it."))

    def n(area, period):
        return figures.incident_counts(area, period[0], period[1], theme=theme)

    a = [n(action.area, before), n(action.area, after)]
    if buffer_parent is not None:
        bp = [n(buffer_parent, before), n(buffer_parent, after)]
        b = [bp[0] - a[0], bp[1] - a[1]]
        cp = [n(control_parent, before), n(control_parent, after)]
        c = [cp[0] - bp[0], cp[1] - bp[1]]
    else:
        b = None
        cp = [n(control_parent, before), n(control_parent, after)]
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
