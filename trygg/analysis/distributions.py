"""The few distribution functions the change tests and rate intervals need, from ``scipy.special``.

``import scipy.stats`` takes about 0.85 s (it builds every distribution object and imports
``scipy.optimize``, ``scipy.spatial`` and ``scipy.ndimage``); ``scipy.special`` about 0.2 s. A
situation picture needs only binomial, beta, Student t, normal and gamma tail functions and the
Benjamini–Hochberg adjustment, so ``trygg picture`` and a page's first view read them here
(``scipy.special`` imported by the functions that use it: a command that reads stored figures never
needs it). Each
is the special function that ``scipy.stats`` documents for that distribution (Cephes and Boost
routines), and ``trygg/analysis/tests/test_distributions.py`` checks every one against
``scipy.stats`` (and the BH step against ``scipy.stats.false_discovery_control``) on a grid that
includes the edge cases.

Sources: Abramowitz, M. & Stegun, I. A. (1964). *Handbook of Mathematical Functions*, §26.5
(binomial and Student t through the regularised incomplete beta function), §26.4 (gamma); Moshier,
S. L. (1989). *Methods and Programs for Mathematical Functions* (Cephes); Benjamini, Y. & Hochberg,
Y. (1995). Controlling the false discovery rate. *JRSS B* 57, 289-300.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "binom_pmf", "binom_cdf", "binom_sf", "beta_ppf", "t_ppf", "t_sf", "norm_ppf", "norm_sf",
    "gamma_ppf", "bh_adjust",
]


def binom_pmf(k, n, p) -> np.ndarray:
    """``P(X = k)`` for ``X ~ Bin(n, p)``: ``exp(-log(n + 1) - log B(n - k + 1, k + 1) + k log p +
    (n - k) log(1 - p))``, with ``0 · log 0 = 0``; 0 outside ``0 ≤ k ≤ n``."""
    from scipy import special

    k, n, p = np.broadcast_arrays(np.asarray(k, float), np.asarray(n, float), np.asarray(p, float))
    inside = (k >= 0) & (k <= n)
    kk = np.where(inside, k, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log = (-np.log1p(n) - special.betaln(n - kk + 1, kk + 1)
               + special.xlogy(kk, p) + special.xlog1py(n - kk, -p))
    return np.where(inside, np.exp(log), 0.0)[()]


def binom_cdf(k, n, p) -> np.ndarray:
    """``P(X ≤ k)`` for ``X ~ Bin(n, p)`` (``scipy.special.bdtr``): 0 below 0, 1 from ``n`` on."""
    from scipy import special

    k, n, p = np.broadcast_arrays(np.floor(np.asarray(k, float)), np.asarray(n, float), np.asarray(p, float))
    mid = (k >= 0) & (k < n)
    out = special.bdtr(np.where(mid, k, 0).astype(np.int64), n.astype(np.int64), p)
    return np.where(k < 0, 0.0, np.where(k >= n, 1.0, out))[()]


def binom_sf(k, n, p) -> np.ndarray:
    """``P(X > k)`` for ``X ~ Bin(n, p)`` (``scipy.special.bdtrc``): 1 below 0, 0 from ``n`` on."""
    from scipy import special

    k, n, p = np.broadcast_arrays(np.floor(np.asarray(k, float)), np.asarray(n, float), np.asarray(p, float))
    mid = (k >= 0) & (k < n)
    out = special.bdtrc(np.where(mid, k, 0).astype(np.int64), n.astype(np.int64), p)
    return np.where(k < 0, 1.0, np.where(k >= n, 0.0, out))[()]


def beta_ppf(q, a, b) -> np.ndarray:
    """Quantile of the Beta(a, b) distribution (``scipy.special.betaincinv``)."""
    from scipy import special

    return special.betaincinv(a, b, q)


def t_ppf(q, df) -> np.ndarray:
    """Quantile of Student's t on ``df`` degrees of freedom (``scipy.special.stdtrit``)."""
    from scipy import special

    return special.stdtrit(df, q)


def t_sf(x, df) -> np.ndarray:
    """``P(T > x)`` for Student's t on ``df`` degrees of freedom (``scipy.special.stdtr``)."""
    from scipy import special

    return special.stdtr(df, -np.asarray(x, float))


def norm_ppf(q) -> np.ndarray:
    """Quantile of the standard normal distribution (``scipy.special.ndtri``)."""
    from scipy import special

    return special.ndtri(q)


def norm_sf(x) -> np.ndarray:
    """``P(Z > x)`` for the standard normal distribution (``scipy.special.ndtr``)."""
    from scipy import special

    return special.ndtr(-np.asarray(x, float))


def gamma_ppf(q, a) -> np.ndarray:
    """Quantile of the Gamma(a, 1) distribution (``scipy.special.gammaincinv``)."""
    from scipy import special

    return special.gammaincinv(a, q)


def bh_adjust(p) -> np.ndarray:
    """Benjamini–Hochberg (1995) adjusted p-values of a 1-D array of finite p-values:
    ``p̃_(i) = min_{j ≥ i} min(1, m p_(j) / j)``, the same numbers as
    ``scipy.stats.false_discovery_control(p, method='bh')``."""
    p = np.asarray(p, float)
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    adj = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    out = np.empty(m)
    out[order] = adj
    return out
