"""Benchmark harness: ``python -m benchmarks [gistar kde pip groupby nearrepeat situation] [--no-write]``.

Each benchmark times a trygg.analysis method and its established peer on the same seeded data,
checks that the answers agree, and the results are written to ``benchmarks/README.md`` together with
the machine (``lscpu`` model name and cores) and the date. Real data are read from ``../shared/data``
(relative to the repository root) when present; everything else is synthetic with fixed seeds.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
README = Path(__file__).resolve().parent / "README.md"


def best_of(fn, repeat=3):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def bench_gistar():
    """Gi* on a 200×200 grid vs esda.G_Local(star=True, transform='B'), queen contiguity."""
    from esda import G_Local
    from libpysal.weights import lat2W

    from trygg.analysis.hotspots import gi_star

    rng = np.random.default_rng(1)
    counts = rng.poisson(rng.gamma(0.5, 2.0, (200, 200))).astype(float)
    w = lat2W(200, 200, rook=False)
    ours_t, ours = best_of(lambda: gi_star(counts, transform="B"), 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer_t, peer = best_of(lambda: G_Local(counts.ravel(), w, transform="B", star=True, permutations=0), 3)
    diff = float(np.abs(ours.z.ravel() - peer.Zs).max())
    return dict(name="gistar", what="Gi* z, 200×200 grid (40,000 cells)", ours=ours_t, peer=peer_t,
                peer_name="esda.G_Local (weights prebuilt, permutations=0)", check=f"max abs Δz = {diff:.1e}")


def bench_kde():
    """Binned FFT KDE vs sklearn KernelDensity and scipy gaussian_kde at the same cell centres."""
    from scipy.stats import gaussian_kde
    from sklearn.neighbors import KernelDensity

    from trygg.analysis.hotspots import grid_for, kde

    rng = np.random.default_rng(2)
    n = 5000
    x = np.concatenate([rng.normal(0, 1500, n - 1000), rng.normal(1000, 200, 1000)])
    y = np.concatenate([rng.normal(0, 1000, n - 1000), rng.normal(500, 200, 1000)])
    g = grid_for(x, y, 50)
    h = 250.0
    cx, cy = g.centers()
    pts = np.column_stack([cx.ravel(), cy.ravel()])
    ours_t, ours = best_of(lambda: kde(x, y, g, h), 5)
    skl = KernelDensity(bandwidth=h).fit(np.column_stack([x, y]))
    sk_t, ref = best_of(lambda: np.exp(skl.score_samples(pts)) * n, 1)
    sd = np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
    gk = gaussian_kde(np.vstack([x, y]), bw_method=h / sd)  # same scalar factor (covariance-shaped kernel)
    sc_t, _ = best_of(lambda: gk(pts.T), 1)
    err = float(np.abs(ours.ravel() - ref).max() / ref.max())
    return dict(name="kde", what=f"Gaussian KDE, {n:,} points, {g.nx}×{g.ny} grid (50 m), h = 250 m", ours=ours_t,
                peer=sk_t, peer_name="sklearn KernelDensity.score_samples",
                check=f"max error {err:.1e} of peak; scipy gaussian_kde {sc_t:.2f} s ({sc_t / ours_t:,.0f}×)")


def bench_pip():
    """Point-in-polygon, 1M points over Göteborg's 1,012 basområden vs geopandas.sjoin."""
    import geopandas as gpd

    from trygg.analysis.spatial import assign_points_to_polygons

    path = SHARED / "goteborg_areas" / "goteborg_basomraden_2021.geojson"
    if not path.exists():
        return dict(name="pip", skipped=f"{path} not found")
    areas = gpd.read_file(path).to_crs(3006)
    minx, miny, maxx, maxy = areas.total_bounds
    rng = np.random.default_rng(3)
    n = 1_000_000
    x, y = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    polys = list(areas.geometry.values)
    ours_t, ours = best_of(lambda: assign_points_to_polygons(x, y, polys), 3)
    poly_df = areas[["geometry"]].reset_index(drop=True)

    def peer():
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=3006)
        j = gpd.sjoin(pts, poly_df, predicate="intersects", how="left")
        return j["index_right"].fillna(-1).astype(int).groupby(level=0).min().reindex(range(n)).to_numpy()

    peer_t, ref = best_of(peer, 1)
    same = bool((ref == ours).all())
    return dict(name="pip", what=f"1,000,000 points × {len(polys):,} basområden ({(ours >= 0).mean():.0%} inside)",
                ours=ours_t, peer=peer_t, peer_name="geopandas.sjoin(predicate='intersects')",
                check="identical assignments" if same else "MISMATCH")


