"""A reproducible Sweden-scale database: the demo's real areas and millions of **synthetic** incidents.

    TRYGG_VAR_DIR=/tmp/scale python benchmarks/scale_data.py [--incidents 1000000] [--years 3] [--seed 13]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_scale python benchmarks/scale_data.py ...

Uses the database the settings point to (``TRYGG_VAR_DIR`` for SQLite, ``DATABASE_URL`` for
PostgreSQL): migrates it, loads the demo's real areas (Sverige, the 290 municipalities with their
population, Göteborg's stadsområden, mellanområden, primärområden and 1,012 basområden) and a demo
administrator, then adds ``--incidents`` incidents (the issue's full size is 4,500,000; the default,
1,000,000, loads in a few minutes on a 2-core machine). Every row is ``synthetic=True`` with source
id ``scale-N``; a second run replaces the previous ``scale-`` rows.

Clustering, seeded (``--seed``):

- space: police events over the municipalities in proportion to population^1.1 times a gamma(2)
  factor per municipality; 40 % of Göteborg's events placed by text in a basområde with gamma(0.6)
  weights (a few hot basområden); EST reports (20 %) in Göteborg's basområden, gamma(0.5) weights,
  points within ~250 m of the basområde's representative point;
- time: a summer peak (±15 %), weekday rhythm (Friday/Saturday high, Sunday low), a slight upward
  trend, night/evening hours for police events, daytime for EST; 5 % of the incidents are
  short series (300 bursts of 21 days in one area each);
- categories: fixed weights per source.

The rows are inserted in a random order (so the table is not stored in date order), in bulk: with
the incident table's secondary indexes dropped and rebuilt afterwards (what a bulk load does), by
``trygg.incidents.loader.insert_rows`` (executemany) on SQLite and ``COPY`` on PostgreSQL; then
ANALYZE (VACUUM ANALYZE on PostgreSQL) and the data version raised.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
END = dt.date(2026, 8, 31)  # the last day of the synthetic data (fixed: reproducible)
POLICE_CATEGORIES = {"stold-inbrott": 18, "trafik": 16, "misshandel": 10, "ordningsstorning": 9, "brand": 6,
                     "narkotikabrott": 7, "skadegorelse": 6, "bedrageri": 5, "hot-vald": 4, "ran": 2,
                     "vapenbrott": 1, "skottlossning": 0.6, "explosion": 0.3, "mord-drap": 0.2, "ovrigt": 10,
                     "sammanfattning": 3, "uppdatering": 2}
EST_WEIGHTS = {"klotter": 5, "skadegorelse": 4, "nedskrapning": 6, "brand": 1, "narkotika-handel": 2,
               "narkotika-fynd": 2, "ansamling": 3, "otrygg-plats": 3, "hot-vald": 1, "annat": 1}
WEEKDAY = np.array([0.95, 0.95, 1.0, 1.05, 1.3, 1.35, 0.8])
POLICE_HOURS = np.array([6, 5, 4, 3, 2, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 7, 7, 7, 7, 7, 7, 7], float)
EST_HOURS = np.array([1, 0.5, 0.5, 0.5, 0.5, 1, 2, 4, 6, 6, 6, 6, 6, 6, 6, 7, 8, 8, 8, 7, 6, 5, 3, 2], float)


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_areas(stdout) -> None:
    """Migrate, collect the static files (the pages need their manifest) and load the demo's areas
    and accounts (each idempotent)."""
    from django.core.management import call_command

    from trygg.accounts.demo import load as load_accounts
    from trygg.areas.demo import load as load_areas_demo

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    load_areas_demo(stdout)
    load_accounts(stdout)


def _weights(x) -> np.ndarray:
    x = np.asarray(x, float)
    return x / x.sum()


def generate(n: int, years: int = 3, seed: int = 13):
    """The incidents as column arrays (numpy), in a random order; see the module docstring."""
    from trygg.areas.models import Area, Level, Population

    rng = np.random.default_rng(seed)
    pop = {}
    for area_id, count in Population.objects.filter(age_band="").order_by("year").values_list("area_id", "count"):
        pop[area_id] = count  # the latest year wins
    areas = {a.pk: a for a in Area.objects.filter(level__in=[Level.MUNICIPALITY, Level.BASOMRADE])}
    munis = sorted((a for a in areas.values() if a.level == Level.MUNICIPALITY), key=lambda a: a.code)
    gbg = next(a for a in munis if a.code == "1480")
    bas = sorted((a for a in areas.values() if a.level == Level.BASOMRADE and a.centroid_lon is not None),
                 key=lambda a: a.code)
    muni_w = _weights(np.array([pop.get(a.pk, 1000) for a in munis], float) ** 1.1 * rng.gamma(2, 0.5, len(munis)))
    bas_police_w = _weights(np.array([pop.get(a.pk, 200) + 50 for a in bas], float) * rng.gamma(0.6, 1, len(bas)))
    bas_est_w = _weights(np.array([pop.get(a.pk, 200) + 50 for a in bas], float) * rng.gamma(0.5, 1, len(bas)))

    n_days = int(round(years * 365.25))
    start = END - dt.timedelta(days=n_days - 1)
    day = np.arange(n_days)
    dates = np.datetime64(start, "D") + day.astype("timedelta64[D]")
    doy = (dates - dates.astype("datetime64[Y]")).astype(int)
    weekday = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    day_w = _weights((1 + 0.15 * np.sin(2 * np.pi * (doy - 100) / 365.25)) * WEEKDAY[weekday] * (1 + 0.05 * day / 365))

    n_est = int(0.2 * n)
    n_police = n - n_est
    # police: municipality, then 40 % of Göteborg's placed in a basområde
    source = np.zeros(n, np.int8)  # 0 police, 1 est
    source[n_police:] = 1
    muni_idx = rng.choice(len(munis), size=n_police, p=muni_w)
    area_ref = np.empty(n, object)  # Area per row
    m_arr = np.array(munis, object)
    b_arr = np.array(bas, object)
    area_ref[:n_police] = m_arr[muni_idx]
    in_gbg = np.flatnonzero((m_arr[muni_idx] == gbg) & (rng.random(n_police) < 0.4))
    area_ref[in_gbg] = b_arr[rng.choice(len(bas), size=len(in_gbg), p=bas_police_w)]
    est_bas = rng.choice(len(bas), size=n_est, p=bas_est_w)
    area_ref[n_police:] = b_arr[est_bas]
    day_idx = rng.choice(n_days, size=n, p=day_w)
    # 5 % in series: 300 bursts of 21 days, each in the area of a random incident
    burst = rng.random(n) < 0.05
    seeds = rng.integers(0, n, 300)
    which = rng.integers(0, 300, int(burst.sum()))
    b_rows = np.flatnonzero(burst)
    area_ref[b_rows] = area_ref[seeds[which]]
    source[b_rows] = source[seeds[which]]
    burst_start = rng.integers(0, n_days - 21, 300)
    day_idx[b_rows] = burst_start[which] + rng.integers(0, 21, len(b_rows))

    is_est = source == 1
    p_cats, p_w = list(POLICE_CATEGORIES), _weights(list(POLICE_CATEGORIES.values()))
    e_cats, e_w = list(EST_WEIGHTS), _weights(list(EST_WEIGHTS.values()))
    category = np.where(is_est, np.array(e_cats, object)[rng.choice(len(e_cats), n, p=e_w)],
                        np.array(p_cats, object)[rng.choice(len(p_cats), n, p=p_w)])
    hour = np.where(is_est, rng.choice(24, n, p=_weights(EST_HOURS)), rng.choice(24, n, p=_weights(POLICE_HOURS)))
    minute = rng.integers(0, 60, n)
    jitter = rng.normal(0, 1, (n, 2)) * [0.004, 0.0025]  # about 250 m
    order = rng.permutation(n)  # random storage order
    return dict(start=start, order=order, source=source, area=area_ref, day=day_idx, category=category, hour=hour,
                minute=minute, jitter=jitter, gbg=gbg)


def rows(g, admin_org=None):
    """Row dicts (field attnames) in ``g['order']``. The themes are read from the database here,
    before the first row is asked for: inside PostgreSQL's COPY, a query on the same connection
    waits for the COPY to end, which waits for the rows (the load hung)."""
    from trygg.incidents.categories import theme_of

    themes = {c: theme_of(c) for c in set(POLICE_CATEGORIES) | set(EST_WEIGHTS)}
    return _rows(g, admin_org, themes)


def _rows(g, admin_org, themes):
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Europe/Stockholm")
    gbg = g["gbg"]
    start = g["start"]
    days = [start + dt.timedelta(days=k) for k in range(int(g["day"].max()) + 1)]
    for i in g["order"]:
        area = g["area"][i]
        est = g["source"][i] == 1
        day = days[g["day"][i]]
        cat = g["category"][i]
        basomrade = area.level == "basomrade"
        muni = gbg if basomrade else area
        row = dict(source="est" if est else "police", source_id=f"scale-{i}",
                   occurred_at=dt.datetime(day.year, day.month, day.day, int(g["hour"][i]), int(g["minute"][i]),
                                           tzinfo=tz),
                   date=day, event_type="EST" if est else cat, category=cat, theme=themes[cat],
                   municipality_id=muni.pk, area_id=area.pk, area_path=area.path,
                   placement="point" if est else ("text" if basomrade else "municipality"),
                   place_level="basomrade" if basomrade and not est else "",
                   reported_municipality_id=muni.pk, title=f"Syntetisk händelse ({cat})", synthetic=True)
        if est:
            row["lon"] = float(area.centroid_lon + g["jitter"][i, 0])
            row["lat"] = float(area.centroid_lat + g["jitter"][i, 1])
            row["organisation_id"] = admin_org
        yield row


def _secondary_indexes(connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes that no constraint owns."""
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                      [table])
        else:
            c.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                      "(SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)", [table])
        return list(c.fetchall())


