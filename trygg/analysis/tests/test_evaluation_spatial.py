import gzip
from pathlib import Path

import numpy as np
import pytest
import shapely
from scipy import stats

from trygg.analysis import spatial
from trygg.analysis.evaluation import did_rate_ratio, wdq
from trygg.analysis.spatial import assign_points_to_polygons, project


def test_wdq_hand_computed():
    # Action 100 → 60, buffer 80 → 70, control 200 → 200 (hand computation below)
    r = wdq(100, 60, 80, 70, 200, 200)
    assert r.sdq == pytest.approx(60 / 200 - 100 / 200)  # -0.2
    assert r.bdq == pytest.approx(70 / 200 - 80 / 200)  # -0.05
    assert r.wdq == pytest.approx(0.25)
    assert r.interpretation == "diffusion"
    assert r.total_net_effect == pytest.approx((100 - 60) + (80 - 70))
    # displacement: buffer 80 → 100 while action falls 100 → 60 with control rising 200 → 250
    r = wdq(100, 60, 80, 100, 200, 250)
    sm, bdm = 60 / 250 - 100 / 200, 100 / 250 - 80 / 200
    assert r.wdq == pytest.approx(bdm / sm) and r.interpretation == "no_change"  # bdm == 0 exactly
    r = wdq(100, 60, 80, 110, 200, 250)
    assert r.wdq == pytest.approx((110 / 250 - 80 / 200) / sm)
    assert r.interpretation == "displacement_less_than_effect"
    assert wdq(100, 60, 80, 200, 200, 250).interpretation == "displacement_exceeds_effect"
    assert wdq(100, 120, 80, 80, 200, 200).interpretation == "no_success"


def test_did_rate_ratio():
    rr, lo, hi, p = did_rate_ratio(100, 60, 200, 200)
    assert rr == pytest.approx(0.6)
    se = np.sqrt(1 / 100 + 1 / 60 + 1 / 200 + 1 / 200)
    assert lo == pytest.approx(0.6 * np.exp(-stats.norm.ppf(0.975) * se))
    assert hi == pytest.approx(0.6 * np.exp(stats.norm.ppf(0.975) * se))
    assert p == pytest.approx(2 * stats.norm.sf(abs(np.log(0.6)) / se))
    rr0, *_ = did_rate_ratio(10, 0, 20, 20)  # continuity correction
    assert rr0 == pytest.approx((0.5 / 10.5) / (20.5 / 20.5))
    arr = did_rate_ratio(np.array([100, 50]), np.array([60, 50]), 200, 200)
    assert arr[0].shape == (2,)


def _polygons():
    """Grid of squares sharing borders, one with a hole, one multipolygon, plus an overlap."""
    polys = [shapely.box(i * 100, j * 100, (i + 1) * 100, (j + 1) * 100) for i in range(5) for j in range(4)]
    polys[6] = shapely.box(100, 200, 200, 300).difference(shapely.box(130, 230, 170, 270))
    polys.append(shapely.MultiPolygon([shapely.box(600, 0, 650, 50), shapely.box(700, 0, 750, 50)]))
    polys.append(shapely.Point(250, 250).buffer(30))  # overlaps squares: lowest index wins
    return polys


@pytest.mark.parametrize("method", ["by tree", "by polygon", "by raster"])
def test_assign_points_equals_geopandas_sjoin(method, monkeypatch):
    """Every method (the raster of borders for many points, the per-polygon pass, the STR-tree for few)."""
    gpd = pytest.importorskip("geopandas")
    monkeypatch.setattr(spatial, "_RASTER_MIN_POINTS", 0 if method == "by raster" else 10**9)
    monkeypatch.setattr(spatial, "_TREE_MAX_POINTS", 10**9 if method == "by tree" else 0)
    rng = np.random.default_rng(0)
    n = 20_000
    x = rng.uniform(-50, 800, n)
    y = rng.uniform(-50, 450, n)
    x[:2000] = np.round(x[:2000], -2)  # many points exactly on borders and corners
    y[:1000] = np.round(y[:1000], -2)
    x[2000:2100] = np.nextafter(np.round(x[2000:2100], -2), 1e9)  # a hair beside a border
    polys = _polygons()
    got = assign_points_to_polygons(x, y, polys)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y))
    j = gpd.sjoin(pts, gpd.GeoDataFrame(geometry=polys), predicate="intersects", how="left")
    ref = j["index_right"].fillna(-1).astype(int).groupby(level=0).min().reindex(range(n)).to_numpy()
    np.testing.assert_array_equal(got, ref)
    assert (got == -1).any() and (got == 20).any()


