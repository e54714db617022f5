"""Time and peak memory of the EST CSV import on a 100,000-row file (issue 13).

    python benchmarks/bench_est_import.py [--rows 100000] [--keep DIR]

Builds a fresh SQLite database in a temporary TRYGG_VAR_DIR (migrations, then Sweden's municipalities
and Göteborg's shipped statistical areas), writes a **synthetic** EST file (fixed seed): reports at
random points inside Göteborg's basområden (90 %) or by area code (10 %), 2 % of the rows repeated
(unchanged on import), short descriptions without personal data. Then it imports the file three times
with ``trygg.incidents.est.import_est_csv``:

1. timed (wall clock), with the process's peak resident memory (``resource.getrusage``) before and after;
2. the same file again (every row unchanged), timed;
3. after deleting the rows, once more under ``tracemalloc`` for the peak of Python allocations during
   the import (tracemalloc slows Python down, so this run is not timed).

Prints a Markdown block for benchmarks/README.md.
"""

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("TRYGG_BENCH_TREE") or str(ROOT))  # --then: the other checkout


def _setup(var_dir: Path, gazetteer: bool = False):
    os.environ["TRYGG_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    os.environ["TRYGG_WARM_FIGURES"] = "0"  # the job after an import is not part of the import
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        from trygg.areas.demo import load_demo_municipality
    except ImportError:  # an older checkout (``bench_police_import.py --then``): the same areas, its own loaders
        from trygg.areas.goteborg import load_goteborg

        from trygg.incidents.placing import load_gazetteer

        load_goteborg(None)
        if gazetteer:
            load_gazetteer(stdout=None)
        return
    load_demo_municipality(gazetteer=gazetteer)


def fresh_database(keep: str | None, prefix: str, gazetteer: bool = False) -> Path:
    """A new SQLite database with the shipped areas in ``keep`` (kept) or a temporary folder."""
    var_dir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix=prefix))
    var_dir.mkdir(parents=True, exist_ok=True)
    _setup(var_dir, gazetteer)
    return var_dir


def write_file(path: Path, n: int, seed: int = 13) -> dict:
    """The synthetic EST file; returns what it holds."""
    import numpy as np
    from shapely.geometry import shape

    from trygg.analysis.spatial import assign_points_to_polygons
    from trygg.areas.models import Area, Level
    from trygg.incidents.categories import EST_CATEGORIES

    rng = np.random.default_rng(seed)
    bas = [a for a in Area.objects.filter(level=Level.BASOMRADE) if a.geometry]
    polygons = [shape(a.geometry) for a in bas]
    lo = np.array([p.bounds[:2] for p in polygons]).min(axis=0)
    hi = np.array([p.bounds[2:] for p in polygons]).max(axis=0)
    n_points = int(n * 0.9)
    xs, ys = [], []
    while sum(len(x) for x in xs) < n_points:  # uniform points in the city's box, kept where inside an area
        x = np.round(rng.uniform(lo[0], hi[0], n_points), 6)  # as written to the file
        y = np.round(rng.uniform(lo[1], hi[1], n_points), 6)
        inside = assign_points_to_polygons(x, y, polygons) >= 0
        xs.append(x[inside])
        ys.append(y[inside])
    x, y = np.concatenate(xs)[:n_points], np.concatenate(ys)[:n_points]
    codes = [a.code for a in Area.objects.filter(level=Level.PRIMAROMRADE)]
    start = dt.datetime(2024, 1, 1)
    unique = n - int(n * 0.02)
    lines = ["occurred_at,category,lon,lat,area_code,place,description,organisation"]
    for i in range(unique):
        when = start + dt.timedelta(minutes=int(rng.integers(0, 2 * 365 * 24 * 60)))
        cat = EST_CATEGORIES[int(rng.integers(len(EST_CATEGORIES)))]
        if i < n_points:
            where = f"{x[i]:.6f},{y[i]:.6f},"
        else:
            where = f",,{codes[int(rng.integers(len(codes)))]}"
        lines.append(f"{when:%Y-%m-%d %H:%M},{cat},{where},Vid entrén,Observation nr {i} under ronden,")
    lines += lines[1:1 + n - unique]  # repeated rows: unchanged
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"rows": n, "points": n_points, "by_code": unique - n_points, "repeated": n - unique,
            "bytes": path.stat().st_size}


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--keep", help="use this TRYGG_VAR_DIR (kept) instead of a temporary one")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    var_dir = fresh_database(args.keep, "trygg-est-bench-")
    from django.db import connection

    from trygg.incidents.est import import_est_csv
    from trygg.incidents.models import Incident

    path = var_dir / "est-bench.csv"
    info = write_file(path, args.rows)
    setup_s = time.perf_counter() - t0
    Incident.objects.filter(source="est").delete()

    rss_before = _rss_mib()
    t = time.perf_counter()
    run = import_est_csv(path)
    first_s = time.perf_counter() - t
    rss_after = _rss_mib()
    t = time.perf_counter()
    again = import_est_csv(path)
    again_s = time.perf_counter() - t

    Incident.objects.filter(source="est").delete()
    tracemalloc.start()
    import_est_csv(path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    sqlite = connection.Database.sqlite_version if connection.vendor == "sqlite" else ""
    print(f"### EST CSV import, {info['rows']:,} rows\n")
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · host {platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs · "
          f"Python {platform.python_version()} · {connection.vendor} {sqlite} · setup {setup_s:.0f} s\n")
    print(f"File: **synthetic**, {info['bytes'] / 1e6:.1f} MB; {info['points']:,} points in Göteborg's basområden, "
          f"{info['by_code']:,} by area code, {info['repeated']:,} repeated rows.\n")
    print("| run | time (s) | rows/s | new | unchanged |")
    print("|---|---:|---:|---:|---:|")
    print(f"| first import | {first_s:.1f} | {info['rows'] / first_s:,.0f} | {run.new:,} | {run.unchanged:,} |")
    print(f"| same file again | {again_s:.1f} | {info['rows'] / again_s:,.0f} | {again.new:,} | {again.unchanged:,} |")
    print(f"\nPeak memory: Python allocations during the import (tracemalloc) **{peak / 2**20:,.0f} MiB**; "
          f"process peak RSS {rss_before:,.0f} MiB before the first import, {rss_after:,.0f} MiB after it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
