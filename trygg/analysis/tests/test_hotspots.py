import numpy as np
import pytest

from trygg.analysis.hotspots import Grid, gi_star, grid_counts, grid_for, kde, silverman_bandwidth

esda = pytest.importorskip("esda")
lat2W = pytest.importorskip("libpysal.weights").lat2W


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("transform", ["B", "R"])
@pytest.mark.parametrize("shape", [(30, 40), (7, 3), (1, 12)])
def test_gi_star_equals_esda(transform, shape):
    rng = np.random.default_rng(sum(shape))
    c = rng.poisson(rng.gamma(0.5, 2.0, shape)).astype(float)
    c[0, 0] += 25  # a hotspot in the corner
    ref = esda.G_Local(c.ravel(), lat2W(*shape, rook=False), transform=transform, star=True, permutations=0)
    g = gi_star(c, transform=transform)
    np.testing.assert_allclose(g.z.ravel(), ref.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(g.g.ravel(), ref.Gs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(g.p.ravel(), 2 * ref.p_norm, rtol=1e-9, atol=1e-15)


def test_gi_star_flags_cluster_with_fdr():
    c = np.zeros((40, 40))
    c[10:13, 10:13] = 30
    c += np.random.default_rng(0).poisson(1.0, c.shape)
    g = gi_star(c)
    assert g.significant[11, 11] and not g.significant[35, 35]
    assert (g.p_adj >= g.p).all()
    flat = gi_star(np.ones((5, 5)))
    assert (flat.z == 0).all() and (flat.p == 1).all()


def test_grid_origin_and_counts():
    x = np.array([1050.0, 1099.0, 1200.0, 1399.9])
    y = np.array([-20.0, 60.0, 99.0, 10.0])
    g = grid_for(x, y, 100)
    assert (g.origin_x, g.origin_y, g.nx, g.ny) == (1000.0, -100.0, 4, 2)
    c = grid_counts(x, y, g)
    assert c.shape == (2, 4) and c.sum() == 4
    assert c[0, 0] == 1 and c[1, 0] == 1 and c[1, 2] == 1 and c[1, 3] == 1


def test_kde_matches_sklearn_kernel_density():
    sk = pytest.importorskip("sklearn.neighbors")
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(0, 400, 1500), rng.normal(800, 100, 500)])
    y = np.concatenate([rng.normal(0, 300, 1500), rng.normal(500, 100, 500)])
    g = grid_for(x, y, 20)
    h = 150.0
    d = kde(x, y, g, h)
    cx, cy = g.centers()
    ref = np.exp(sk.KernelDensity(bandwidth=h).fit(np.column_stack([x, y]))
                 .score_samples(np.column_stack([cx.ravel(), cy.ravel()]))) * x.size
    err = np.abs(d.ravel() - ref).max() / ref.max()
    assert err < 0.01  # binning error: points move ≤ half a cell (10 m) with h = 150 m
    # total mass ≈ n (mass outside the grid lost)
    assert d.sum() * g.cell**2 == pytest.approx(x.size, rel=0.02)


def test_silverman_bandwidth():
    rng = np.random.default_rng(0)
    x, y = rng.normal(0, 100, 1000), rng.normal(0, 100, 1000)
    assert silverman_bandwidth(x, y) == pytest.approx(np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2) * 1000 ** (-1 / 6))
    assert Grid(0, 0, 10, 3, 2).shape == (2, 3)


def _exact_kde(x, y, grid, h):
    cx, cy = grid.centers()
    out = np.zeros(cx.shape)
    for k in range(0, x.size, 500):  # direct sum over the points, in blocks
        dx = cx[..., None] - x[k:k + 500]
        dy = cy[..., None] - y[k:k + 500]
        out += np.exp(-(dx**2 + dy**2) / (2 * h * h)).sum(axis=-1)
    return out / (2 * np.pi * h * h)


