"""Change that is real, not noise: over-dispersion-aware rate-ratio tests, FDR control and trends.

Change flags (``flag_changes``) test each cell's current count against the count expected from
its baseline: the comparison period and the equal periods before it (``baseline_test``, the
quasi-Poisson baseline of Farrington et al. 1996 and Noufaily et al. 2013 as used in public-health
surveillance). A cell with too short a history is tested against the comparison period alone: the
conditional binomial test below with its mid-p value, on counts divided by the dispersion ``φ``
estimated from the cell's own history of equal periods (``quasi_poisson_ratio_test``,
``history_dispersion``). Cells with fewer than ``MIN_EVENTS`` events in the two periods are not
tested. Real crime counts vary more than Poisson from period to period; the plain exact test calls a
Brå total going from 9,700 to 10,000 "significant" (p = 0.033). Calibration and power on the real
data: benchmarks/README-calibration.md; method: docs/change-test.md.

Sources
-------
* Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from Poisson
  series. *Biometrika* 31, 313-323 — the exact *conditional* test: given ``n = c1 + c0``,
  ``c1 ~ Binomial(n, t1 / (t1 + t0))`` when the two rates are equal.
* Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in the
  case of the binomial. *Biometrika* 26, 404-413 — exact CI for the binomial proportion, mapped to
  the rate ratio by ``R = π / (1 - π) · t0 / t1``.
* Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57, 289-300.
* McCullagh, P. & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. — Poisson GLM by IRLS;
  quasi-likelihood (§9): ``Var(y) = φ μ``, ``φ`` estimated by Pearson χ² / residual df, inference
  with the t distribution on those df.
* Farrington, C. P., Andrews, N. J., Beale, A. D. & Catchpole, M. A. (1996). A statistical algorithm
  for the early detection of outbreaks of infectious disease. *JRSS A* 159, 547-563 — dispersion of
  surveillance counts from the cell's own past periods, constrained to ``φ ≥ 1``.
* Smyth, G. K. (2004). Linear models and empirical Bayes methods for assessing differential
  expression in microarray experiments. *Stat. Appl. Genet. Mol. Biol.* 3(1), art. 3 — a variance
  estimate with few df moderated towards a prior value worth ``d0`` df, t test on ``d0 + df`` df.
* Noufaily, A. et al. (2013). An improved algorithm for outbreak detection in multiple surveillance
  systems. *Statistics in Medicine* 32, 1206-1222 — the same quasi-Poisson baseline, as used by
  public-health agencies (R ``surveillance::farringtonFlexible``).
* Lancaster, H. O. (1961). Significance tests in discrete distributions. *JASA* 56, 223-234;
  Agresti, A. & Gottard, A. (2005). Comment: Randomized confidence intervals and the mid-P
  approach. *Statistical Science* 20, 367-371; Hirji, K. F. (2006). *Exact Analysis of Discrete
  Data*, §7 — the mid-p value for discrete tests.
* Rao, J. N. K. & Scott, A. J. (1992). A simple method for the analysis of clustered binary data.
  *Biometrics* 48, 577-585 — over-dispersed counts analysed as effective counts ``count / φ``.
* Bourgon, R., Gentleman, R. & Huber, W. (2010). Independent filtering increases detection power
  for high-throughput experiments. *PNAS* 107, 9546-9551 — leaving out, before the FDR step, the
  tests whose filter statistic (here the total count) is independent of the p-value under H0.
* Cameron, A. C. & Trivedi, P. K. (2013). *Regression Analysis of Count Data*, 2nd ed., §3.2-3.3 —
  NB2 model and the moment estimator of its dispersion ``alpha``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trygg.analysis import distributions as dist

__all__ = [
    "ChangeResult", "ChangeFlags", "TrendResult", "poisson_ratio_test", "binom_test_two_sided",
    "benjamini_hochberg", "flag_changes", "trend", "quasi_poisson_ratio_test", "history_dispersion",
    "MIN_HISTORY", "FALLBACK_ALPHA", "PRIOR_DF", "MIN_EVENTS", "binom_midp_two_sided", "baseline_test",
]

MIN_HISTORY = 4  # past pairs of equal periods needed to estimate a cell's own dispersion
# NB2 dispersion assumed when the history is too short (Var = μ + α μ², i.e. φ = 1 + α μ); a
# coefficient of variation of √0.01 = 10 % beyond Poisson noise, about the upper quartile of what
# the real police events show over 28-day periods (benchmarks/README-calibration.md).
FALLBACK_ALPHA = 0.01
PRIOR_DF = 4  # weight of that prior guess, in pairs of periods (Smyth 2004)
# A change is tested only when the two periods hold at least this many events together. The
# conditioning total ``c1 + c0`` carries no information about the rate ratio under H0, so leaving
# the small cells out of the family keeps the FDR control valid and gains power ("independent
# filtering", Bourgon, Gentleman & Huber 2010); below it a two-period test has almost no power
# (with ≤ 4 events none can reach p < 0.05) and its p-values pile up at 1. Calibration on the
# real data: benchmarks/README-calibration.md.
MIN_EVENTS = 20


@dataclass(frozen=True)
class ChangeResult:
    """Rate ratio (current / reference) with CI and two-sided p-value, per cell. The quasi-Poisson
    test also gives the dispersion used (``phi``), the history pairs it was estimated from
    (``history``) and ``method`` ('quasi-poisson' or 'fallback'); the exact test leaves them None."""

    ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray
    phi: np.ndarray | None = None
    history: np.ndarray | None = None
    method: np.ndarray | None = None
    expected: np.ndarray | None = None  # the count the ratio is taken against


@dataclass(frozen=True)
class ChangeFlags:
    ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray
    p_adj: np.ndarray
    significant: np.ndarray
    direction: np.ndarray  # 'up', 'down' or ''
    phi: np.ndarray | None = None  # dispersion used per cell (1 = Poisson)
    history: np.ndarray | None = None  # past pairs of equal periods φ was estimated from
    method: np.ndarray | None = None  # 'baseline', 'quasi-poisson' or 'fallback' per cell
    expected: np.ndarray | None = None  # the count the ratio is taken against (baseline or comparison)
    test: np.ndarray | None = None  # 'baseline', 'pair' (two periods) or '' (not tested) per cell


@dataclass(frozen=True)
class TrendResult:
    slope: float  # log rate change per year
    ci_low: float
    ci_high: float
    p_value: float
    annual_change_pct: float  # 100·(exp(slope) - 1)
    model: str  # 'poisson', 'negative_binomial' or 'quasi_poisson' (see ``trend``)
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
    d = dist.binom_pmf(k, n, p)
    rerr = 1 + 1e-7
    pn = p * n
    low = (k < pn) & (n > 0)
    high = (k > pn) & (n > 0)
    if low.any():
        kk, nn, pp, dd = k[low], n[low], p[low], d[low]
        ix = _bsearch(lambda x: -dist.binom_pmf(x, nn, pp), -dd * rerr, np.ceil(pp * nn), nn)
        y = nn - ix + (dd * rerr == dist.binom_pmf(ix, nn, pp)).astype(np.int64)
        out[low] = dist.binom_cdf(kk, nn, pp) + dist.binom_sf(nn - y, nn, pp)
    if high.any():
        kk, nn, pp, dd = k[high], n[high], p[high], d[high]
        ix = _bsearch(lambda x: dist.binom_pmf(x, nn, pp), dd * rerr, np.zeros_like(nn), np.floor(pp * nn))
        y = ix + 1
        out[high] = dist.binom_cdf(y - 1, nn, pp) + dist.binom_sf(kk - 1, nn, pp)
    return np.minimum(out, 1.0).reshape(shape)


def binom_midp_two_sided(k, n, p):
    """Two-sided mid-p value of the binomial test (Lancaster 1961; Agresti & Gottard 2005; Hirji
    2006 §7): the exact two-sided p-value of ``binom_test_two_sided`` (outcomes no more likely than
    ``k``) less half the probability of the observed ``k``, ``p_exact − ½ P(X = k)``, ``X ~ Bin(n, p)``.
    Equals statsmodels' ``test_poisson_2indep(..., method='cond-midp')`` for the rate ratio.
    ``n = 0`` gives 1."""
    k, n, p = np.broadcast_arrays(np.asarray(k, float), np.asarray(n, float), np.asarray(p, float))
    exact = binom_test_two_sided(k, n, p)
    return np.where(n > 0, np.clip(exact - 0.5 * dist.binom_pmf(k, n, p), 0.0, 1.0), 1.0)


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
        ulo = np.where(uk1 > 0, dist.beta_ppf(alpha / 2, np.maximum(uk1f, 1), uk0f + 1), 0.0)
        uhi = np.where(uk0 > 0, dist.beta_ppf(1 - alpha / 2, uk1f + 1, np.maximum(uk0f, 1)), 1.0)
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
        adj[ok] = dist.bh_adjust(p[ok])
    rejected = np.zeros(p.shape, dtype=bool)
    rejected[ok] = adj[ok] <= q
    return rejected.reshape(shape), adj.reshape(shape)


def history_dispersion(h1, h0, t1=1.0, t0=1.0) -> tuple[np.ndarray, np.ndarray]:
    """Dispersion ``φ̂`` of each cell from its own history of equal periods.

    ``h1, h0`` have shape ``(..., K)``: the counts of K past *pairs* of periods laid out like the
    pair being tested (for "previous period": the two periods before, the two before those, …; for
    "same period last year": the same two periods shifted back by whole period lengths), with the
    same exposures ``t1, t0`` (broadcast against ``(...)``). NaN marks a pair that is not
    available (e.g. before the source was collected). The model is a Poisson GLM with one mean per
    pair (which absorbs season and slow trends: only the change *within* a pair is noise) and
    ``E[h1] : E[h0] = t1 : t0``. Its Pearson statistic per pair is the binomial one,
    ``X²_k = (h1_k - n_k π0)² / (n_k π0 (1 - π0))`` with ``n_k = h1_k + h0_k``, ``π0 = t1/(t1+t0)``,
    one residual df per pair (McCullagh & Nelder 1989, §9.2: ``φ̂ = X² / df``). Pairs with
    ``n_k = 0`` carry no information and are not counted. Returns ``(φ̂, df)`` (φ̂ NaN where df = 0);
    identical to ``statsmodels`` ``GLM(..., family=Poisson()).fit(scale="X2").scale`` on the
    stacked pairs with one dummy per pair.
    """
    h1 = np.asarray(h1, float)
    h0 = np.asarray(h0, float)
    t1 = np.asarray(t1, float)[..., None]
    t0 = np.asarray(t0, float)[..., None]
    pi0 = t1 / (t1 + t0)
    n = h1 + h0
    ok = np.isfinite(n) & (n > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = np.where(ok, (h1 - n * pi0) ** 2 / (n * pi0 * (1 - pi0)), 0.0)
    df = ok.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(df > 0, x2.sum(axis=-1) / np.maximum(df, 1), np.nan)
    return phi, df


def quasi_poisson_ratio_test(c1, c0, t1=1.0, t0=1.0, h1=None, h0=None, alpha: float = 0.05,
                             min_history: int = MIN_HISTORY, fallback_alpha: float = FALLBACK_ALPHA,
                             prior_df: float = PRIOR_DF) -> ChangeResult:
    """Rate-ratio test of ``H0: λ1 = λ0`` that allows for over-dispersion, ``Var(c) = φ μ``.

    The quasi-Poisson version of ``poisson_ratio_test`` (McCullagh & Nelder 1989, §9; the
    dispersion handling of Farrington et al. 1996):

    * ``φ`` from the cell's own history: ``X²`` and ``df`` of ``history_dispersion`` (K past pairs
      of equal periods, ``h1, h0`` of shape ``(..., K)``), moderated towards a conservative prior
      guess ``φ0 = 1 + α0 (c1 + c0)/2`` (the NB2 variance ``μ + α0 μ²`` of Cameron & Trivedi 2013,
      §3.2, with ``α0 = fallback_alpha``) worth ``d0 = prior_df`` pairs, as in the empirical-Bayes
      moderated variance of Smyth (2004): ``φ = max(1, (d0 φ0 + X²) / (d0 + df))``; the constraint
      ``φ ≥ 1`` is Farrington et al.'s (1996). With a long history φ is the cell's own Pearson
      χ²/df; with none (``df = 0``, the documented conservative rule, ``method='fallback'`` when
      ``df < min_history``) it is the prior.
    * Test: the conditional binomial form of the Poisson test (Przyborowski & Wilenski 1940),
      ``c1 ~ Bin(n, π0)``, ``n = c1 + c0``, ``π0 = t1/(t1+t0)``, on the effective counts
      ``round(c1/φ)`` of ``round(n/φ)`` (counts divided by the variance inflation, as Rao & Scott
      1992 do for over-dispersed binomial data: for large counts this is the quasi-score test
      ``z = (c1 - n π0) / √(φ n π0 (1 - π0))``), with the two-sided *mid-p* value
      (``binom_midp_two_sided``; Lancaster 1961, Agresti & Gottard 2005, Hirji 2006 §7), whose size
      is close to the nominal level on average where the exact test's is far below it on small
      counts. With ``φ = 1`` it is statsmodels' ``test_poisson_2indep(method='cond-midp')``.
    * CI: the union of the exact Clopper–Pearson interval and the quasi-Poisson Wald interval
      ``R · exp(± t_{d0+df, 1-α/2} √(φ (1/c1 + 1/c0)))`` (as statsmodels' GLM with ``scale="X2"``
      and ``use_t=True`` for ``d0 = 0``); cells with a zero count keep the exact CI.

    ``h1 = h0 = None`` means no history (every cell uses the fallback rule).
    """
    ex = poisson_ratio_test(c1, c0, t1, t0, alpha=alpha)
    c1, c0, t1, t0 = np.broadcast_arrays(
        np.asarray(c1, float), np.asarray(c0, float), np.asarray(t1, float), np.asarray(t0, float))
    shape = c1.shape
    if h1 is None or h0 is None:
        phi_hat, df = np.full(shape, np.nan), np.zeros(shape, dtype=np.int64)
    else:
        h1 = np.asarray(h1, float)
        h0 = np.asarray(h0, float)
        if h1.shape != h0.shape or h1.shape[:-1] != shape:
            raise ValueError(f"history must have shape {shape} + (K,), not {h1.shape} / {h0.shape}")
        phi_hat, df = history_dispersion(h1, h0, t1, t0)
    n = c1 + c0
    prior = 1.0 + fallback_alpha * n / 2
    x2 = np.where(df > 0, phi_hat * df, 0.0)
    own = df >= min_history
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.fmax(np.where(own, phi_hat, (prior_df * prior + x2) / (prior_df + df)), 1.0)
    dof = np.where(own, df, prior_df + df).astype(float)
    pi0 = t1 / (t1 + t0)
    with np.errstate(divide="ignore", invalid="ignore"):
        k_eff, n_eff = np.round(c1 / phi), np.round(n / phi)
    p_mid = binom_midp_two_sided(np.minimum(k_eff, n_eff), n_eff, pi0)
    p = np.where(n > 0, p_mid, 1.0)
    crit = dist.t_ppf(1 - alpha / 2, dof)
    both = (c1 > 0) & (c0 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = crit * np.sqrt(phi * (1 / c1 + 1 / c0))
        lo = np.where(both, np.fmin(ex.ci_low, ex.ratio * np.exp(-half)), ex.ci_low)
        hi = np.where(both, np.fmax(ex.ci_high, ex.ratio * np.exp(half)), ex.ci_high)
    method = np.where(df >= min_history, "quasi-poisson", "fallback").astype(object)
    return ChangeResult(ex.ratio, lo, hi, p, phi, df, method, c0 * t1 / t0)


def baseline_test(c1, c0, t1=1.0, t0=1.0, h1=None, h0=None, alpha: float = 0.05,
                  min_history: int = MIN_HISTORY) -> ChangeResult:
    """Is the current count unusual against a baseline of past equal periods? (Farrington et al.
    1996; Noufaily et al. 2013, without their trend and seasonal terms.)

    The baseline is the comparison period ``c0`` plus the comparison halves ``h0`` of the history
    pairs (shape ``(..., K)``, NaN = not available): ``m`` periods of length ``t0``. A quasi-Poisson
    model with one mean: ``ȳ`` = their mean, ``φ = max(1, Σ (y - ȳ)² / ȳ / (m - 1))`` (Pearson
    χ²/df, McCullagh & Nelder 1989 §9.2, ``φ ≥ 1`` as Farrington et al.), expected current count
    ``μ̂ = ȳ t1/t0``. The predictive variance ``Var(c1 - μ̂) = φ μ̂ + Var(μ̂)`` with
    ``Var(μ̂) = (t1/t0)² φ ȳ / m`` gives ``z = (c1 - μ̂) / √Var``, two-sided p from Student's t on
    ``m - 1`` df, bounded from below by the conditional mid-p test of ``c1`` against the pooled
    baseline ``Σy`` (``c1 ~ Bin(c1 + Σy, t1 / (t1 + m t0))``, ``binom_midp_two_sided``) so small
    counts are not over-flagged. ``ratio = c1 / μ̂`` with the quasi-Poisson Wald CI
    ``exp(± t √(φ (1/c1 + 1/Σy)))``. Cells with fewer than ``min_history`` usable history periods
    get NaN (``method='short'``); the others ``method='baseline'``, ``phi`` and ``history = m - 1``.
    """
    c1, c0, t1, t0 = np.broadcast_arrays(
        np.asarray(c1, float), np.asarray(c0, float), np.asarray(t1, float), np.asarray(t0, float))
    shape = c1.shape
    if h0 is None:
        h0 = np.full(shape + (0,), np.nan)
    h0 = np.asarray(h0, float)
    if h0.shape[:-1] != shape:
        raise ValueError(f"history must have shape {shape} + (K,), not {h0.shape}")
    y = np.concatenate([c0[..., None], h0], axis=-1)
    ok = np.isfinite(y)
    m = ok.sum(axis=-1)
    yz = np.where(ok, y, 0.0)
    tot = yz.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ybar = tot / m
        x2 = np.where(ok, (y - ybar[..., None]) ** 2, 0.0).sum(axis=-1) / ybar
        phi = np.fmax(np.where(ybar > 0, x2 / (m - 1), 1.0), 1.0)
        f = t1 / t0
        mu = ybar * f
        var = phi * mu + f ** 2 * phi * ybar / m
        z = np.where(var > 0, (c1 - mu) / np.sqrt(var), 0.0)
    usable = (m - 1) >= min_history
    dof = np.maximum(m - 1, 1).astype(float)
    p_q = np.minimum(2 * dist.t_sf(np.abs(z), dof), 1.0)
    p_mid = binom_midp_two_sided(c1, c1 + tot, t1 / (t1 + m * t0))
    p = np.where(usable, np.fmax(p_q, p_mid), np.nan)
    crit = dist.t_ppf(1 - alpha / 2, dof)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(usable & (mu > 0), c1 / mu, np.nan)
        half = crit * np.sqrt(phi * (1 / c1 + 1 / tot))
        both = (c1 > 0) & (tot > 0)
        lo = np.where(usable & both, ratio * np.exp(-half), np.where(usable, 0.0, np.nan))
        hi = np.where(usable & both, ratio * np.exp(half), np.where(usable, np.inf, np.nan))
    method = np.where(usable, "baseline", "short").astype(object)
    return ChangeResult(ratio, lo, hi, p, np.where(usable, phi, np.nan), m - 1, method,
                        np.where(usable, mu, np.nan))


def flag_changes(c1, c0, t1=1.0, t0=1.0, q: float = 0.05, alpha: float = 0.05, h1=None, h0=None,
                 min_events: int = MIN_EVENTS, test: str = "baseline") -> ChangeFlags:
    """Flag the cells whose current count differs from what was expected, with FDR control.

    ``test="baseline"`` (the default): each cell with at least ``min_history`` usable history
    periods is tested against its baseline, the comparison period and the comparison halves of its
    history pairs ``h0`` (``baseline_test``: Farrington et al. 1996, Noufaily et al. 2013): the
    ratio is the current count over the expected one from that baseline. A cell with a shorter
    history (or ``test="pair"``) is tested against the comparison period alone
    (``quasi_poisson_ratio_test`` with ``h1, h0``; the conservative fallback dispersion without
    history). Only cells with at least ``min_events`` events in the two periods together are tested:
    the others keep their ratio and CI but get no p-value (NaN), stay out of the FDR family and are
    never flagged (independent filtering, Bourgon et al. 2010: the filter is the pair test's own
    conditioning total, and for the baseline test nearly independent of the p-value under H0).
    The Benjamini–Hochberg step runs over all tested cells shown together. ``direction`` is
    'up'/'down' for significant increases/decreases; ``test`` says which test each cell had."""
    if test not in ("baseline", "pair"):
        raise ValueError(f"test must be 'baseline' or 'pair', not {test!r}")
    r = quasi_poisson_ratio_test(c1, c0, t1, t0, h1, h0, alpha=alpha)
    shape = r.p_value.shape
    use_b = np.zeros(shape, dtype=bool)
    if test == "baseline" and h0 is not None:
        b = baseline_test(c1, c0, t1, t0, h0=h0, alpha=alpha)
        use_b = np.isfinite(b.p_value)
    else:
        b = r

    def pick(x_b, x_r):
        return np.where(use_b, x_b, x_r)

    ratio, lo, hi = pick(b.ratio, r.ratio), pick(b.ci_low, r.ci_low), pick(b.ci_high, r.ci_high)
    n = np.broadcast_to(np.asarray(c1, float) + np.asarray(c0, float), shape)
    tested = n >= min_events
    p = np.where(tested, pick(b.p_value, r.p_value), np.nan)
    sig, adj = benjamini_hochberg(p, q)
    direction = np.where(sig & (ratio > 1), "up", np.where(sig & (ratio < 1), "down", ""))
    kind = np.where(tested, np.where(use_b, "baseline", "pair"), "").astype(object)
    return ChangeFlags(ratio, lo, hi, p, adj, sig, direction.astype(object),
                       pick(b.phi, r.phi), pick(b.history, r.history), pick(b.method, r.method).astype(object),
                       pick(b.expected, r.expected), kind)


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
    A trend is called negative binomial only when it is one: when the moment estimator ends at
    ``α = 0`` (the excess variance is not of the NB2 form, e.g. 300/306/245) or the NB fit fails,
    the model is ``quasi_poisson``: the Poisson estimate with covariance × φ and Student's t on
    ``n - 2`` df (McCullagh & Nelder 1989, §9.2; statsmodels ``GLM(..., Poisson()).fit(scale="X2",
    use_t=True)`` gives the same numbers).
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
    ppf, sf = dist.norm_ppf, dist.norm_sf
    if phi > overdispersion_threshold:
        p_beta, p_mu, p_cov = beta, mu, cov
        converged = False
        try:
            for _ in range(50):
                a_new = max(float((((y - mu) ** 2 - mu) / mu**2).sum() / df), 0.0)
                beta, mu, cov = _irls(y, X, off, alpha=a_new)
                if abs(a_new - a) < 1e-10 * max(1.0, a_new):
                    a = a_new
                    converged = True
                    break
                a = a_new
        except np.linalg.LinAlgError:
            converged = False
        if converged and a > 0 and np.all(np.isfinite(cov)):
            model = "negative_binomial"
        else:
            # the NB moment estimator found no extra-Poisson variance of the NB2 form (α = 0) or did
            # not converge: a Poisson fit with its covariance scaled by φ and t on n - 2 df
            # (quasi-Poisson; McCullagh & Nelder 1989 §9.2, = statsmodels GLM(scale="X2", use_t=True))
            model, a = "quasi_poisson", 0.0
            beta, mu, cov = p_beta, p_mu, p_cov * phi
            ppf, sf = (lambda q: dist.t_ppf(q, df)), (lambda x: dist.t_sf(x, df))
    se = float(np.sqrt(cov[1, 1]))
    b1 = float(beta[1])
    zc = float(ppf(1 - alpha / 2))
    p = float(2 * sf(abs(b1 / se))) if se > 0 else 1.0
    return TrendResult(b1, b1 - zc * se, b1 + zc * se, p, 100 * (np.exp(b1) - 1), model, phi, a)