@pytest.mark.parametrize("seed", range(3))
def test_raster_method_equals_per_polygon_method(seed, monkeypatch):
    """Random overlapping polygons with holes and long edges, points on their vertices and beside
    them, NaN and far-away points, a single polygon, missing and empty ones: the raster method
    answers exactly like the per-polygon pass."""
    monkeypatch.setattr(spatial, "_RASTER_MIN_POINTS", 0)
    rng = np.random.default_rng(seed)
    polys = []
    for _ in range(int(rng.choice([1, 40]))):
        cx, cy = rng.uniform(0, 1000, 2)
        ring = shapely.Point(cx, cy).buffer(rng.uniform(5, 200), quad_segs=int(rng.integers(1, 16)))
        if rng.random() < 0.3:
            ring = ring.difference(shapely.Point(cx, cy).buffer(3))
        polys.append(ring)
    polys[1:1] = [None, shapely.Polygon()]  # missing and empty geometries are skipped
    vx, vy = shapely.get_coordinates(np.array(polys, dtype=object)).T
    n = 30_000
    x = np.r_[rng.uniform(-100, 1100, n), vx, np.nextafter(vx, -1e9), np.nan, 5e6]
    y = np.r_[rng.uniform(-100, 1100, n), vy, vy, 1.0, 5e6]
    got = assign_points_to_polygons(x, y, polys)
    geoms = np.array(polys, dtype=object)
    np.testing.assert_array_equal(got, spatial._assign_by_polygon(x, y, geoms))
    np.testing.assert_array_equal(got, spatial._assign_by_tree(x, y, geoms))
    assert got[-2] == -1 and got[-1] == -1 and (got >= 0).any()


BASOMRADEN = Path(__file__).resolve().parents[2] / "areas" / "data" / "municipalities" / "goteborg" / "goteborg_basomraden_2021.geojson.gz"


def test_raster_method_on_the_real_basomraden(monkeypatch):
    """Göteborg's 1,012 basområden (shared borders, WGS 84 degrees): random points and every
    vertex, raster method = per-polygon pass."""
    monkeypatch.setattr(spatial, "_RASTER_MIN_POINTS", 0)
    polys = shapely.get_parts(shapely.from_geojson(gzip.decompress(BASOMRADEN.read_bytes())))
    assert polys.size == 1012
    minx, miny, maxx, maxy = shapely.total_bounds(polys)
    rng = np.random.default_rng(7)
    vx, vy = shapely.get_coordinates(polys).T
    x = np.r_[rng.uniform(minx, maxx, 100_000), vx]
    y = np.r_[rng.uniform(miny, maxy, 100_000), vy]
    got = assign_points_to_polygons(x, y, polys)
    np.testing.assert_array_equal(got, spatial._assign_by_polygon(x, y, polys))
    np.testing.assert_array_equal(got[:50_000], spatial._assign_by_tree(x[:50_000], y[:50_000], polys))
    assert (got[100_000:] >= 0).all()


def test_project_wgs84_to_sweref99tm():
    x, y = project([11.9746, 15.0], [57.7089, 0.0])
    # Göteborg lies around E 319 000, N 6 400 000 in SWEREF 99 TM; the central meridian 15° E maps to 500 000
    assert 310_000 < x[0] < 330_000 and 6_390_000 < y[0] < 6_410_000
    assert x[1] == pytest.approx(500_000, abs=1e-6) and y[1] == pytest.approx(0, abs=1e-6)
