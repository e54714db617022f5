"""Rates per inhabitants, exact Poisson confidence intervals and empirical-Bayes smoothing.

Sources
-------
* Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika* 28, 437-442
  (exact CI via chi-square / gamma quantiles).
* Marshall, R. J. (1991). Mapping disease and mortality rates using empirical Bayes estimators.
  *J. Royal Statistical Society C (Applied Statistics)* 40(2), 283-294 (global moment EB estimator);
  the same estimator as ``esda.smoothing.Empirical_Bayes`` (Anselin, Lozano & Koschinsky 2006).
"""

from __future__ import annotations

import numpy as np

from trygg.analysis import distributions as dist

__all__ = ["rate", "rate_ci", "eb_smooth"]


def _arrays(counts, population):
    c = np.asarray(counts, dtype=float)
    p = np.asarray(population, dtype=float)
    if np.any(c < 0) or np.any(p < 0):
        raise ValueError("counts and population must be non-negative")
    return np.broadcast_arrays(c, p)


def rate(counts, population, per: float = 1000.0) -> np.ndarray:
    """Crude rate ``per · counts / population``; NaN where population is 0."""
    c, p = _arrays(counts, population)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, per * c / np.where(p > 0, p, 1.0), np.nan)


def rate_ci(counts, population, per: float = 1000.0, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood 1936) two-sided ``1 - alpha`` CI of the rate.

    For ``k`` events: lower = ``Gamma⁻¹(alpha/2; k)`` (0 when k = 0), upper =
    ``Gamma⁻¹(1 - alpha/2; k + 1)`` (equivalently ``χ²`` quantiles / 2), each times ``per / population``.
    NaN where population is 0.
    """
    c, p = _arrays(counts, population)
    lo = np.where(c > 0, dist.gamma_ppf(alpha / 2, np.where(c > 0, c, 1.0)), 0.0)
    hi = dist.gamma_ppf(1 - alpha / 2, c + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(p > 0, per / np.where(p > 0, p, 1.0), np.nan)
    return lo * f, hi * f


def eb_smooth(counts, population, per: float = 1000.0) -> np.ndarray:
    """Global empirical-Bayes smoothed rates (Marshall 1991).

    With ``r_i = c_i / n_i``, ``m = Σc / Σn``, ``s² = Σ n_i (r_i - m)² / Σ n_i`` and
    ``A = s² - m / n̄`` (``n̄`` the mean population; ``A`` set to 0 when negative, Marshall's rule),
    the estimate is ``m + w_i (r_i - m)`` with shrinkage weight ``w_i = A / (A + m / n_i)``: areas with
    few inhabitants are pulled towards the overall rate. Areas with population 0 get NaN and are
    left out of ``m``, ``s²`` and ``n̄``. Returned per ``per`` inhabitants.
    """
    c, p = _arrays(counts, population)
    ok = p > 0
    out = np.full(c.shape, np.nan)
    if not ok.any():
        return out
    co, po = c[ok], p[ok]
    m = co.sum() / po.sum()
    r = co / po
    s2 = (po * (r - m) ** 2).sum() / po.sum()
    a = max(s2 - m / po.mean(), 0.0)
    denom = a + m / po
    w = np.divide(a, denom, out=np.zeros_like(denom), where=denom > 0)
    out[ok] = per * (m + w * (r - m))
    return out


def quantile_breaks(values, k: int = 5) -> list[float]:
    """Upper bounds of ``k`` quantile (equal-count) map classes of the finite ``values``, as
    ``mapclassify.Quantiles`` does (the last bound is the maximum); duplicate bounds are merged, so
    fewer classes come back when values repeat. Empty when there is no finite value."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0 or k < 1:
        return []
    b = np.quantile(v, np.arange(1, k + 1) / k)
    return [float(x) for x in np.unique(b)]


__all__ += ["quantile_breaks"]
