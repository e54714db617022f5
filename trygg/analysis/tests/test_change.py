import numpy as np
import pytest
from scipy import optimize, stats

from trygg.analysis.change import benjamini_hochberg, flag_changes, poisson_ratio_test, trend


def test_poisson_ratio_test_equals_scipy_binomtest_cell_by_cell():
    rng = np.random.default_rng(0)
    m = 400
    c1 = rng.poisson(rng.uniform(0, 80, m))
    c0 = rng.poisson(rng.uniform(0, 80, m))
    c1[:5], c0[:5] = [0, 3, 0, 17, 40], [5, 0, 1, 17, 20]
    t1 = rng.choice([7.0, 28.0, 365.0], m)
    t0 = rng.choice([7.0, 28.0, 365.0], m)
    r = poisson_ratio_test(c1, c0, t1, t0)
    for k in range(m):
        n = int(c1[k] + c0[k])
        if n == 0:
            assert r.p_value[k] == 1.0 and np.isnan(r.ratio[k])
            continue
        b = stats.binomtest(int(c1[k]), n, t1[k] / (t1[k] + t0[k]))
        assert r.p_value[k] == pytest.approx(b.pvalue, rel=1e-12, abs=1e-15)
        ci = b.proportion_ci(confidence_level=0.95, method="exact")
        f = t0[k] / t1[k]
        assert r.ci_low[k] == pytest.approx(ci.low / (1 - ci.low) * f, rel=1e-9, abs=1e-12)
        hi = np.inf if ci.high >= 1 else ci.high / (1 - ci.high) * f
        assert r.ci_high[k] == pytest.approx(hi, rel=1e-9)
        if c0[k] > 0:
            assert r.ratio[k] == pytest.approx((c1[k] / t1[k]) / (c0[k] / t0[k]))


def test_ratio_ci_covers_ratio_and_broadcasts():
    r = poisson_ratio_test(np.array([[10, 20], [30, 40]]), 15, 1.0, 1.0)
    assert r.p_value.shape == (2, 2)
    assert np.all((r.ci_low <= r.ratio) & (r.ratio <= r.ci_high))


def test_benjamini_hochberg_matches_scipy():
    rng = np.random.default_rng(1)
    p = np.concatenate([rng.uniform(0, 1, 300), rng.uniform(0, 1e-3, 30), [0.0, 1.0, 0.05, 0.05]])
    rej, adj = benjamini_hochberg(p, 0.05)
    np.testing.assert_allclose(adj, stats.false_discovery_control(p, method="bh"), rtol=1e-13, atol=0)
    np.testing.assert_array_equal(rej, adj <= 0.05)
    # NaN ignored
    rej2, adj2 = benjamini_hochberg(np.array([0.01, np.nan, 0.04]))
    assert np.isnan(adj2[1]) and not rej2[1]
    np.testing.assert_allclose(adj2[[0, 2]], stats.false_discovery_control([0.01, 0.04]))


def test_flag_changes_direction():
    quiet = np.tile([[98, 103, 101, 97, 100, 104]], (4, 1))  # a history of Poisson-like periods
    f = flag_changes(np.array([200, 50, 100, 0]), np.array([100, 100, 100, 0]), h1=quiet, h0=quiet[:, ::-1])
    assert list(f.direction) == ["up", "down", "", ""]
    assert f.significant.tolist() == [True, True, False, False]


def _poisson_nll(b, X, y, off):
    eta = X @ b + off
    return -(y * eta - np.exp(eta)).sum()