@pytest.mark.parametrize("cells_per_h", [1.0, 2.0, 2.5, 4.0, 10.0])
def test_kde_within_2_percent_of_the_exact_sum_at_every_bandwidth_the_docs_allow(cells_per_h):
    rng = np.random.default_rng(int(cells_per_h * 10))
    cell = 100.0
    x = np.concatenate([rng.normal(0, 600, 1500), rng.normal(900, 120, 300), rng.uniform(-2000, 2000, 200)])
    y = np.concatenate([rng.normal(0, 500, 1500), rng.normal(700, 120, 300), rng.uniform(-2000, 2000, 200)])
    g = grid_for(x, y, cell)
    h = cells_per_h * cell
    d = kde(x, y, g, h)
    ref = _exact_kde(x, y, g, h)
    big = ref > 0.1 * ref.max()
    rel = np.abs(d[big] - ref[big]) / ref[big]
    assert rel.max() < 0.02, (cells_per_h, rel.max())
    # a grid cut inside the cloud: points outside still count near the edge
    sub = Grid(g.origin_x + 10 * cell, g.origin_y + 10 * cell, cell, g.nx - 20, g.ny - 20)
    ds, rs = kde(x, y, sub, h), _exact_kde(x, y, sub, h)
    big = rs > 0.1 * rs.max()
    assert (np.abs(ds[big] - rs[big]) / rs[big]).max() < 0.02


def test_kde_250m_on_100m_cells_was_18_percent_off_and_now_is_not():
    rng = np.random.default_rng(250)
    x, y = rng.uniform(0, 3000, 40), rng.uniform(0, 3000, 40)  # sparse points: no smoothing hides binning
    g = grid_for(x, y, 100.0)
    d, ref = kde(x, y, g, 250.0), _exact_kde(x, y, g, 250.0)
    big = ref > 0.1 * ref.max()
    assert (np.abs(d[big] - ref[big]) / ref[big]).max() < 0.02


# ----------------------------------------------------------------------------- the pipeline
from trygg.analysis.hotspots import (  # noqa: E402
    DEFAULT_HOTSPOT_SETTINGS,
    HotspotSettings,
    _queen_sum,
    distinct_draws,
    find_hotspots,
    permutation_larger,
)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("shape", [(12, 15), (5, 3)])
def test_conditional_permutation_equals_esda_with_the_same_draws(shape):
    """esda.G_Local's p_sim (conditional randomisation, esda.crand) reproduced exactly: the same
    seed gives esda's permuted ids (legacy np.random.choice, as esda.crand.vec_permutations), and
    our count of permuted sums ≥ observed, folded as esda's 'directed' alternative, is esda's."""
    rng = np.random.default_rng(3)
    c = rng.poisson(rng.gamma(0.3, 2.0, shape)).astype(float)
    c[1:3, 1:3] += 6
    perms, seed = 999, 12345
    ref = esda.G_Local(c.ravel(), lat2W(*shape, rook=False), transform="B", star=True, permutations=perms,
                       seed=seed, n_jobs=1)
    np.random.seed(seed)
    ids = np.stack([np.random.choice(c.size - 1, 8, replace=False) for _ in range(perms)])
    card = _queen_sum(np.ones(shape)).astype(int).ravel()
    larger = permutation_larger(c, _queen_sum(c).ravel(), np.arange(c.size), card - 1, ids)
    folded = np.minimum(larger, perms - larger)
    np.testing.assert_allclose((folded + 1) / (perms + 1), ref.p_sim, rtol=1e-6)


def test_distinct_draws_are_distinct_and_uniform():
    d = distinct_draws(10, 8, 20_000, np.random.default_rng(0))
    s = np.sort(d, axis=1)
    assert (s[:, 1:] != s[:, :-1]).all() and d.min() >= 0 and d.max() <= 9
    from scipy import stats
    for k in (1, 3, 8):  # every prefix is a uniform sample: each value equally often
        f = np.bincount(d[:, :k].ravel(), minlength=10)
        assert stats.chisquare(f).pvalue > 0.001, k


