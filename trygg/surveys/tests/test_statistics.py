import math

from scipy import stats

from trygg.surveys.statistics import compare, mean_interval, wilson_interval


def test_wilson_matches_reference_values():
    # Newcombe (1998) Stat Med 17:857, table I: 81/263 → 0.2553–0.3662
    lo, hi = wilson_interval(100 * 81 / 263, 263)
    assert math.isclose(lo, 25.53, abs_tol=0.01) and math.isclose(hi, 36.62, abs_tol=0.01)
    lo, hi = wilson_interval(0, 10)
    assert lo == 0 and math.isclose(hi, 27.75, abs_tol=0.01)


def test_wilson_agrees_with_statsmodels():
    """SciPy's Wilson interval (what Trygg uses) against statsmodels' independent implementation."""
    from statsmodels.stats.proportion import proportion_confint

    for k, n in [(0, 10), (1, 10), (5, 10), (10, 10), (81, 263), (3, 1000), (412, 977), (1, 1)]:
        for alpha in (0.05, 0.1, 0.01):
            lo, hi = wilson_interval(100 * k / n, n, alpha=alpha)
            ref_lo, ref_hi = proportion_confint(k, n, alpha=alpha, method="wilson")
            assert math.isclose(lo, 100 * ref_lo, abs_tol=1e-9) and math.isclose(hi, 100 * ref_hi, abs_tol=1e-9), \
                (k, n, alpha)


def test_wilson_takes_whole_respondents_and_refuses_nonsense():
    # 30.8 % of 263 is 81 people: the same interval as 81/263 exactly
    assert wilson_interval(30.8, 263) == wilson_interval(100 * 81 / 263, 263)
    for share, n in [(50, 0), (101, 10), (-1, 10)]:
        try:
            wilson_interval(share, n)
        except ValueError:
            continue
        raise AssertionError(f"accepted {share} % of {n}")


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