def test_trend_poisson_equals_direct_mle():
    years = np.arange(2015, 2025)
    pop = np.linspace(50_000, 60_000, years.size)
    y = np.array([510, 530, 498, 560, 575, 590, 602, 640, 655, 700], float)  # mildly rising
    r = trend(y, exposure=pop, years=years)
    assert r.model == "poisson" and r.dispersion <= 1.5
    X = np.column_stack([np.ones(y.size), years - years.mean()])
    off = np.log(pop)
    opt = optimize.minimize(_poisson_nll, x0=[np.log(y.sum() / pop.sum()), 0.0], args=(X, y, off),
                            method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20000})
    assert r.slope == pytest.approx(opt.x[1], abs=1e-6)
    # SE from the numerical Hessian of the log-likelihood (independent of IRLS)
    h = 1e-4
    H = np.zeros((2, 2))
    for a in range(2):
        for b in range(2):
            ea, eb = np.eye(2)[a] * h, np.eye(2)[b] * h
            H[a, b] = (_poisson_nll(opt.x + ea + eb, X, y, off) - _poisson_nll(opt.x + ea - eb, X, y, off)
                       - _poisson_nll(opt.x - ea + eb, X, y, off) + _poisson_nll(opt.x - ea - eb, X, y, off)) / (4 * h * h)
    se = np.sqrt(np.linalg.inv(H)[1, 1])
    assert (r.ci_high - r.ci_low) / (2 * stats.norm.ppf(0.975)) == pytest.approx(se, rel=1e-4)
    assert r.annual_change_pct == pytest.approx(100 * (np.exp(r.slope) - 1))
    assert r.p_value < 0.001


def test_trend_switches_to_negative_binomial_when_overdispersed():
    y = np.array([120, 60, 180, 75, 210, 90, 260, 110], float)
    r = trend(y)
    assert r.model == "negative_binomial" and r.dispersion > 1.5 and r.alpha > 0
    X = np.column_stack([np.ones(y.size), np.arange(y.size) - (y.size - 1) / 2])
    size = 1 / r.alpha

    def nll(b):
        mu = np.exp(X @ b)
        return -stats.nbinom.logpmf(y, size, size / (size + mu)).sum()

    opt = optimize.minimize(nll, x0=[np.log(y.mean()), 0.0], method="Nelder-Mead",
                            options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20000})
    assert r.slope == pytest.approx(opt.x[1], abs=1e-6)
    # moment estimator of alpha holds at the solution
    mu = np.exp(X @ opt.x)
    assert r.alpha == pytest.approx((((y - mu) ** 2 - mu) / mu**2).sum() / (y.size - 2), rel=1e-4)
    # wider CI than a Poisson fit would give
    assert r.ci_high - r.ci_low > 2 * 1.96 * np.sqrt(1 / (mu * (X[:, 1] ** 2)).sum())


def test_trend_validation():
    with pytest.raises(ValueError):
        trend([1, 2])
    assert trend([0, 0, 0]).p_value == 1.0


# --- quasi-Poisson change test (issue 16, item 3) -------------------------------------------------

from trygg.analysis.change import history_dispersion, quasi_poisson_ratio_test  # noqa: E402


def _nb(rng, mu, alpha, size):
    """Negative-binomial (NB2) counts: Poisson with a gamma(1/α, αμ) mean, Var = μ + αμ²."""
    return rng.poisson(rng.gamma(1 / alpha, np.asarray(mu, float) * alpha, size))


def _stacked_glm(c1, c0, h1, h0, t1, t0):
    """statsmodels GLM on the stacked pairs: one dummy per pair, the period effect only in the
    tested pair, offset log exposure, Pearson-χ² scale (quasi-Poisson)."""
    import statsmodels.api as sm

    k = len(h1)
    y = np.concatenate([[c1, c0], np.ravel(np.column_stack([h1, h0]))])
    pair = np.repeat(np.arange(k + 1), 2)
    X = np.zeros((y.size, k + 2))
    X[np.arange(y.size), pair] = 1
    X[0, -1] = 1  # the tested period
    off = np.log(np.tile([t1, t0], k + 1))
    return sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit(scale="X2", use_t=True)


