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
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_est_import import fresh_database  # noqa: E402  (the same fresh database)

FEED = ROOT.parent / "shared" / "data" / "polisen_events" / "polisen_events_sweden_2022-09_2026-08.json.gz"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=0, help="the first N events of the feed (0: all)")
    ap.add_argument("--keep", help="use this TRYGG_VAR_DIR (kept) instead of a temporary one")
    args = ap.parse_args(argv)
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
    print(f"\nThe import takes {import_s / plain_s:.1f}× the plain loader's time (the issue: 6.2×; its target, ≥ 3× "
          f"the events/s of then, is ≤ {6.2 / 3:.1f}×).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
