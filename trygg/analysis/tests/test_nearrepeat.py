import numpy as np
import pytest

from trygg.analysis.nearrepeat import all_pairs_time_histogram, knox

from .nrc import DATA, read_points, read_verbose

CASES = [  # (points, NRC verbose output, space band, time band)
    ("nearrepeat_chicago_arson.csv", "nearrepeat_chicago_arson_NRverbose_2019-09-23_145637.csv", 200, 1),
    ("nearrepeat_chicago_be_month1.csv", "nearrepeat_chicago_be_month1_NRverbose_tables.csv", 100, 7),
]


def brute_force_observed(x, y, days, sb, nsb, tb, ntb, distance="manhattan"):
    """O(n²) reference: every pair, bands as documented in nearrepeat.py."""
    i, j = np.triu_indices(x.size, 1)
    dx, dy = np.abs(x[i] - x[j]), np.abs(y[i] - y[j])
    d = dx + dy if distance == "manhattan" else np.hypot(dx, dy)
    t = np.abs(days[i] - days[j])
    row = np.where(d == 0, 0, np.minimum(1 + np.floor(d / sb), nsb + 1)).astype(int)
    col = np.minimum(t // tb, ntb).astype(int)
    out = np.zeros((nsb + 2, ntb + 1), dtype=int)
    np.add.at(out, (row, col), 1)
    return out


@pytest.mark.parametrize("points,verbose,sb,tb", CASES)
def test_observed_counts_reproduce_near_repeat_calculator_exactly(points, verbose, sb, tb):
    x, y, d = read_points(DATA / points)
    ref = read_verbose(DATA / verbose)
    r = knox(x, y, d, sb, 3, tb, 3, permutations=9, seed=0, precision="single")
    np.testing.assert_array_equal(r.observed, np.nan_to_num(ref["observed"]).astype(int))
    assert r.observed.sum() == x.size * (x.size - 1) // 2


def test_double_precision_differs_from_nrc_by_one_boundary_pair_only():
    x, y, d = read_points(DATA / CASES[0][0])
    ref = np.nan_to_num(read_verbose(DATA / CASES[0][1])["observed"]).astype(int)
    r = knox(x, y, d, 200, 3, 1, 3, permutations=1, seed=0)
    diff = r.observed - ref
    assert np.abs(diff).sum() == 2  # the pair at 399.96 m (400.0 m in single precision) moves one row


def test_expected_counts_agree_with_nrc_within_monte_carlo_error():
    x, y, d = read_points(DATA / CASES[0][0])
    ref = read_verbose(DATA / CASES[0][1])
    r = knox(x, y, d, 200, 3, 1, 3, permutations=999, seed=42, precision="single")
    for (a, b), sims in ref["sims"].items():
        ref_mean, ref_sd = sims.mean(), sims.std(ddof=1)
        se = np.sqrt(ref_sd**2 / sims.size + r.expected_sd[a, b] ** 2 / r.permutations)
        assert abs(r.expected_mean[a, b] - ref_mean) <= 4 * se + 0.02, (a, b, r.expected_mean[a, b], ref_mean)
        # the NRC's own ratio/mean is consistent with its simulations (sanity of the reader)
        if ref_mean > 0 and np.isfinite(ref["ratio"][a, b]):
            assert ref["ratio"][a, b] == pytest.approx(r.observed[a, b] / ref_mean, abs=6e-3, rel=1e-3)
    # cells the NRC finds significant at its best level stay significant with 999 runs
    sig = ref["p"] <= 0.01
    assert (r.p_value[sig] <= 0.01).all()


def test_p_value_definition_matches_nrc_simulation_lists():
    ref = read_verbose(DATA / CASES[0][1])
    for (a, b), sims in ref["sims"].items():
        obs = ref["observed"][a, b]
        obs = 0 if np.isnan(obs) else obs
        assert ref["p"][a, b] == pytest.approx((1 + (sims >= obs).sum()) / (sims.size + 1), abs=1e-9)


@pytest.mark.parametrize("distance", ["manhattan", "euclidean"])
def test_matches_brute_force_on_random_data(distance):
    rng = np.random.default_rng(3)
    n = 400
    x = np.round(rng.uniform(0, 2000, n), 0)  # rounding creates exact ties and same locations
    y = np.round(rng.uniform(0, 2000, n), 0)
    x[:20], y[:20] = x[20:40], y[20:40]
    d = rng.integers(0, 120, n)
    r = knox(x, y, d, 150, 4, 5, 3, distance=distance, permutations=19, seed=1)
    np.testing.assert_array_equal(r.observed, brute_force_observed(x, y, d, 150, 4, 5, 3, distance))
    assert r.observed.shape == (6, 4) and len(r.space_labels) == 6 and len(r.time_labels) == 4
    # every simulated table has the same total number of pairs, so expected sums to it too
    assert r.expected_mean.sum() == pytest.approx(n * (n - 1) / 2)


def test_blocks_of_pairs_do_not_change_the_table(monkeypatch):
    """The permutations are counted per block of pairs; blocks of about 5 pairs (many blocks, some
    holding one event with more) give the very table one block of every pair gives, and the brute force."""
    from trygg.analysis import nearrepeat

    rng = np.random.default_rng(8)
    n = 300
    x, y = np.round(rng.uniform(0, 1500, n), 0), np.round(rng.uniform(0, 1500, n), 0)
    x[:15], y[:15] = x[15:30], y[15:30]
    d = rng.integers(0, 90, n)
    whole = knox(x, y, d, 120, 3, 7, 3, permutations=23, seed=4)
    monkeypatch.setattr(nearrepeat, "BLOCK_PAIRS", 5)
    assert max(len(b[3]) for b in nearrepeat._pair_blocks(*_near_pairs(x, y, 360), 4, n)) > 5  # an event with more pairs than a block
    small = knox(x, y, d, 120, 3, 7, 3, permutations=23, seed=4)
    np.testing.assert_array_equal(small.observed, brute_force_observed(x, y, d, 120, 3, 7, 3, "manhattan"))
    for field in ("observed", "expected_mean", "p_value"):
        np.testing.assert_array_equal(getattr(small, field), getattr(whole, field))


def _near_pairs(x, y, rmax):
    i, j = np.triu_indices(x.size, 1)
    dist = np.abs(x[i] - x[j]) + np.abs(y[i] - y[j])
    keep = dist < rmax
    srow = np.where(dist == 0, 0, 1 + np.floor(dist / 120).astype(np.int64))[keep]
    return i[keep], j[keep], srow


def test_all_pairs_time_histogram_brute_force():
    rng = np.random.default_rng(5)
    d = rng.integers(0, 60, 300)
    i, j = np.triu_indices(d.size, 1)
    t = np.minimum(np.abs(d[i] - d[j]) // 4, 5)
    np.testing.assert_array_equal(all_pairs_time_histogram(d, 4, 5), np.bincount(t, minlength=6))
    # invariant under permutation of the days
    np.testing.assert_array_equal(all_pairs_time_histogram(rng.permutation(d), 4, 5),
                                  all_pairs_time_histogram(d, 4, 5))


def test_seed_reproducible_and_validation():
    rng = np.random.default_rng(0)
    x, y, d = rng.uniform(0, 1000, 50), rng.uniform(0, 1000, 50), rng.integers(0, 30, 50)
    a = knox(x, y, d, 100, 3, 7, 3, permutations=20, seed=7)
    b = knox(x, y, d, 100, 3, 7, 3, permutations=20, seed=7)
    np.testing.assert_array_equal(a.expected_mean, b.expected_mean)
    with pytest.raises(ValueError):
        knox(x[:1], y[:1], d[:1], 100, 3, 7, 3)
    with pytest.raises(ValueError):
        knox(x, y, d, 100, 3, 7, 3, distance="chebyshev")


def test_labels():
    rng = np.random.default_rng(0)
    x, y, d = rng.uniform(0, 1000, 30), rng.uniform(0, 1000, 30), rng.integers(0, 30, 30)
    r = knox(x, y, d, 200, 3, 1, 3, permutations=2, labels="nrc")
    assert r.space_labels == ["Same location", "1 to 200", "201 to 400", "401 to 600", "More than 600"]
    assert r.time_labels == ["0 to 1", "2 to 2", "3 to 3", "More than 3"]
    r = knox(x, y, d, 100, 3, 7, 3, permutations=2)
    assert r.time_labels == ["0 to 6 days", "7 to 13 days", "14 to 20 days", ">=21 days"]
    assert r.space_labels[0].startswith("same location") and r.space_labels[-1] == ">=300"


def test_closed_form_expected_counts_equal_the_permutation_mean():
    """E[N_st] = N_s · T_t / C(n, 2) exactly: checked by brute force over EVERY permutation of a
    small set, and against the Monte Carlo mean of a large one."""
    from itertools import permutations

    from scipy import stats

    rng = np.random.default_rng(7)
    x, y = rng.integers(0, 400, 7).astype(float), rng.integers(0, 400, 7).astype(float)
    d = np.array([0, 1, 1, 3, 8, 9, 20])
    r = knox(x, y, d, 100, 2, 2, 2, permutations=9, seed=0)
    tables = [brute_force_observed(x, y, np.array(p), 100, 2, 2, 2) for p in permutations(d)]
    np.testing.assert_allclose(r.expected, np.mean(tables, axis=0), rtol=1e-12)
    x, y, dd = read_points(DATA / CASES[0][0])
    r = knox(x, y, dd, 200, 3, 1, 3, permutations=999, seed=4)
    se = r.expected_sd / np.sqrt(r.permutations)
    assert np.all(np.abs(r.expected_mean - r.expected) <= 4.5 * se + 1e-9)
    # the stars are FDR-controlled over the whole table
    np.testing.assert_allclose(r.p_adj, stats.false_discovery_control(r.p_value.ravel()).reshape(r.p_value.shape))
    np.testing.assert_array_equal(r.significant, r.p_adj <= 0.05)
    d2 = r.to_dict()
    assert d2["expected"][0][0] == pytest.approx(float(r.expected[0, 0])) and "p_adj" in d2
