"""Metropolitan comparison: crime rates per 100,000 inhabitants by municipality and theme.

Rates with exact Poisson (Garwood 1936) confidence intervals; ranking with CIs following
Goldstein, H. & Spiegelhalter, D. J. (1996). League tables and their limitations. *JRSS A* 159(3),
385-443: a rank is only reported with the range of ranks compatible with the intervals.
"""

from __future__ import annotations

import numpy as np

from .rates import rate, rate_ci

__all__ = ["rates_per_100k", "rank_with_ci"]


def rates_per_100k(counts_by_muni_theme, population_by_muni, alpha: float = 0.05):
    """Rates per 100,000 for a ``(municipalities, themes)`` count array and a ``(municipalities,)``
    population array. Returns ``(rate, ci_low, ci_high)`` arrays of the counts' shape (NaN where the
    population is 0). Pure function: the caller picks the municipalities (e.g. a municipality and its metropolitan peers,
    Malmö) and the year whose population applies."""
    c = np.asarray(counts_by_muni_theme, dtype=float)
    p = np.asarray(population_by_muni, dtype=float)
    if c.ndim == 1:
        c = c[:, None]
    if p.shape != (c.shape[0],):
        raise ValueError("population must have one value per municipality (row of counts)")
    r = rate(c, p[:, None], per=100_000.0)
    lo, hi = rate_ci(c, p[:, None], per=100_000.0, alpha=alpha)
    return r, lo, hi


def rank_with_ci(rates, ci_low, ci_high, descending: bool = True):
    """Rank units by rate (1 = highest when ``descending``) with the best and worst rank compatible
    with the CIs: a unit's best rank is 1 + the number of units whose lower limit exceeds its upper
    limit; its worst rank is n minus the number whose upper limit is below its lower limit (for
    descending order; mirrored otherwise). Works on 1-D arrays; NaN rates rank last."""
    r = np.asarray(rates, dtype=float)
    lo = np.asarray(ci_low, dtype=float)
    hi = np.asarray(ci_high, dtype=float)
    key = np.where(np.isnan(r), -np.inf if descending else np.inf, r)
    order = np.argsort(-key if descending else key, kind="stable")
    rank = np.empty(r.size, dtype=np.int64)
    rank[order] = np.arange(1, r.size + 1)
    n = r.size
    if descending:
        better = (lo[None, :] > hi[:, None]).sum(axis=1)  # units surely higher than me
        worse = (hi[None, :] < lo[:, None]).sum(axis=1)  # units surely lower than me
    else:
        better = (hi[None, :] < lo[:, None]).sum(axis=1)
        worse = (lo[None, :] > hi[:, None]).sum(axis=1)
    return rank, 1 + better, n - worse