def bench_groupby():
    """count_cells on 1M incidents (area × category × ISO week) vs pandas groupby().size()."""
    import pandas as pd

    from trygg.analysis.counts import count_cells
    from trygg.analysis.periods import bucket_index

    rng = np.random.default_rng(4)
    n = 1_000_000
    area = rng.integers(0, 1012, n)
    cat = rng.integers(0, 12, n)
    dates = np.datetime64("2020-01-01") + rng.integers(0, 5 * 365, n).astype("timedelta64[D]")
    week, _ = bucket_index(dates, "week")
    ours_t, (keys, counts) = best_of(lambda: count_cells(area, cat, week), 3)
    df = pd.DataFrame({"a": area, "c": cat, "w": week})
    peer_t, ref = best_of(lambda: df.groupby(["a", "c", "w"]).size(), 3)
    same = counts.tolist() == ref.tolist()
    return dict(name="groupby", what="1,000,000 incidents → area × category × week counts", ours=ours_t, peer=peer_t,
                peer_name="pandas DataFrame.groupby(3 keys).size()", check="identical" if same else "MISMATCH")


def bench_nearrepeat():
    """Knox test on 50,000 events with 999 permutations (100 m × 3, 7 days × 3, Manhattan)."""
    from trygg.analysis.nearrepeat import knox

    rng = np.random.default_rng(5)
    path = SHARED / "crime_points_reference" / "nearrepeat_chicago_be_2016.csv"
    n = 50_000
    if path.exists():  # real burglary locations (Chicago 2016), resampled with 50 m jitter over 4 years
        a = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=(0, 1))
        a = a[np.isfinite(a).all(axis=1)]
        k = rng.integers(0, a.shape[0], n)
        x, y = a[k, 0] + rng.normal(0, 50, n), a[k, 1] + rng.normal(0, 50, n)
        src = "Chicago 2016 burglary locations resampled + 50 m jitter"
    else:
        x, y = rng.uniform(0, 30_000, n), rng.uniform(0, 30_000, n)
        src = "uniform synthetic"
    days = rng.integers(0, 4 * 365, n)
    ours_t, r = best_of(lambda: knox(x, y, days, 100, 3, 7, 3, permutations=999, seed=1), 1)
    near = int(r.observed[:-1].sum())
    return dict(name="nearrepeat", what=f"Knox 50,000 events × 999 permutations ({src}; {near:,} pairs < 300 m)",
                ours=ours_t, peer=None, peer_name="target < 10 s", check="")


def bench_situation():
    """Full situation picture: 1M incidents, areas × categories × weeks over 5 years, counts + tests + FDR."""
    from trygg.analysis.change import flag_changes
    from trygg.analysis.counts import crosstab
    from trygg.analysis.periods import bucket_index

    rng = np.random.default_rng(6)
    n, n_area, n_cat = 1_000_000, 100, 12
    area = rng.integers(0, n_area, n)
    cat = rng.integers(0, n_cat, n)
    dates = np.datetime64("2020-01-06") + rng.integers(0, 5 * 364, n).astype("timedelta64[D]")

    def picture():
        wk, _ = bucket_index(dates, "week")
        wcode = (wk - wk.min()) // 7
        n_w = int(wcode.max()) + 1
        cube = crosstab(area * n_cat + cat, wcode, n_area * n_cat, n_w)  # (area·cat) × week
        prev = flag_changes(cube[:, 1:], cube[:, :-1])  # every week vs the week before
        lastyear = flag_changes(cube[:, 52:], cube[:, :-52])  # every week vs the same week a year earlier
        return cube, prev, lastyear

    ours_t, (cube, prev, ly) = best_of(picture, 3)
    tests = prev.p_value.size + ly.p_value.size
    return dict(name="situation", what=f"situation picture: 1,000,000 incidents, {n_area} areas × {n_cat} categories × "
                f"{cube.shape[1]} weeks = {cube.size:,} cells, {tests:,} exact tests + BH", ours=ours_t, peer=None,
                peer_name="target < 1 s", check=f"{int(prev.significant.sum() + ly.significant.sum())} cells flagged")


