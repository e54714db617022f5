"""Change that is real, not noise: exact rate-ratio tests, FDR control and multi-year trends.

Sources
-------
* Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from Poisson
  series. *Biometrika* 31, 313-323 — the exact *conditional* test: given ``n = c1 + c0``,
  ``c1 ~ Binomial(n, t1 / (t1 + t0))`` when the two rates are equal.
* Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in the
  case of the binomial. *Biometrika* 26, 404-413 — exact CI for the binomial proportion, mapped to
  the rate ratio by ``R = π / (1 - π) · t0 / t1``.
* Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57, 289-300.
* McCullagh, P. & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. — Poisson GLM by IRLS.
* Cameron, A. C. & Trivedi, P. K. (2013). *Regression Analysis of Count Data*, 2nd ed., §3.2-3.3 —
  NB2 model and the moment estimator of its dispersion ``alpha``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "ChangeResult", "ChangeFlags", "TrendResult", "poisson_ratio_test", "binom_test_two_sided",
    "benjamini_hochberg", "flag_changes", "trend",
]


@dataclass(frozen=True)
class ChangeResult:
    """Rate ratio (current / reference) with exact CI and two-sided p-value, per cell."""

    ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray


@dataclass(frozen=True)
class ChangeFlags:
    ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray
    p_adj: np.ndarray
    significant: np.ndarray
    direction: np.ndarray  # 'up', 'down' or ''


@dataclass(frozen=True)
class TrendResult:
    slope: float  # log rate change per year
    ci_low: float
    ci_high: float
    p_value: float
    annual_change_pct: float  # 100·(exp(slope) - 1)
    model: str  # 'poisson' or 'negative_binomial'
    dispersion: float  # Pearson χ² / (n - 2) of the Poisson fit
    alpha: float = 0.0  # NB2 dispersion parameter (0 for Poisson)


def _bsearch(a, d, lo, hi):
    """Vectorised ``scipy.stats._binomtest._binary_search_for_binom_tst``: index i in [lo, hi]
    with ``a(i) <= d < a(i+1)`` for ascending ``a``; identical steps, element-wise."""
    lo = lo.astype(np.int64).copy()
    hi = hi.astype(np.int64).copy()
    found = np.full(lo.shape, -1, dtype=np.int64)
    active = lo < hi
    while active.any():  # ≤ log2(n) + 1 rounds
        mid = lo + (hi - lo) // 2
        midval = a(mid)
        lt = active & (midval < d)
        gt = active & (midval > d)
        eq = active & ~lt & ~gt
        lo = np.where(lt, mid + 1, lo)
        hi = np.where(gt, mid - 1, hi)
        found = np.where(eq, mid, found)
        active = active & ~eq & (lo < hi)
    tail = np.where(a(lo) <= d, lo, lo - 1)
    return np.where(found >= 0, found, tail)


def binom_test_two_sided(k, n, p) -> np.ndarray:
    """Two-sided exact binomial test p-value, element-wise, with the same definition and the same
    relative tolerance (1e-7) as ``scipy.stats.binomtest(k, n, p).pvalue``: the sum of the
    probabilities of all outcomes no more likely than the observed one."""
    k, n, p = np.broadcast_arrays(np.asarray(k, np.int64), np.asarray(n, np.int64), np.asarray(p, float))
    shape = k.shape
    k, n, p = k.ravel(), n.ravel(), p.ravel()
    out = np.ones(k.shape, dtype=float)
    d = stats.binom.pmf(k, n, p)
    rerr = 1 + 1e-7
    pn = p * n
    low = (k < pn) & (n > 0)
    high = (k > pn) & (n > 0)
    if low.any():
        kk, nn, pp, dd = k[low], n[low], p[low], d[low]
        ix = _bsearch(lambda x: -stats.binom.pmf(x, nn, pp), -dd * rerr, np.ceil(pp * nn), nn)
        y = nn - ix + (dd * rerr == stats.binom.pmf(ix, nn, pp)).astype(np.int64)
        out[low] = stats.binom.cdf(kk, nn, pp) + stats.binom.sf(nn - y, nn, pp)
    if high.any():
        kk, nn, pp, dd = k[high], n[high], p[high], d[high]
        ix = _bsearch(lambda x: stats.binom.pmf(x, nn, pp), dd * rerr, np.zeros_like(nn), np.floor(pp * nn))
        y = ix + 1
        out[high] = stats.binom.cdf(y - 1, nn, pp) + stats.binom.sf(kk - 1, nn, pp)
    return np.minimum(out, 1.0).reshape(shape)


def poisson_ratio_test(c1, c0, t1=1.0, t0=1.0, alpha: float = 0.05) -> ChangeResult:
    """Exact conditional test of ``H0: λ1 = λ0`` for counts ``c1 ~ Poisson(λ1 t1)``, ``c0 ~ Poisson(λ0 t0)``.

    Conditioning on ``n = c1 + c0`` (Przyborowski & Wilenski 1940) gives ``c1 ~ Bin(n, π0)`` with
    ``π0 = t1 / (t1 + t0)``; the p-value is the two-sided binomial test (``binom_test_two_sided``,
    = ``scipy.stats.binomtest``). The rate ratio is ``R = (c1/t1) / (c0/t0)`` and its CI is the
    Clopper–Pearson interval ``[π_L, π_U]`` of ``π = c1/n`` transformed by ``R = π/(1-π) · t0/t1``.
    ``t1, t0`` are exposures (days, person-years …). Vectorised over broadcastable arrays; cells
    with ``c1 = c0 = 0`` get ratio NaN, CI [0, inf] and p = 1.
    """
    c1, c0, t1, t0 = np.broadcast_arrays(
        np.asarray(c1, float), np.asarray(c0, float), np.asarray(t1, float), np.asarray(t0, float)
    )
    if np.any(c1 < 0) or np.any(c0 < 0) or np.any(c1 != np.round(c1)) or np.any(c0 != np.round(c0)):
        raise ValueError("counts must be non-negative integers")
    if np.any(t1 <= 0) or np.any(t0 <= 0):
        raise ValueError("exposures must be positive")
    n = c1 + c0
    pi0 = t1 / (t1 + t0)
    # The p-value and the CI of π depend only on (c1, c0, π0); situation pictures repeat the same small
    # counts many times, so compute each distinct triple once (factorised into one int64 code).
    pu, pcode = np.unique(pi0.ravel(), return_inverse=True)
    a1, a0 = c1.ravel().astype(np.int64), c0.ravel().astype(np.int64)
    m1, m0 = int(a1.max(initial=0)) + 1, int(a0.max(initial=0)) + 1
    if float(pu.size) * m1 * m0 < 2**62:
        code = (pcode.astype(np.int64) * m1 + a1) * m0 + a0
        ucode, inv = np.unique(code, return_inverse=True)
        uk1, uk0, upi = (ucode // m0) % m1, ucode % m0, pu[ucode // (m0 * m1)]
    else:
        uk1, uk0, upi, inv = a1, a0, pi0.ravel(), np.arange(a1.size)
    uk1f, uk0f = uk1.astype(float), uk0.astype(float)
    up = binom_test_two_sided(uk1, uk1 + uk0, upi)
    with np.errstate(divide="ignore", invalid="ignore"):
        ulo = np.where(uk1 > 0, stats.beta.ppf(alpha / 2, np.maximum(uk1f, 1), uk0f + 1), 0.0)
        uhi = np.where(uk0 > 0, stats.beta.ppf(1 - alpha / 2, uk1f + 1, np.maximum(uk0f, 1)), 1.0)
    shape = c1.shape
    p = up[inv].reshape(shape)
    lo_pi, hi_pi = ulo[inv].reshape(shape), uhi[inv].reshape(shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(n > 0, (c1 / t1) / (c0 / t0), np.nan)
        f = t0 / t1
        ci_low = np.where(n > 0, lo_pi / (1 - lo_pi) * f, 0.0)
        ci_high = np.where((n > 0) & (hi_pi < 1), hi_pi / (1 - hi_pi) * f, np.inf)
    return ChangeResult(ratio, ci_low, ci_high, p)


def benjamini_hochberg(p_values, q: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini–Hochberg (1995) step-up procedure.

    Adjusted ``p_(i) = min_{j ≥ i} min(1, m · p_(j) / j)`` over the ``m`` sorted finite p-values (the
    same numbers as ``scipy.stats.false_discovery_control(p, method='bh')`` and R's
    ``p.adjust(p, 'BH')``); a hypothesis is rejected when its adjusted p ≤ ``q``, which controls the
    false discovery rate at ``q``. NaN p-values are ignored (adjusted NaN, not rejected).
    """
    p = np.asarray(p_values, dtype=float)
    shape = p.shape
    p = p.ravel()
    adj = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m:
        po = p[ok]
        order = np.argsort(po, kind="stable")
        ranked = po[order] * m / np.arange(1, m + 1)
        ranked = np.minimum.accumulate(ranked[::-1])[::-1]
        a = np.empty(m)
        a[order] = np.clip(ranked, 0.0, 1.0)
        adj[ok] = a
    rejected = np.zeros(p.shape, dtype=bool)
    rejected[ok] = adj[ok] <= q
    return rejected.reshape(shape), adj.reshape(shape)


