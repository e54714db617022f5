import math

from scipy import stats

from trygg.surveys.statistics import compare, mean_interval, wilson_interval


def test_wilson_matches_reference_values():
    # Newcombe (1998) Stat Med 17:857, table I: 81/263 → 0.2553–0.3662
    lo, hi = wilson_interval(100 * 81 / 263, 263)
    assert math.isclose(lo, 25.53, abs_tol=0.01) and math.isclose(hi, 36.62, abs_tol=0.01)
    lo, hi = wilson_interval(0, 10)
    assert lo == 0 and math.isclose(hi, 27.75, abs_tol=0.01)


def test_mean_interval():
    lo, hi = mean_interval(2.0, 1.0, 100)
    assert math.isclose(hi - 2.0, 0.196, abs_tol=1e-3) and math.isclose(2.0 - lo, 0.196, abs_tol=1e-3)


def test_two_proportion_z_test():
    # 30 % of 1000 vs 25 % of 1000: pooled p = .275, se = .01997, z = 2.504
    c = compare((30, 1000, None, None), (25, 1000, None, None), share=True)
    assert c.method == "two-proportion z-test"
    assert math.isclose(c.z, 2.5036, abs_tol=1e-3) and c.significant
    assert math.isclose(c.p_value, 2 * stats.norm.sf(2.5036), rel_tol=1e-3)
    assert not compare((26, 200, None, None), (25, 200, None, None), share=True).significant


def test_difference_of_estimates_from_cis():
    c = compare((2.0, 0, 1.804, 2.196), (1.5, 0, 1.304, 1.696), share=False)
    assert c.method == "difference of independent estimates"
    assert math.isclose(c.z, 0.5 / math.hypot(0.1, 0.1), rel_tol=1e-3)
    assert compare((2.0, 0, None, None), (1.0, 0, None, None), share=False) is None