@pytest.mark.filterwarnings("ignore")
def test_pipeline_p_values_agree_with_esda_within_monte_carlo_error():
    """With its own (fast) draws the pipeline's p for hot cells lies within Monte Carlo error of
    esda.G_Local's p_sim on the same padded grid."""
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(0, 3000, 150), rng.normal(1500, 120, 60), rng.normal(600, 80, 25)])
    y = np.concatenate([rng.uniform(0, 2000, 150), rng.normal(1000, 120, 60), rng.normal(1500, 80, 25)])
    h = find_hotspots(x, y)
    g = h.grid
    assert g.origin_x == np.floor(x.min() / 250) * 250 - 250 and g.nx == int(np.floor((x.max() - g.origin_x - 250) / 250)) + 3
    ref = esda.G_Local(h.counts.ravel().astype(float), lat2W(g.ny, g.nx, rook=False), transform="B", star=True,
                       permutations=9999, seed=1, n_jobs=1)
    t = h.tested.ravel() & (h.z.ravel() > 0)
    assert t.sum() >= 5
    mine, theirs = h.p.ravel()[t], ref.p_sim[t]
    se = np.sqrt(np.maximum(theirs * (1 - theirs), 1e-4) / 9999)
    assert (np.abs(mine - theirs) <= 5 * se + 2e-4).all(), np.c_[mine, theirs]


def test_a_cell_without_events_is_never_a_hotspot():
    # the case of the issue: a 6-report map gave "Gi* z = 4.07, n = 0"
    x = np.array([100.0, 120, 130, 360, 380, 390])
    y = np.array([100.0, 110, 140, 120, 130, 90])
    h = find_hotspots(x, y)
    assert h.reason == "too_few_points" and not h.hot.any() and not h.tested.any()
    assert np.isnan(h.p).all()
    # enough points: an empty cell between two clusters has a high z but is not tested
    x = np.r_[np.full(12, 100.0), np.full(12, 600.0), np.linspace(-2000, 3000, 30)]
    y = np.r_[np.full(12, 100.0), np.full(12, 100.0), np.linspace(-1500, 2500, 30)]
    h = find_hotspots(x, y)
    empty_high = (h.counts == 0) & (h.z > 2)
    assert empty_high.any() and not h.hot[empty_high].any()
    assert h.hot.any() and (h.counts[h.hot] >= 1).all() and (h.neighbourhood[h.hot] >= 5).all()


def test_fdr_over_the_tested_cells_and_determinism():
    rng = np.random.default_rng(1)
    x = np.r_[rng.normal(0, 60, 40), rng.uniform(-3000, 3000, 400)]
    y = np.r_[rng.normal(0, 60, 40), rng.uniform(-3000, 3000, 400)]
    h = find_hotspots(x, y)
    from scipy.stats import false_discovery_control

    p = h.p[h.tested]
    np.testing.assert_allclose(h.p_adj[h.tested], false_discovery_control(p, method="bh"))
    assert (h.p_adj[h.hot] <= DEFAULT_HOTSPOT_SETTINGS.q).all()
    assert np.isnan(h.p_adj[~h.tested]).all()
    again = find_hotspots(x[::-1], y[::-1])  # same points in another order: same cells
    assert (again.hot == h.hot).all() and np.array_equal(again.p, h.p, equal_nan=True)
    # raising the neighbourhood minimum only removes cells
    strict = find_hotspots(x, y, HotspotSettings(min_neighbourhood_count=20))
    assert not (strict.tested & ~h.tested).any()
    with pytest.raises(ValueError):
        find_hotspots(x, y, HotspotSettings(cell=0))
    with pytest.raises(ValueError):
        find_hotspots(x * 1e4, y * 1e4, HotspotSettings(cell=1))