def test_history_dispersion_and_quasi_wald_equal_statsmodels_glm():
    rng = np.random.default_rng(3)
    for t1, t0 in ((28.0, 28.0), (28.0, 31.0)):
        h1 = _nb(rng, 120, 0.02, 10) + 1
        h0 = _nb(rng, 120 * t0 / t1, 0.02, 10) + 1
        c1, c0 = 150, 110
        res = _stacked_glm(c1, c0, h1, h0, t1, t0)
        phi, df = history_dispersion(h1[None], h0[None], t1, t0)
        assert int(df[0]) == res.df_resid == 10
        assert phi[0] == pytest.approx(res.scale, rel=1e-8)
        # with a long history and no prior, the CI is statsmodels' quasi-Poisson Wald t interval
        r = quasi_poisson_ratio_test([c1], [c0], t1, t0, h1[None], h0[None])
        lo, hi = np.exp(res.conf_int()[-1])
        assert r.phi[0] == pytest.approx(max(res.scale, 1.0), rel=1e-8)
        assert r.ci_low[0] == pytest.approx(min(lo, poisson_ratio_test(c1, c0, t1, t0).ci_low), rel=1e-6)
        assert r.ci_high[0] == pytest.approx(max(hi, poisson_ratio_test(c1, c0, t1, t0).ci_high), rel=1e-6)
        # quasi-score z on φ: the Wald and score p-values are close at these counts, and neither is
        # below the exact Poisson p
        assert r.p_value[0] >= poisson_ratio_test(c1, c0, t1, t0).p_value
        exact_p = float(poisson_ratio_test(c1, c0, t1, t0).p_value)
        assert r.p_value[0] == pytest.approx(max(res.pvalues[-1], exact_p), abs=0.02)


def test_the_issues_example_is_not_significant_given_a_realistic_history():
    # a Brå total: 9,700 → 10,000 (+3 %) gives p = 0.033 with the exact test …
    assert poisson_ratio_test(10_000, 9_700).p_value == pytest.approx(0.033, abs=0.001)
    # … but year-to-year swings of a few per cent are normal for such a total
    years = np.array([9_100, 9_650, 9_300, 9_900, 9_500, 10_200, 9_700])
    h1, h0 = years[1:][::-1][None], years[:-1][::-1][None]
    r = quasi_poisson_ratio_test([10_000], [9_700], 1.0, 1.0, h1, h0)
    assert r.method[0] == "quasi-poisson" and r.phi[0] > 10
    assert r.p_value[0] > 0.3
    # without history the conservative fallback (φ = 1 + 0.01 · mean) does not flag it either
    f = flag_changes([10_000], [9_700])
    assert f.method[0] == "fallback" and f.phi[0] == pytest.approx(1 + 0.01 * 9_850)
    assert not f.significant[0]
    # a real doubling still is
    assert flag_changes([20_000], [9_700], h1=h1, h0=h0).significant[0]


def test_quasi_poisson_is_calibrated_on_overdispersed_counts_and_keeps_power():
    rng = np.random.default_rng(16)
    cells, k, alpha = 4000, 12, 0.005  # NB2: at μ = 200, Var = 3 μ
    mu = rng.choice([20.0, 60.0, 200.0, 1000.0], cells)
    c1, c0 = _nb(rng, mu, alpha, cells), _nb(rng, mu, alpha, cells)
    h1, h0 = _nb(rng, mu[:, None], alpha, (cells, k)), _nb(rng, mu[:, None], alpha, (cells, k))
    p_new = quasi_poisson_ratio_test(c1, c0, 28.0, 28.0, h1, h0).p_value
    p_old = poisson_ratio_test(c1, c0, 28.0, 28.0).p_value
    big = mu >= 200
    assert 0.03 <= (p_new < 0.05).mean() <= 0.07  # uniform p-values give 5 %
    assert (p_old[big] < 0.05).mean() > 0.25  # the exact test flags noise on large counts
    assert 0.02 <= (p_new[big] < 0.05).mean() <= 0.08
    # power: +50 % in a cell of 200 per period (Var = 2 μ), flagged after FDR in a family of 20
    hits = 0
    runs = 300
    for _ in range(runs):
        m = np.full(20, 200.0)
        a1, a0 = _nb(rng, m, 0.005, 20), _nb(rng, m, 0.005, 20)
        a1[0] = _nb(rng, 300.0, 0.005, 1)[0]
        f = flag_changes(a1, a0, h1=_nb(rng, m[:, None], 0.005, (20, k)), h0=_nb(rng, m[:, None], 0.005, (20, k)))
        hits += bool(f.significant[0] and f.direction[0] == "up")
    assert hits / runs >= 0.25
    # alone (a family of one: BH = the plain p), +50 % at 200 with Var = 1.4 μ is found ≥ 80 % of
    # the time (each row is its own run)
    one = quasi_poisson_ratio_test(_nb(rng, np.full(runs, 300.0), 0.002, runs), _nb(rng, np.full(runs, 200.0), 0.002, runs),
                                   1.0, 1.0, _nb(rng, 200.0, 0.002, (runs, k)), _nb(rng, 200.0, 0.002, (runs, k)))
    assert (one.p_value < 0.05).mean() >= 0.8


