"""Server time of the situation picture page (and its API layers) on the demo database.

    TRYGG_VAR_DIR=/tmp/picture-var trygg demo
    TRYGG_VAR_DIR=/tmp/picture-var python benchmarks/bench_picture_page.py [--runs 15] [--seed-synthetic]

Uses Django's test Client against the demo DB (SQLite), logged in as an administrator
(who sees every incident text, the heaviest variant), and reports min / median / p90 per URL. The page
must answer under 300 ms (median) with two years of data. ``--seed-synthetic`` adds two years of
synthetic incidents (marked ``synthetic=True``, source ids ``bench-…``) when the demo DB has less than
that — for use before the incidents demo exists; the README says which data a run used.
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from trygg.areas.models import Area, Level  # noqa: E402
from trygg.incidents.categories import CATEGORIES, EST_CATEGORIES, theme_of  # noqa: E402
from trygg.incidents.models import Incident  # noqa: E402

POLICE_CATS = [c for c in CATEGORIES if c not in EST_CATEGORIES or c in ("skadegorelse", "brand", "hot-vald")]


def seed(end: dt.date, days=730, police_per_day=60, gbg_text_per_day=6, est_per_day=25, rng_seed=1):
    """Two years of synthetic incidents, inserted in bulk (never per row)."""
    from django.utils import timezone

    rng = np.random.default_rng(rng_seed)
    munis = list(Area.objects.filter(level=Level.MUNICIPALITY))
    pops = np.array([a.population() or 1000 for a in munis], float)
    bas = list(Area.objects.filter(level=Level.BASOMRADE, min_lon__isnull=False))
    gbg = Area.objects.get(code=settings.TRYGG_MUNICIPALITY_CODE)
    start = end - dt.timedelta(days=days - 1)
    objs = []

    def add(source, area, day, cat, lon=None, lat=None, placement="municipality", muni=None):
        occurred = timezone.make_aware(dt.datetime.combine(day, dt.time(int(rng.integers(0, 24)), 0)))
        objs.append(Incident(source=source, source_id=f"bench-{len(objs)}", occurred_at=occurred, date=day,
                             category=cat, theme=theme_of(cat), area=area, area_path=area.path, municipality=muni,
                             placement=placement, lon=lon, lat=lat, title=cat, synthetic=True))

    n_days = (end - start).days + 1
    for k in range(n_days):
        day = start + dt.timedelta(days=k)
        for i in rng.choice(len(munis), size=rng.poisson(police_per_day), p=pops / pops.sum()):
            add("police", munis[i], day, POLICE_CATS[rng.integers(len(POLICE_CATS))], muni=munis[i])
        for i in rng.integers(0, len(bas), size=rng.poisson(gbg_text_per_day)):
            add("police", bas[i], day, POLICE_CATS[rng.integers(len(POLICE_CATS))], placement="text", muni=gbg)
        for i in rng.integers(0, len(bas), size=rng.poisson(est_per_day)):
            a = bas[i]
            add("est", a, day, EST_CATEGORIES[rng.integers(len(EST_CATEGORIES))],
                lon=float(rng.uniform(a.min_lon, a.max_lon)), lat=float(rng.uniform(a.min_lat, a.max_lat)),
                placement="point", muni=gbg)
    Incident.objects.bulk_create(objs, batch_size=5000)
    return len(objs)


def timed(client, url, runs):
    client.get(url)  # warm caches once
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    out.sort()
    return out[0], statistics.median(out), out[int(0.9 * (len(out) - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--seed-synthetic", action="store_true")
    args = ap.parse_args()
    setup_test_environment()
    span = Incident.objects.aggregate(a=Min("date"), b=Max("date"))
    if args.seed_synthetic and (span["a"] is None or (span["b"] - span["a"]).days < 700):
        print("seeded", seed(span["b"] or dt.date.today()), "synthetic incidents")
        span = Incident.objects.aggregate(a=Min("date"), b=Max("date"))
    n = Incident.objects.count()
    if not n:
        sys.exit("no incidents in this database: run `trygg demo` (or pass --seed-synthetic)")
    # an administrator sees everything (incident lists with all texts): the heaviest page
    user = get_user_model().objects.filter(is_superuser=True).first()
    client = Client()
    client.force_login(user)
    code = "1"  # stadsområde Nordost
    end = span["b"]
    q28 = f"from={end - dt.timedelta(days=27)}&to={end}"
    qyear = f"from={end - dt.timedelta(days=364)}&to={end}&compare=last-year"
    urls = [
        f"/lagesbild/{code}/?{q28}",
        f"/lagesbild/{code}/?{qyear}",
        f"/lagesbild/{code}/?{q28}&theme=narkotika",
        f"/lagesbild/{settings.TRYGG_MUNICIPALITY_CODE}/?{q28}",
        f"/api/omraden/{code}/lagesbild.json?{q28}",
        f"/api/omraden/{code}/karta/choropleth.geojson?{q28}",
        f"/api/omraden/{code}/karta/hotspots.geojson?{qyear}",
        f"/api/omraden/{code}/karta/est.geojson?{q28}",
        f"/lagesbild/offentlig/{code}/",
        f"/lagesbild/storstader/?{qyear}",
    ]
    print(f"# {dt.datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()} · SQLite {settings.DATABASES['default']['NAME']}")
    print(f"# {n} incidents {span['a']} – {span['b']} (synthetic: {Incident.objects.filter(synthetic=True).count()}); "
          f"user {user.username}; {args.runs} runs per URL")
    print("| URL | min ms | median ms | p90 ms |")
    print("|---|---:|---:|---:|")
    worst = 0.0
    for url in urls:
        lo, med, p90 = timed(client, url, args.runs)
        if url.startswith("/lagesbild/") and "offentlig" not in url and "storstader" not in url:
            worst = max(worst, med)
        print(f"| `{url}` | {lo:.0f} | {med:.0f} | {p90:.0f} |")
    print(f"# slowest situation-picture page median: {worst:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
