"""Incidents for the picture's tests, written straight to the test database."""

import datetime as dt

from django.utils import timezone

from trygg.incidents import daily
from trygg.incidents.categories import theme_of
from trygg.incidents.models import ImportRun, Incident

D0 = dt.date(2025, 3, 1)  # the tests' "current" period is March 2025
PERIOD = (dt.date(2025, 3, 1), dt.date(2025, 3, 28))
BEFORE = (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
DATA_END = dt.date(2025, 4, 30)  # the last day of the test world's police and EST data

_seq = iter(range(1, 10**9))


def make(area, day, category="narkotikabrott", source="police", n=1, *, lon=None, lat=None, text="",
         placement=None, municipality=None):
    """``n`` incidents of ``category`` in ``area`` on ``day`` (bulk, no per-row save)."""
    if municipality is None:
        municipality = next((a for a in [area, *area.ancestors()] if a.level == "municipality"), None)
    objs = []
    for _ in range(n):
        i = next(_seq)
        occurred = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
        objs.append(Incident(
            source=source, source_id=f"t{i}", occurred_at=occurred, date=day, category=category,
            theme=theme_of(category), area=area, area_path=area.path, municipality=municipality,
            placement=placement or ("point" if lon is not None else "area"), lon=lon, lat=lat,
            title=f"Titel {category}" if source == "police" else "", summary=text if source == "police" else "",
            body=text if source == "est" else "",
        ))
    Incident.objects.bulk_create(objs)
    daily.refresh_days({day})  # as every writer does: the pre-aggregated counts the big areas read


def import_run(source="police"):
    return ImportRun.objects.create(source=source, status=ImportRun.Status.DONE, finished_at=timezone.now())


def busy_world(w):
    """Nordost: drug offences triple from February to March; EST points clustered in Hjällbo."""
    make(w.hjallbo, dt.date(2025, 2, 10), "narkotikabrott", n=10)
    make(w.hjallbo, dt.date(2025, 3, 10), "narkotikabrott", n=40, text="Narkotikabrott på torget.")
    make(w.nordost, dt.date(2025, 3, 12), "misshandel", n=3)
    make(w.hjallbo, dt.date(2025, 3, 5), "klotter", source="est", n=30, lon=11.965, lat=57.768,
         text="Klotter vid skolan.")
    make(w.hjallbo, dt.date(2025, 3, 6), "nedskrapning", source="est", n=2, lon=11.962, lat=57.766)
    make(w.vallgraven, dt.date(2025, 3, 10), "ran", n=2)
    for i in range(5):  # a thin background of littering over ~2 × 2 km
        for j in range(5):
            make(w.hjallbo_mo, dt.date(2025, 3, 20), "nedskrapning", source="est",
                 lon=11.95 + 0.008 * i, lat=57.75 + 0.004 * j)
    # both feeds run on past the test period (elsewhere), so the period is complete for every source
    make(w.stockholm, DATA_END, "ran")
    make(w.stockholm, DATA_END, "klotter", source="est")
    import_run("police")
