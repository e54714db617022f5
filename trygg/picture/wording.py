"""The ONE place where a generated sentence says what a change or an effect means.

Every sentence about a change between two periods (the situation picture's flags, meeting packs,
the annual report) or about an action's effect (follow-up, annual report) is worded here, so no
page claims more than its test:

* "more", "fewer", "worked", "towards/away from the goal" only when the test says the change is
  real (``significant``: the FDR-adjusted flag of the picture, or p < ``ALPHA`` for a single test
  such as the follow-up's difference-in-differences rate ratio);
* otherwise "no change that can be told from chance", always with the rate ratio and its 95 %
  confidence interval, so the reader sees how large a change the data allow;
* no verdict at all when there is no test (incomplete data, too few incidents).

The p-values themselves come from ``trygg.analysis`` (``change.flag_changes``,
``change.poisson_ratio_test``, ``evaluation.did_rate_ratio``); this module only words them, in the
UI language (Swedish by default, English when chosen), with the locale's number format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

ALPHA = 0.05  # a single test (no family to control) is significant at p < ALPHA


@dataclass(frozen=True)
class Statement:
    """A generated sentence and the verdict it states: "up", "down", "none" (no change that can be
    told from chance) or "untested"."""

    verdict: str
    text: str

    def __str__(self) -> str:
        return self.text


def _num(x, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if math.isinf(x):
        return "∞"
    return number_format(round(float(x), digits), digits)


def _p(p) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    if p < 0.001:
        return "< " + number_format(0.001, 3)
    return "= " + number_format(round(float(p), 3), 3)


def _finite(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def describe(ratio, ci_low, ci_high, p_value=None, *, significant: bool | None = None, kind: str = "change",
             wants_down: bool | None = None, against: str = "comparison") -> Statement:
    """Word a rate ratio (current / comparison, or the action area's change relative to the
    comparison area's) with its 95 % CI.

    ``kind``: "change" (a figure against its comparison period), "effect" (an action's
    difference-in-differences rate ratio) or "goal" (a goal's indicator against its baseline; needs
    ``wants_down``). ``significant`` is the caller's test result (e.g. the FDR flag); when None it is
    ``p_value < ALPHA``. Without a ratio or a p-value/flag the statement is "untested". For a
    change, ``against`` says what the ratio is taken against: "comparison" (the comparison period)
    or "baseline" (the count expected from the comparison period and the periods before it).
    """
    if kind not in ("change", "effect", "goal"):
        raise ValueError(f"kind must be change, effect or goal, not {kind!r}")
    if not _finite(ratio) or (significant is None and not _finite(p_value)):
        return Statement("untested", _("Not tested: the data are incomplete or too few for a test."))
    if significant is None:
        significant = bool(p_value < ALPHA)
    values = {"ratio": _num(ratio), "low": _num(ci_low), "high": _num(ci_high), "p": _p(p_value)}
    ci = (_("rate ratio %(ratio)s, 95 %% CI %(low)s–%(high)s, p %(p)s") if _finite(p_value)
          else _("rate ratio %(ratio)s, 95 %% CI %(low)s–%(high)s")) % values
    if not significant:
        if kind == "effect":
            return Statement("none", _("No change that can be told from chance (%(ci)s): the figures do not show "
                                       "whether the action worked.") % {"ci": ci})
        return Statement("none", _("No change that can be told from chance (%(ci)s).") % {"ci": ci})
    up = ratio > 1
    verdict = "up" if up else "down"
    if kind == "effect":
        if up:
            return Statement(verdict, _("The action area rose more than the comparison area (%(ci)s): no sign that "
                                        "the action worked.") % {"ci": ci})
        return Statement(verdict, _("The action worked: the action area fell more than the comparison area "
                                    "(%(ci)s).") % {"ci": ci})
    if kind == "goal":
        towards = (not up) == bool(wants_down)
        if towards:
            return Statement(verdict, _("A clear change towards the goal (%(ci)s).") % {"ci": ci})
        return Statement(verdict, _("A clear change away from the goal (%(ci)s).") % {"ci": ci})
    if against == "baseline":
        if up:
            return Statement(verdict, _("More than expected from the comparison period and the periods before it "
                                        "(%(ci)s).") % {"ci": ci})
        return Statement(verdict, _("Fewer than expected from the comparison period and the periods before it "
                                    "(%(ci)s).") % {"ci": ci})
    if up:
        return Statement(verdict, _("More than in the comparison period (%(ci)s).") % {"ci": ci})
    return Statement(verdict, _("Fewer than in the comparison period (%(ci)s).") % {"ci": ci})


def describe_row(row) -> Statement:
    """:func:`describe` for a figure row of the situation picture (``figures.FigureRow`` or its
    dict): significant only when its FDR-adjusted flag is set; untested when it was not compared."""
    get = row.get if isinstance(row, dict) else (lambda k, d=None: getattr(row, k, d))
    if not get("comparable", True) or get("p_adj") is None:
        return Statement("untested", _("Not tested: the data are incomplete or too few for a test."))
    ratio = get("ratio")
    if ratio is None and get("count", 0) > 0 and get("comparison_count", 0) == 0:
        ratio = math.inf  # from none to some: the ratio is unbounded (JSON keeps it as null)
    return describe(ratio, get("ci_low"), get("ci_high"), get("p_adj"), significant=bool(get("significant")),
                    against="baseline" if get("test") == "baseline" else "comparison")


def displacement(wdq_result, effect_significant: bool) -> Statement:
    """What the weighted displacement quotient (Bowers & Johnson 2003) may be said to show: nothing
    while the direct effect itself cannot be told from chance; otherwise its reading."""
    if wdq_result is None:
        return Statement("untested", "")
    if not effect_significant:
        return Statement("untested", _("The displacement quotient is not read: the effect itself cannot be told "
                                       "from chance."))
    texts = {
        "no_success": _("The action area did not fall relative to the comparison area, so the displacement "
                        "quotient is not read."),
        "diffusion_exceeds_effect": _("The buffer zone fell even more than the direct effect (diffusion of "
                                      "benefits)."),
        "diffusion": _("The buffer zone fell too (diffusion of benefits)."),
        "no_change": _("No displacement to or diffusion into the buffer zone."),
        "displacement_less_than_effect": _("Some incidents moved to the buffer zone, but fewer than were prevented "
                                           "(net benefit)."),
        "displacement_exceeds_effect": _("More incidents moved to the buffer zone than were prevented: "
                                         "counterproductive overall."),
    }
    return Statement(wdq_result.interpretation, texts[wdq_result.interpretation])


def describe_survey_change(change, higher_is_worse: bool, *, share: bool) -> Statement:
    """Word a survey indicator's change since the survey year before (``trygg.surveys.statistics
    .Change`` with its Benjamini–Hochberg ``p_adj`` over the table): "better"/"worse" only when
    significant after FDR, otherwise "no change that can be told from chance"; always with the
    difference and the adjusted p-value. No change (a result hidden or missing): "untested"."""
    if change is None:
        return Statement("untested", _("Not tested: a result is missing or has fewer than 5 answers."))
    p = change.p_adj if change.p_adj is not None else change.p_value
    unit = _("percentage points") if share else _("points")
    values = {"diff": ("+" if change.difference > 0 else "") + _num(change.difference, 1), "unit": unit, "p": _p(p)}
    detail = _("difference %(diff)s %(unit)s, p after FDR %(p)s") % values
    if not change.significant:
        return Statement("none", _("No change that can be told from chance (%(detail)s).") % {"detail": detail})
    worse = (change.difference > 0) == bool(higher_is_worse)
    if worse:
        return Statement("worse", _("Worse than in the survey before (%(detail)s).") % {"detail": detail})
    return Statement("better", _("Improved since the survey before (%(detail)s).") % {"detail": detail})
