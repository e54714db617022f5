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