def flag_changes(c1, c0, t1=1.0, t0=1.0, q: float = 0.05, alpha: float = 0.05) -> ChangeFlags:
    """Test every cell (``poisson_ratio_test``) and control the FDR across *all* cells shown together
    (``benjamini_hochberg``). ``direction`` is 'up'/'down' for significant increases/decreases."""
    r = poisson_ratio_test(c1, c0, t1, t0, alpha=alpha)
    sig, adj = benjamini_hochberg(r.p_value, q)
    direction = np.where(sig & (r.ratio > 1), "up", np.where(sig & (r.ratio < 1), "down", ""))
    return ChangeFlags(r.ratio, r.ci_low, r.ci_high, r.p_value, adj, sig, direction.astype(object))


def _irls(y, X, offset, alpha=0.0, tol=1e-10, max_iter=100):
    """IRLS for log-link count GLM: Poisson (alpha=0) or NB2 with fixed alpha.
    Weights ``w = μ / (1 + α μ)``; returns (beta, mu, covariance = (Xᵀ W X)⁻¹)."""
    mu = np.maximum(y, 0.5)
    eta = np.log(mu) - offset
    beta = np.linalg.lstsq(X, eta, rcond=None)[0]
    for _ in range(max_iter):
        eta = X @ beta + offset
        mu = np.exp(eta)
        w = mu / (1 + alpha * mu)
        z = eta - offset + (y - mu) / mu
        XtW = X.T * w
        new = np.linalg.solve(XtW @ X, XtW @ z)
        if np.max(np.abs(new - beta)) < tol:
            beta = new
            break
        beta = new
    mu = np.exp(X @ beta + offset)
    w = mu / (1 + alpha * mu)
    cov = np.linalg.inv((X.T * w) @ X)
    return beta, mu, cov