def _copy(connection, model, batch_rows) -> int:
    """PostgreSQL COPY of row dicts into ``model``'s table (defaults as ``insert_rows`` gives them)."""
    from django.utils import timezone

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {f.attname: now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False) else f.get_default()
                for f in fields}
    names = [f.attname for f in fields]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    done = 0
    with connection.cursor() as c:
        with c.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({cols}) FROM STDIN") as copy:
            for row in batch_rows:
                copy.write_row([row.get(n, defaults[n]) for n in names])
                done += 1
    return done


def load_incidents(n: int, years: int, seed: int, stdout=sys.stdout) -> dict:
    from django.db import connection, transaction

    from trygg.accounts.models import Organisation
    from trygg.incidents import dataversion
    from trygg.incidents.loader import insert_rows
    from trygg.incidents.models import Incident

    t0 = time.perf_counter()
    g = generate(n, years, seed)
    t_gen = time.perf_counter() - t0
    table = Incident._meta.db_table
    org = Organisation.objects.filter(kind="other").values_list("pk", flat=True).first()
    t1 = time.perf_counter()
    with transaction.atomic():
        deleted = Incident.objects.filter(source_id__startswith="scale-", synthetic=True)._raw_delete(connection.alias)
        indexes = _secondary_indexes(connection, table)
        with connection.cursor() as c:
            for name, _sql in indexes:
                c.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        if connection.vendor == "postgresql":
            inserted = _copy(connection, Incident, rows(g, org))
            with connection.cursor() as c:  # check the deferred foreign keys now: no index build while they wait
                c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        else:
            inserted = insert_rows(Incident, rows(g, org), batch_size=5000)
        t_ins = time.perf_counter() - t1
        t2 = time.perf_counter()
        with connection.cursor() as c:
            for _name, sql in indexes:
                c.execute(sql)
        t_idx = time.perf_counter() - t2
        from trygg.incidents import daily

        daily.rebuild()  # the rows went in past the imports' refresh of the daily counts
        dataversion.bump()
    with connection.cursor() as c:  # what autovacuum does on PostgreSQL (the visibility map: index-only scans)
        c.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    total = time.perf_counter() - t0
    out = dict(incidents=inserted, replaced=deleted, generate_s=t_gen, insert_s=t_ins, index_s=t_idx,
               total_s=total, vendor=connection.vendor)
    stdout.write(f"{inserted:,} synthetic incidents ({deleted:,} replaced) on {connection.vendor}: generated "
                 f"{t_gen:.1f} s, inserted {t_ins:.1f} s, {len(indexes)} indexes rebuilt {t_idx:.1f} s, "
                 f"total {total:.1f} s\n")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--incidents", type=int, default=1_000_000, help="how many (the issue's full size: 4500000)")
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    setup()
    load_areas(io.StringIO())
    load_incidents(args.incidents, args.years, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
