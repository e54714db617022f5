"""Did the action work? Before/after evaluation against a control area and a buffer zone.

Sources
-------
* Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and diffusion of
  benefit effects of crime prevention activity. *J. Quantitative Criminology* 19(3), 275-301
  (success measure, buffer displacement measure, Weighted Displacement Quotient).
* Guerette, R. T. (2009). *Analyzing Crime Displacement and Diffusion*. POP Center Tool Guide 10
  (total net effect and the interpretation table).
* Rothman, K. J., Greenland, S. & Lash, T. L. (2008). *Modern Epidemiology*, 3rd ed., ch. 14 —
  Wald CI for a log ratio of Poisson rates; ratio of ratios = difference-in-differences on the log
  scale (see also Farrington, D. P. et al. 2007, the "relative effect size" used in the Campbell
  reviews of CCTV and street lighting).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["WDQResult", "wdq", "did_rate_ratio"]


@dataclass(frozen=True)
class WDQResult:
    sdq: float  # Bowers & Johnson's success measure  A_a/C_a - A_b/C_b  (< 0: relative reduction)
    bdq: float  # buffer displacement measure          B_a/C_a - B_b/C_b  (> 0: displacement)
    wdq: float  # bdq / sdq
    total_net_effect: float  # crimes prevented, net: [A_b·C_a/C_b - A_a] + [B_b·C_a/C_b - B_a]
    interpretation: str  # 'diffusion_exceeds_effect', 'diffusion', 'no_change', 'displacement_less_than_effect', 'displacement_exceeds_effect', 'no_success'
    text: str  # one English sentence describing the quotient (never whether the action worked)


# Descriptions of the quotient only: whether the action *worked* is the rate-ratio test's to say
# (``did_rate_ratio``), so no sentence here claims it (the pages word both with trygg.numbers.wording).
_TEXT = {
    "no_success": "The action area did not fall relative to the control area; the WDQ is not interpretable.",
    "diffusion_exceeds_effect": "WDQ > 1: the buffer zone fell more than the action area did, relative to the control (diffusion of benefits); whether either fall is more than chance is for the rate-ratio test.",
    "diffusion": "0 < WDQ <= 1: the buffer zone fell too, relative to the control (diffusion of benefits); whether the fall is more than chance is for the rate-ratio test.",
    "no_change": "WDQ = 0: no displacement to or diffusion into the buffer zone; whether the action area's fall is more than chance is for the rate-ratio test.",
    "displacement_less_than_effect": "-1 <= WDQ < 0: some incidents moved to the buffer zone, fewer than the action area's fall (net benefit); whether that fall is more than chance is for the rate-ratio test.",
    "displacement_exceeds_effect": "WDQ < -1: displacement to the buffer zone exceeds the action area's fall: counterproductive overall.",
}


def wdq(action_before, action_after, buffer_before, buffer_after, control_before, control_after) -> WDQResult:
    """Weighted Displacement Quotient (Bowers & Johnson 2003).

    ``SM = A_a/C_a - A_b/C_b`` (success measure; negative = the action area fell relative to the
    control), ``BDM = B_a/C_a - B_b/C_b`` (buffer displacement measure), ``WDQ = BDM / SM``.
    Interpretation (when SM < 0): WDQ > 1 diffusion greater than the direct effect; 0 < WDQ ≤ 1
    diffusion of benefits; WDQ = 0 no displacement or diffusion; -1 ≤ WDQ < 0 displacement smaller
    than the direct effect; WDQ < -1 displacement exceeds the effect. When SM ≥ 0 the action did not
    succeed and the WDQ is not interpreted. Also returns the total net effect (Guerette 2009).
    """
    ab, aa, bb, ba, cb, ca = (float(v) for v in (action_before, action_after, buffer_before, buffer_after,
                                                 control_before, control_after))
    if min(ab, aa, bb, ba, cb, ca) < 0:
        raise ValueError("counts must be non-negative")
    if cb <= 0 or ca <= 0:
        raise ValueError("the control area needs counts > 0 in both periods")
    sm = aa / ca - ab / cb
    bdm = ba / ca - bb / cb
    w = bdm / sm if sm != 0 else float("nan")
    tne = (ab * ca / cb - aa) + (bb * ca / cb - ba)
    if not sm < 0:
        kind = "no_success"
    elif w > 1:
        kind = "diffusion_exceeds_effect"
    elif w > 0:
        kind = "diffusion"
    elif w == 0:
        kind = "no_change"
    elif w >= -1:
        kind = "displacement_less_than_effect"
    else:
        kind = "displacement_exceeds_effect"
    return WDQResult(sm, bdm, w, tne, kind, _TEXT[kind])


def did_rate_ratio(action_before, action_after, control_before, control_after, alpha: float = 0.05):
    """Difference-in-differences rate ratio ``RR = (A_a / A_b) / (C_a / C_b)`` with Wald CI.

    ``log RR`` has ``SE = √(1/A_a + 1/A_b + 1/C_a + 1/C_b)`` (Poisson counts; Rothman et al. 2008);
    CI ``exp(log RR ± z SE)`` and two-sided p from ``z = log RR / SE``. RR < 1: the action area fell
    more (or rose less) than the control. Continuity correction: when any of the four counts is 0,
    0.5 is added to all four (Haldane–Anscombe). Vectorised: arguments broadcast; returns
    ``(ratio, ci_low, ci_high, p_value)`` as floats or arrays.
    """
    c = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in
                              (action_before, action_after, control_before, control_after)))
    ab, aa, cb, ca = (np.array(v, dtype=float) for v in c)
    if any(np.any(v < 0) for v in (ab, aa, cb, ca)):
        raise ValueError("counts must be non-negative")
    zero = (ab == 0) | (aa == 0) | (cb == 0) | (ca == 0)
    ab, aa, cb, ca = (np.where(zero, v + 0.5, v) for v in (ab, aa, cb, ca))
    log_rr = np.log(aa) - np.log(ab) - np.log(ca) + np.log(cb)
    se = np.sqrt(1 / aa + 1 / ab + 1 / ca + 1 / cb)
    z = stats.norm.ppf(1 - alpha / 2)
    p = 2 * stats.norm.sf(np.abs(log_rr / se))
    out = (np.exp(log_rr), np.exp(log_rr - z * se), np.exp(log_rr + z * se), p)
    if log_rr.ndim == 0:
        return tuple(float(v) for v in out)
    return out
