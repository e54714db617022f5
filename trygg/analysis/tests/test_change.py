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
    f = flag_changes(np.array([200, 50, 100, 0]), np.array([100, 100, 100, 0]))
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
