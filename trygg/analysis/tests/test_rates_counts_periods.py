import datetime as dt

import numpy as np
import pytest
from scipy import stats

from trygg.analysis import periods as P
from trygg.analysis.comparison import rank_with_ci, rates_per_100k
from trygg.analysis.counts import count_cells, crosstab
from trygg.analysis.rates import eb_smooth, rate, rate_ci


def test_count_cells_equals_pandas_groupby():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n = 20_000
    area = rng.integers(0, 50, n)
    cat = rng.choice(np.array(["stöld", "rån", "skadegörelse"]), n)
    week = rng.integers(0, 30, n)
    keys, counts = count_cells(area, cat, week)
    ref = pd.DataFrame({"a": area, "c": cat, "w": week}).groupby(["a", "c", "w"]).size()
    assert counts.tolist() == ref.tolist()
    for k, level in enumerate(["a", "c", "w"]):
        assert keys[k].tolist() == ref.index.get_level_values(level).tolist()


def test_crosstab():
    t = crosstab([0, 1, 1, 2], [1, 0, 0, 2], 3, 3)
    np.testing.assert_array_equal(t, [[0, 1, 0], [2, 0, 0], [0, 0, 1]])
    with pytest.raises(ValueError):
        crosstab([3], [0], 3, 3)


def test_rate_and_garwood_ci():
    r = rate([5, 0, 3], [1000, 500, 0])
    assert r[0] == 5.0 and r[1] == 0.0 and np.isnan(r[2])
    lo, hi = rate_ci([0, 10], [1000, 1000])
    assert lo[0] == 0 and hi[0] == pytest.approx(stats.chi2.ppf(0.975, 2) / 2)
    assert lo[1] == pytest.approx(stats.chi2.ppf(0.025, 20) / 2) and hi[1] == pytest.approx(stats.chi2.ppf(0.975, 22) / 2)


def test_eb_smooth_equals_esda_empirical_bayes():
    smoothing = pytest.importorskip("esda.smoothing")
    rng = np.random.default_rng(1)
    pop = rng.integers(200, 20_000, 80).astype(float)
    c = rng.poisson(pop * rng.gamma(4, 0.005 / 4, 80)).astype(float)
    ref = smoothing.Empirical_Bayes(c, pop).r.ravel()
    np.testing.assert_allclose(eb_smooth(c, pop, per=1.0), ref, rtol=1e-12)
    # no extra variation between areas → all shrunk to the global rate (Marshall's A < 0 → 0)
    same = eb_smooth(np.array([1.0, 2.0, 3.0]), np.array([1000.0, 2000.0, 3000.0]))
    np.testing.assert_allclose(same, 1.0)


def test_periods():
    d = dt.date(2024, 12, 30)
    assert P.iso_week(d).label == "2025-W01" and P.iso_week(d).days == 7
    assert P.tertial(dt.date(2024, 5, 1)) == P.Period(dt.date(2024, 5, 1), dt.date(2024, 8, 31), "tertial")
    assert P.tertial(dt.date(2024, 12, 31)).label == "2024-T3"
    assert P.month(dt.date(2024, 2, 10)).end == dt.date(2024, 2, 29)
    assert P.previous(P.month(dt.date(2024, 3, 5))) == P.month(dt.date(2024, 2, 1))
    assert P.previous(P.last_n_days(dt.date(2024, 3, 28), 28)).end == dt.date(2024, 2, 29)
    assert P.year_to_date(dt.date(2024, 3, 1)).days == 61
    assert P.same_period_last_year(P.iso_week(dt.date(2021, 1, 4))).label == "2020-W01"
    assert P.same_period_last_year(P.iso_week(dt.date(2021, 1, 1))).label == "2019-W52"  # 2020-W53 → 2019 has 52
    assert P.same_period_last_year(P.year_to_date(dt.date(2024, 2, 29))).end == dt.date(2023, 2, 28)
    with pytest.raises(ValueError):
        P.period_of("decade", d)


@pytest.mark.parametrize("kind", P.KINDS)
def test_bucket_index_agrees_with_scalar_functions(kind):
    days = np.arange(np.datetime64("2019-12-20"), np.datetime64("2025-01-10"))
    keys, labels = P.bucket_index(days, kind)
    uniq = np.unique(keys)
    scalar = [P.period_of(kind, d.astype(dt.date)).label for d in days]
    assert [labels[np.searchsorted(uniq, k)] for k in keys] == scalar
    assert np.all(np.diff(keys) >= 0)  # keys sort chronologically


def test_rates_per_100k_and_ranking():
    counts = np.array([[1200, 300], [2600, 700], [900, 250]])
    pop = np.array([600_000, 980_000, 360_000])
    r, lo, hi = rates_per_100k(counts, pop)
    assert r[0, 0] == pytest.approx(200.0)
    assert (lo <= r).all() and (r <= hi).all()
    rank, best, worst = rank_with_ci(r[:, 0], lo[:, 0], hi[:, 0])
    assert rank.tolist() == [3, 1, 2] and (best <= rank).all() and (rank <= worst).all()


@pytest.mark.parametrize("seed", range(5))
def test_count_cells_all_paths_equal_pandas(seed):
    """Dense bincount, sort-based unique and wide-range/negative/bool/str keys give groupby's answer."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5_000))
    keys = [
        rng.integers(-3, 4, n),                               # negative small-range ints (dense path)
        rng.integers(0, 10**12, n) // rng.integers(1, 10**9, n),  # wide range (np.unique path)
        rng.random(n) < 0.3,                                  # booleans
        rng.choice(np.array(["a", "b", "c"]), n),             # strings
        rng.integers(0, 3_000, n).astype(np.int32),           # int32 ids
    ]
    picked = [keys[i] for i in sorted(rng.choice(5, size=int(rng.integers(1, 6)), replace=False))]
    got_keys, got = count_cells(*picked)
    df = pd.DataFrame({f"k{i}": k for i, k in enumerate(picked)})
    ref = df.groupby(list(df.columns)).size()
    assert got.tolist() == ref.tolist()
    for i, k in enumerate(got_keys):
        assert k.tolist() == ref.index.get_level_values(i).tolist()
        assert k.dtype == picked[i].dtype