def test_quasi_poisson_history_shapes_and_zero_pairs():
    r = quasi_poisson_ratio_test([5, 0], [0, 0], 1.0, 1.0, np.zeros((2, 6)), np.zeros((2, 6)))
    assert r.history.tolist() == [0, 0]  # all-zero pairs carry no information
    # mid-p of 5 vs 0 (φ = prior 1.025, effective counts still 5 and 5): 1/16 - 1/64
    assert r.p_value[1] == 1.0 and r.p_value[0] == pytest.approx(0.046875)
    with pytest.raises(ValueError):
        quasi_poisson_ratio_test([1, 2], [1, 2], 1.0, 1.0, np.zeros((3, 4)), np.zeros((3, 4)))
    h = np.full((1, 12), np.nan)
    h[0, :3] = 10
    assert quasi_poisson_ratio_test([30], [10], 1.0, 1.0, h, h).history[0] == 3  # NaN pairs are left out


def test_trend_is_called_negative_binomial_only_when_it_is_one():
    import statsmodels.api as sm

    # Brå car theft 300 / 306 / 245: over-dispersed, but the NB2 moment estimator gives α = 0
    y = np.array([300, 306, 245], float)
    r = trend(y)
    assert r.model == "quasi_poisson" and r.alpha == 0.0 and r.dispersion > 1.5
    X = sm.add_constant(np.arange(3.0) - 1)
    ref = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    assert r.slope == pytest.approx(ref.params[1], rel=1e-8)
    assert r.p_value == pytest.approx(ref.pvalues[1], rel=1e-6)
    assert (r.ci_low, r.ci_high) == pytest.approx(tuple(ref.conf_int()[1]), rel=1e-6)
    assert r.p_value > 0.1  # the exact-Poisson-width CI said p = 0.021
    # with population exposure too
    pop = np.array([580_000, 590_000, 600_000], float)
    r2 = trend(y, exposure=pop, years=[2023, 2024, 2025])
    ref2 = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(pop)).fit(scale="X2", use_t=True)
    assert r2.model == "quasi_poisson" and r2.p_value == pytest.approx(ref2.pvalues[1], rel=1e-6)
    # a genuinely NB-shaped series keeps its label (see the test above)
    assert trend(np.array([120, 60, 180, 75, 210, 90, 260, 110], float)).model == "negative_binomial"


# --- mid-p and the Farrington-style baseline (issue 16, item 3, second round) ----------------------

from trygg.analysis.change import baseline_test, binom_midp_two_sided  # noqa: E402


def test_midp_equals_statsmodels_cond_midp():
    from statsmodels.stats.rates import test_poisson_2indep

    for c1, c0, t1, t0 in [(5, 0, 28, 28), (3, 1, 28, 28), (10, 4, 28, 35), (0, 7, 1, 2), (200, 150, 28, 28),
                           (1, 1, 28, 28), (17, 30, 7, 14)]:
        ref = test_poisson_2indep(c1, t1, c0, t0, method="cond-midp").pvalue
        assert binom_midp_two_sided(c1, c1 + c0, t1 / (t1 + t0)) == pytest.approx(ref, rel=1e-9)
        # with φ = 1 (a flat history) the change test is that mid-p value
        h = np.full((1, 12), 50.0)
        r = quasi_poisson_ratio_test([c1], [c0], t1, t0, h * t1 / 28, h * t0 / 28)
        assert r.phi[0] == 1.0 and r.p_value[0] == pytest.approx(ref, rel=1e-9)


