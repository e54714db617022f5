"""Confidence intervals and change tests for survey estimates.

trygg.analysis has count (Poisson) statistics only; survey shares and indices need these:

* Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
  *JASA* 22, 209-212 — the score interval for a proportion.
* The two-proportion z-test with pooled variance (e.g. Agresti, *Categorical Data Analysis*, 3rd
  ed., §2.1) when both shares come with their number of respondents.
* Otherwise the difference of two independent estimates, each standard error recovered from its
  95 % confidence interval: se = (high − low) / (2 · 1.96) (Altman & Bland 2003, *BMJ* 326, 219).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

Z95 = 1.959963984540054


def wilson_interval(share_pct: float, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a share given in percent and ``n`` respondents (percent out): SciPy's
    ``binomtest(k, n).proportion_ci(method="wilson")`` with k = the share's number of respondents
    (rounded to whole people, as the survey counted them)."""
    if n <= 0:
        raise ValueError("respondents must be positive")
    if not 0 <= share_pct <= 100:
        raise ValueError("a share is a percentage from 0 to 100")
    k = min(n, max(0, round(share_pct * n / 100)))
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=1 - alpha, method="wilson")
    return 100.0 * ci.low, 100.0 * ci.high


def mean_interval(value: float, sd: float, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Normal interval for a mean index: value ± z·sd/√n."""
    if n <= 0:
        raise ValueError("respondents must be positive")
    half = stats.norm.ppf(1 - alpha / 2) * sd / math.sqrt(n)
    return value - half, value + half


@dataclass(frozen=True)
class Change:
    difference: float  # current − reference, in the indicator's unit
    z: float
    p_value: float
    significant: bool
    method: str  # "two-proportion z-test" or "difference of independent estimates"
    p_adj: float | None = None  # Benjamini–Hochberg over the table's family (trygg.surveys.results)


def compare(cur, ref, *, share: bool, alpha: float = 0.05) -> Change | None:
    """Test the change between two estimates, each ``(value, n, ci_low, ci_high)``.

    Shares (percent) with respondents on both sides use the pooled two-proportion z-test; anything
    else uses the difference of independent estimates with standard errors from the CIs. Returns
    None when neither is possible (no n and no CI).
    """
    v1, n1, lo1, hi1 = cur
    v0, n0, lo0, hi0 = ref
    if share and n1 and n0:
        p1, p0 = v1 / 100.0, v0 / 100.0
        pooled = (p1 * n1 + p0 * n0) / (n1 + n0)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
        method = "two-proportion z-test"
        diff = p1 - p0
        z = diff / se if se > 0 else 0.0
        diff *= 100.0
    elif None not in (lo1, hi1, lo0, hi0):
        se1, se0 = (hi1 - lo1) / (2 * Z95), (hi0 - lo0) / (2 * Z95)
        se = math.hypot(se1, se0)
        diff = v1 - v0
        z = diff / se if se > 0 else 0.0
        method = "difference of independent estimates"
    else:
        return None
    p = float(2 * stats.norm.sf(abs(z)))
    return Change(difference=diff, z=z, p_value=p, significant=p < alpha, method=method)