BENCHES = {"gistar": bench_gistar, "kde": bench_kde, "pip": bench_pip, "groupby": bench_groupby,
           "nearrepeat": bench_nearrepeat, "situation": bench_situation}


def machine() -> str:
    model, cores = platform.processor() or "unknown CPU", os.cpu_count()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return f"{model}, {cores} cores (os.cpu_count), Python {platform.python_version()}, numpy {np.__version__}"


def write_readme(results: list[dict]) -> None:
    lines = [
        "# Benchmarks of `trygg.analysis`", "",
        "Run `python -m benchmarks` (all) or `python -m benchmarks gistar pip …` from the repository root; "
        "it rewrites this file. Real data come from `../shared/data`; the rest is synthetic with fixed seeds. "
        "Times are the best of several runs (wall clock).", "",
        f"Machine: {machine()}  ", f"Date: {dt.date.today().isoformat()}", "",
        "| benchmark | data | trygg (s) | peer | peer (s) | speed-up | agreement |",
        "|---|---|---:|---|---:|---:|---|",
    ]
    for r in results:
        if "skipped" in r:
            lines.append(f"| {r['name']} | skipped: {r['skipped']} | | | | | |")
            continue
        peer = f"{r['peer']:.3f}" if r["peer"] is not None else "–"
        ratio = f"{r['peer'] / r['ours']:,.1f}×" if r["peer"] is not None else "–"
        lines.append(f"| {r['name']} | {r['what']} | {r['ours']:.3f} | {r['peer_name']} | {peer} | {ratio} | {r['check']} |")
    lines += FOOTER
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")


FOOTER = [
    "", "## The web pages and the annual report", "",
    "These run against a demo database rather than the analysis core alone, so they have their own "
    "scripts and result files:", "",
    "- situation picture page (target < 300 ms server time on SQLite): `benchmarks/bench_picture_page.py`, "
    "results in [README-picture.md](README-picture.md);",
    "- annual analysis (target < 30 s for the demo city): `benchmarks/bench_annual_report.py`, "
    "results in [README-report.md](README-report.md);",
    "- calibration of the change flags on the real data (issue 16): `benchmarks/bench_calibration.py`, "
    "results in [README-calibration.md](README-calibration.md);",
    "- placing police events from their text (speed on the national feed, precision and coverage on labelled "
    "real events): `benchmarks/bench_placement.py`, results in [README-placement.md](README-placement.md);",
    "- EST CSV import (issue 13; target < 15 s and < 500 MB for 100k rows): `benchmarks/bench_est_import.py`, "
    "results in [README-import.md](README-import.md);",
    "- load on `trygg serve` (issue 14: 50 concurrent clients × 60 s on the public and picture pages, gunicorn "
    "on SQLite and PostgreSQL vs the development server): `benchmarks/bench_load.py`, results in "
    "[README-load.md](README-load.md);",
    "- Sweden scale (issue 13: 1–4.5 M synthetic incidents over the real areas; picture pages, public page, "
    "`trygg picture`, annual report, cold and warm, on SQLite and PostgreSQL; the 10 M-incident core): "
    "`benchmarks/scale_data.py` and `benchmarks/bench_scale.py`, results in [README-scale.md](README-scale.md).",
]


def main(argv: list[str]) -> int:
    write = "--no-write" not in argv
    names = [a for a in argv if not a.startswith("--")] or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    results = []
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        r = BENCHES[name]()
        results.append(r)
        if "skipped" in r:
            print(f"  skipped: {r['skipped']}")
        else:
            extra = f", peer {r['peer']:.3f} s ({r['peer'] / r['ours']:,.1f}×)" if r["peer"] is not None else ""
            print(f"  {r['what']}: {r['ours']:.3f} s{extra} {r['check']}")
    if write and set(names) == set(BENCHES):
        write_readme(results)
        print(f"wrote {README}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
