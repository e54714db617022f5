"""Throughput of the police events import against a plain loader of the same rows (issue 13).

    python benchmarks/bench_police_import.py [--events N] [--keep DIR]

Builds a fresh SQLite database in a temporary TRYGG_VAR_DIR (migrations, Sweden's municipalities,
Göteborg's shipped areas and gazetteer) and imports the police's national feed of
``../shared/data/polisen_events`` (every event of Sweden, 2022-09 – 2026-08; ``--events`` keeps the
first N) with ``trygg.incidents.police.import_police_events``: parsing, the personal-data screen,
municipality, category, placement by the place names in the text, the write and the daily cells.
Then, as the issue measured it, a *plain loader*: the very rows the import wrote, read back as
dicts, deleted and inserted again with ``trygg.incidents.loader.insert_rows`` (one prepared
statement, no parsing, no placement, no cells). The issue found the import 6.2× slower than such a
loader and asked for ≥ 3× its events per second.

``--then DIR`` also times the import of the code in another checkout (``git worktree add DIR
COMMIT``; its own fresh database, the same feed, in a new process that imports ``trygg`` from ``DIR``),
to compare with the code of the day the issue was filed (``b35f521``: its target is ≥ 3× those
events per second, on the same machine).

Prints a Markdown block for benchmarks/README.md. The file is read from ``../shared`` by this script
only (a benchmark, not the product).
"""

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("TRYGG_BENCH_TREE") or str(ROOT))  # --then: the other checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_est_import import fresh_database  # noqa: E402  (the same fresh database)

FEED = ROOT.parent / "shared" / "data" / "polisen_events" / "polisen_events_sweden_2022-09_2026-08.json.gz"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=0, help="the first N events of the feed (0: all)")
    ap.add_argument("--keep", help="use this TRYGG_VAR_DIR (kept) instead of a temporary one")
    ap.add_argument("--then", metavar="DIR", help="also time the import of the checkout in DIR")
    ap.add_argument("--import-only", action="store_true", help=argparse.SUPPRESS)  # what --then runs in DIR
    args = ap.parse_args(argv)
    if args.import_only:
        return _import_only(args)
    t0 = time.perf_counter()
    fresh_database(args.keep, "trygg-police-bench-", gazetteer=True)
    from django.db import connection, transaction

    from trygg.incidents import daily
    from trygg.incidents.loader import insert_rows
    from trygg.incidents.models import Incident
    from trygg.incidents.police import import_police_events

    with gzip.open(FEED, "rt", encoding="utf-8") as fh:
        records = json.load(fh)
    if args.events:
        records = records[:args.events]
    setup_s = time.perf_counter() - t0

    t = time.perf_counter()
    run = import_police_events(records, file_name=FEED.name)
    import_s = time.perf_counter() - t
    t = time.perf_counter()
    again = import_police_events(records, file_name=FEED.name)
    again_s = time.perf_counter() - t

    fields = [f.attname for f in Incident._meta.concrete_fields if not f.primary_key]
    rows = list(Incident.objects.filter(source="police").order_by("pk").values(*fields))
    with transaction.atomic():
        Incident.objects.filter(source="police").delete()
        daily.rebuild()
    t = time.perf_counter()
    with transaction.atomic():
        loaded = insert_rows(Incident, rows)
    plain_s = time.perf_counter() - t

    then = _then(args.then, args.events) if args.then else None
    n = len(records)
    sqlite = connection.Database.sqlite_version if connection.vendor == "sqlite" else ""
    print(f"### Police events import, {n:,} events (the national feed)\n")
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · host {platform.node()} · {platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()} · {connection.vendor} {sqlite} · "
          f"setup {setup_s:.0f} s · load average {os.getloadavg()[0]:.1f}\n")
    print("| run | time (s) | events/s | new | unchanged | placed in a district |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| import (`import_police_events`) | {import_s:.1f} | {n / import_s:,.0f} | {run.new:,} | {run.unchanged:,} | "
          f"{run.placed_in_district:,} |")
    print(f"| the same feed again | {again_s:.1f} | {n / again_s:,.0f} | {again.new:,} | {again.unchanged:,} | |")
    print(f"| plain loader of the {loaded:,} rows it wrote (`insert_rows`) | {plain_s:.1f} | {loaded / plain_s:,.0f} | "
          f"{loaded:,} | | |")
    if then:
        print(f"| the same import by the code in `{then['tree']}` (`{then['commit']}`) | {then['seconds']:.1f} | "
              f"{n / then['seconds']:,.0f} | {then['new']:,} | | |")
    print(f"\nThe import takes {import_s / plain_s:.1f}× the plain loader's time (the issue: 6.2×; its target, ≥ 3× "
          f"the events/s of then, is ≤ {6.2 / 3:.1f}×).")
    if then:
        print(f"It imports {then['seconds'] / import_s:.2f}× the events per second of `{then['commit']}` on this machine "
              f"(the issue's target: ≥ 3×).")
    return 0


def _import_only(args) -> int:
    """In a new process: a fresh database, the feed imported once; prints the seconds as JSON."""
    fresh_database(args.keep, "trygg-police-then-", gazetteer=True)
    from trygg.incidents.police import import_police_events

    with gzip.open(FEED, "rt", encoding="utf-8") as fh:
        records = json.load(fh)
    if args.events:
        records = records[:args.events]
    t = time.perf_counter()
    run = import_police_events(records, file_name=FEED.name)
    print(json.dumps({"seconds": time.perf_counter() - t, "new": run.new}))
    return 0


def _then(tree: str, events: int) -> dict:
    import subprocess

    env = {**os.environ, "TRYGG_BENCH_TREE": str(Path(tree).resolve())}
    env.pop("TRYGG_VAR_DIR", None)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--import-only", "--events", str(events)]
    out = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=True).stdout
    commit = subprocess.run(["git", "-C", tree, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {**json.loads(out.strip().splitlines()[-1]), "tree": tree, "commit": commit}


if __name__ == "__main__":
    sys.exit(main())