def trend(counts, exposure=None, years=None, alpha: float = 0.05, overdispersion_threshold: float = 1.5) -> TrendResult:
    """Log-linear trend of yearly counts: ``log E[y_t] = b0 + b1·year_t + log(exposure_t)``.

    Fitted as a Poisson GLM by IRLS (McCullagh & Nelder 1989). If the Pearson dispersion
    ``φ = Σ (y - μ)² / μ / (n - 2)`` exceeds ``overdispersion_threshold`` (1.5), the model is refitted as
    negative binomial NB2 (``Var = μ + α μ²``) with ``α`` from the moment estimator
    ``α = Σ ((y - μ)² - μ) / μ² / (n - 2)`` (Cameron & Trivedi 2013), iterated with the IRLS fit until
    stable, then held fixed. ``slope`` is ``b1``; the CI and p-value are Wald (normal) based on the
    model's inverse Fisher information; ``annual_change_pct = 100·(exp(b1) - 1)``.
    ``exposure`` (e.g. population) defaults to 1; ``years`` defaults to 0, 1, 2, …
    """
    y = np.asarray(counts, dtype=float)
    n = y.size
    if n < 3:
        raise ValueError("a trend needs at least 3 periods")
    if np.any(y < 0):
        raise ValueError("counts must be non-negative")
    t = np.arange(n, dtype=float) if years is None else np.asarray(years, dtype=float)
    e = np.ones(n) if exposure is None else np.asarray(exposure, dtype=float)
    if np.any(e <= 0):
        raise ValueError("exposure must be positive")
    if y.sum() == 0:
        return TrendResult(0.0, -np.inf, np.inf, 1.0, 0.0, "poisson", np.nan)
    tc = t - t.mean()
    X = np.column_stack([np.ones(n), tc])
    off = np.log(e)
    beta, mu, cov = _irls(y, X, off)
    df = max(n - 2, 1)
    phi = float(((y - mu) ** 2 / mu).sum() / df)
    model, a = "poisson", 0.0
    if phi > overdispersion_threshold:
        model = "negative_binomial"
        for _ in range(50):
            a_new = max(float((((y - mu) ** 2 - mu) / mu**2).sum() / df), 0.0)
            beta, mu, cov = _irls(y, X, off, alpha=a_new)
            if abs(a_new - a) < 1e-10 * max(1.0, a_new):
                a = a_new
                break
            a = a_new
    se = float(np.sqrt(cov[1, 1]))
    b1 = float(beta[1])
    zc = stats.norm.ppf(1 - alpha / 2)
    p = float(2 * stats.norm.sf(abs(b1 / se))) if se > 0 else 1.0
    return TrendResult(b1, b1 - zc * se, b1 + zc * se, p, 100 * (np.exp(b1) - 1), model, phi, a)