def test_midp_is_below_the_exact_p_and_scaled_by_phi():
    # mid-p never exceeds the exact p; a larger φ shrinks the effective counts (Rao & Scott 1992)
    k = np.arange(0, 21)
    assert np.all(binom_midp_two_sided(k, 20, 0.5) <= poisson_ratio_test(k, 20 - k).p_value + 1e-12)
    flat = np.full((1, 12), 100.0)
    rng = np.random.default_rng(3)
    noisy1, noisy0 = rng.poisson(100, (1, 12)) * 3.0, rng.poisson(100, (1, 12)) * 3.0
    p_flat = quasi_poisson_ratio_test([130], [100], 1.0, 1.0, flat, flat).p_value[0]
    r = quasi_poisson_ratio_test([130], [100], 1.0, 1.0, noisy1, noisy0)
    assert r.phi[0] > 1.5 and r.p_value[0] > p_flat


def test_baseline_dispersion_equals_statsmodels_intercept_glm():
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    y = rng.negative_binomial(20, 20 / (20 + 100.0), 13).astype(float)
    res = sm.GLM(y, np.ones((13, 1)), family=sm.families.Poisson()).fit(scale="X2")
    r = baseline_test([140.0], [y[0]], 28.0, 28.0, h0=y[None, 1:])
    mu = float(res.fittedvalues[0])
    phi = max(1.0, float(res.scale))
    assert r.phi[0] == pytest.approx(phi, rel=1e-9)
    assert r.ratio[0] == pytest.approx(140.0 / mu, rel=1e-9)
    z = (140.0 - mu) / np.sqrt(phi * mu + phi * mu / 13)  # predictive variance φμ + Var(μ̂)
    from scipy import stats as st
    assert r.p_value[0] == pytest.approx(max(2 * st.t.sf(abs(z), 12),
                                             binom_midp_two_sided(140, 140 + y.sum(), 1 / 14)), rel=1e-9)
    short = baseline_test([5.0], [4.0], 1.0, 1.0, h0=np.array([[3.0, np.nan, np.nan, 2.0]]))
    assert np.isnan(short.p_value[0]) and short.method[0] == "short"


def test_baseline_is_calibrated_on_stationary_overdispersed_counts():
    rng = np.random.default_rng(11)
    runs = 4000
    mu = 200.0
    size = mu / 1.0  # NB with variance 2 μ
    draw = rng.negative_binomial(size, size / (size + mu), (runs, 14)).astype(float)
    r = baseline_test(draw[:, 0], draw[:, 1], 28.0, 28.0, h0=draw[:, 2:])
    share = float((r.p_value < 0.05).mean())
    assert 0.03 <= share <= 0.07
    up = baseline_test(draw[:, 0] * 1.5, draw[:, 1], 28.0, 28.0, h0=draw[:, 2:])
    assert float((up.p_value < 0.05).mean()) >= 0.8


def test_flag_changes_leaves_small_cells_out_of_the_family():
    """Cells with fewer than MIN_EVENTS events together get no p-value and no flag, and do not
    count in the Benjamini–Hochberg family (independent filtering): the big cell's adjusted p is
    the one of a family of the tested cells only."""
    c1 = np.array([300, 12, 3, 0, 1])
    c0 = np.array([200, 6, 0, 1, 1])
    f = flag_changes(c1, c0)
    tested = (c1 + c0) >= 20
    assert np.isnan(f.p_value[~tested]).all() and not f.significant[~tested].any()
    assert np.isfinite(f.ratio[1])  # the ratio and CI stay, only the test is left out
    alone = flag_changes(c1[:1], c0[:1])
    np.testing.assert_allclose(f.p_adj[0], alone.p_adj[0])
    assert f.significant[0] and f.direction[0] == "up"
    everything = flag_changes(c1, c0, min_events=0)
    assert np.isfinite(everything.p_value).all()
    assert everything.p_adj[0] > f.p_adj[0]  # five tests in the family instead of one
