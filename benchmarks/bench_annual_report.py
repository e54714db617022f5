"""Benchmark: the annual analysis for the demo city (4 stadsområden, 36 mellanområden, 96
primärområden, 5 years of incidents) must be generated in under 30 s.

    python benchmarks/bench_annual_report.py [--per-area-year 100] [--runs 3] [--no-write]

Uses its own database in a temporary TRYGG_VAR_DIR: runs the demo steps (areas, partners,
incidents, surveys, conferences …) and, when the demo has fewer than 10,000 incidents for the five
years, adds synthetic incidents (trygg.reports.synthetic) in every primärområde. Times collecting
the figures, PDF, HTML and Excel rendering, and writes the result to benchmarks/README-report.md
with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = Path(__file__).resolve().parent / "README-report.md"
LIMIT_S = 30.0


def machine() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")), "")
    except OSError:
        model = platform.processor()
    return f"{model or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-area-year", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--theme", default="narkotika")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)

    var_dir = tempfile.mkdtemp(prefix="trygg-bench-report-")
    os.environ["TRYGG_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import translation

    call_command("migrate", verbosity=0)
    from importlib import import_module

    for step in settings.TRYGG_DEMO_STEPS:
        try:
            module = import_module(step)
        except ImportError:
            print(f"(demo step {step} not available)")
            continue
        module.load(io.StringIO())

    from trygg.areas.models import Area, Level
    from trygg.incidents.models import Incident
    from trygg.reports.annual import render
    from trygg.reports.annual.data import collect
    from trygg.reports.synthetic import seed_incidents

    years = range(args.year - 4, args.year + 1)
    n_incidents = Incident.objects.filter(date__year__in=list(years)).count()
    seeded = 0
    if n_incidents < 10_000:
        areas = list(Area.objects.filter(level=Level.PRIMAROMRADE, path__startswith="/SE/1480/"))
        seeded = seed_incidents(areas, years, per_area_year=args.per_area_year)
        n_incidents = Incident.objects.filter(date__year__in=list(years)).count()
    counts = {lvl.value: Area.objects.filter(level=lvl, path__startswith="/SE/1480/").count()
              for lvl in (Level.STADSOMRADE, Level.MELLANOMRADE, Level.PRIMAROMRADE)}
    print(f"areas {counts}, incidents {args.year - 4}–{args.year}: {n_incidents} (synthetic added: {seeded})")

    rows = []
    with translation.override("sv"):
        for run in range(args.runs):
            t0 = time.perf_counter()
            report = collect(args.year, args.theme)
            t1 = time.perf_counter()
            pdf = render.pdf(report)
            t2 = time.perf_counter()
            render.html(report)
            t3 = time.perf_counter()
            render.xlsx(report)
            t4 = time.perf_counter()
            rows.append((t1 - t0, t2 - t1, t3 - t2, t4 - t3, t2 - t0, len(pdf)))
            print(f"run {run + 1}: collect {t1 - t0:.2f} s, pdf {t2 - t1:.2f} s, html {t3 - t2:.2f} s, "
                  f"xlsx {t4 - t3:.2f} s; figures+PDF {t2 - t0:.2f} s ({len(pdf) // 1024} kB)")
    best = min(rows, key=lambda r: r[4])
    worst = max(r[4] for r in rows)
    ok = worst < LIMIT_S
    print(f"{'OK' if ok else 'TOO SLOW'}: slowest figures+PDF {worst:.2f} s (limit {LIMIT_S:.0f} s)")
    if not args.no_write:
        README.write_text(f"""# Benchmark: annual analysis (årsanalys)

`python benchmarks/bench_annual_report.py` – generated {dt.date.today().isoformat()} on {machine()}.

Demo city: {counts['stadsomrade']} stadsområden, {counts['mellanomrade']} mellanområden,
{counts['primaromrade']} primärområden; {n_incidents} incidents {args.year - 4}–{args.year}
({seeded} of them synthetic, added by the benchmark because the demo had fewer than 10,000);
year {args.year}, theme {args.theme}; SQLite; {args.runs} runs.

| step | best run (s) |
|---|---:|
| collect figures (picture figures, trends, hotspots, Knox, surveys) | {best[0]:.2f} |
| PDF (WeasyPrint) | {best[1]:.2f} |
| HTML | {best[2]:.2f} |
| Excel | {best[3]:.2f} |
| **figures + PDF** | **{best[4]:.2f}** |

Slowest figures + PDF over the runs: {worst:.2f} s — requirement: under {LIMIT_S:.0f} s: **{'met' if ok else 'NOT met'}**.
PDF size {best[5] // 1024} kB. The `trygg report annual` command adds Django start-up (about 2–3 s).
""")
        print(f"wrote {README}")
    import shutil

    shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
