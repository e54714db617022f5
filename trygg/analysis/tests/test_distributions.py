"""trygg.analysis.distributions against scipy.stats, which it stands in for (without its import cost)."""

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from trygg.analysis import distributions as dist

N = np.array([0, 1, 2, 5, 19, 20, 57, 400, 12_345, 250_000])
P = np.array([1e-6, 0.01, 0.2, 1 / 3, 0.5, 0.77, 0.999])


def _grid():
    n = np.repeat(N, P.size)
    p = np.tile(P, N.size)
    rng = np.random.default_rng(7)
    ks = [np.zeros_like(n), n, n // 2, np.floor(n * p), np.ceil(n * p), rng.integers(0, n + 1), n - 1, n + 1, -1 + 0 * n]
    k = np.concatenate(ks)
    return k, np.tile(n, len(ks)), np.tile(p, len(ks))


def test_binomial_functions_match_scipy_stats():
    k, n, p = _grid()
    for mine, ref in [(dist.binom_pmf, stats.binom.pmf), (dist.binom_cdf, stats.binom.cdf), (dist.binom_sf, stats.binom.sf)]:
        got, want = mine(k, n, p), ref(k, n, p)
        assert got.shape == want.shape
        # relative agreement wherever the value is representable; tiny tails agree in absolute terms
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-300, err_msg=mine.__name__)


def test_binomial_edges():
    assert dist.binom_pmf(0, 10, 0.0) == 1.0
    assert dist.binom_pmf(10, 10, 1.0) == 1.0
    assert dist.binom_pmf(3, 10, 1.0) == 0.0
    assert dist.binom_pmf(11, 10, 0.5) == 0.0 and dist.binom_pmf(-1, 10, 0.5) == 0.0
    assert dist.binom_cdf(-1, 10, 0.5) == 0.0 and dist.binom_cdf(10, 10, 0.5) == 1.0
    assert dist.binom_sf(-1, 10, 0.5) == 1.0 and dist.binom_sf(10, 10, 0.5) == 0.0
    assert dist.binom_cdf(2.7, 10, 0.5) == pytest.approx(stats.binom.cdf(2, 10, 0.5), rel=1e-12)  # floor, as scipy.stats


def test_continuous_quantiles_and_tails_match_scipy_stats():
    q = np.array([1e-12, 1e-4, 0.025, 0.3, 0.5, 0.8, 0.975, 1 - 1e-9])
    a = np.array([0.5, 1, 2, 7.5, 40, 3000, 2e5])
    qq, aa = np.meshgrid(q, a)
    np.testing.assert_allclose(dist.beta_ppf(qq, aa, aa[::-1]), stats.beta.ppf(qq, aa, aa[::-1]), rtol=1e-9)
    np.testing.assert_allclose(dist.gamma_ppf(qq, aa), stats.gamma.ppf(qq, aa), rtol=1e-9)
    df = np.array([1, 2, 3, 4.5, 10, 30, 1000])
    qq, dd = np.meshgrid(q, df)
    np.testing.assert_allclose(dist.t_ppf(qq, dd), stats.t.ppf(qq, dd), rtol=1e-9)
    x = np.array([-40, -3, -0.5, 0, 0.7, 2, 6, 40])
    xx, dd = np.meshgrid(x, df)
    np.testing.assert_allclose(dist.t_sf(xx, dd), stats.t.sf(xx, dd), rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(dist.norm_ppf(q), stats.norm.ppf(q), rtol=1e-12)
    np.testing.assert_allclose(dist.norm_sf(x), stats.norm.sf(x), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("m", [1, 2, 7, 500])
def test_bh_matches_false_discovery_control(m):
    rng = np.random.default_rng(m)
    p = np.concatenate([rng.uniform(size=m), rng.beta(0.2, 5, size=m), [0.0, 1.0, 0.03, 0.03]])
    np.testing.assert_allclose(dist.bh_adjust(p), stats.false_discovery_control(p, method="bh"), rtol=1e-13)
    assert dist.bh_adjust(np.array([])).size == 0


def test_it_does_not_import_scipy_stats():
    """The point of the module: a situation picture's tests run without scipy.stats' import cost."""
    code = ("import sys; from trygg.analysis import change, rates; "
            "change.flag_changes([30, 5], [10, 9], h0=[[9, 11, 10, 12], [8, 9, 7, 9]]); "
            "change.trend([300, 306, 245, 280]); rates.rate_ci([3], [1000]); "
            "print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
