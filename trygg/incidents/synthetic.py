"""Synthetic EST reports for the demo (real EST reports are not public). Clearly labelled:
``synthetic=True``, source id "synthetic-N". Seeded RNG; reports cluster around known places with a
weekly rhythm (more on Fridays and Saturdays, fewer on Sundays) over two years."""

import csv
from datetime import datetime, time, timedelta
from pathlib import Path

import numpy as np
from django.utils import timezone

from . import daily, dataversion
from .est import placed_incident
from .models import Incident, Placement, Source
from .placement import MunicipalityIndex, locate_points

# The demo's places where synthetic EST reports cluster (data/demo/est_hotspots.csv: name, the
# primärområde the place lies in, weight): each cluster is centred on the representative point of
# that primärområde (always inside it), so the points land in the right district.
HOTSPOTS = [(r["name"], r["primaromrade"], float(r["weight"]))
            for r in csv.DictReader((Path(__file__).parent / "data" / "demo" / "est_hotspots.csv")
                                    .read_text("utf-8").splitlines())]
CATEGORY_WEIGHTS = {"klotter": 5, "skadegorelse": 4, "nedskrapning": 6, "brand": 1, "narkotika-handel": 2,
                    "narkotika-fynd": 2, "ansamling": 3, "otrygg-plats": 3, "hot-vald": 1, "annat": 1}
WEEKDAY_WEIGHTS = np.array([1.0, 1.0, 1.1, 1.2, 1.6, 1.7, 0.6])


def hotspot_centres() -> dict[str, tuple[float, float]]:
    """primärområde code → (lon, lat) of its representative point, from the loaded areas."""
    from trygg.areas.models import Area

    codes = [h[1] for h in HOTSPOTS]
    return {a.code: (a.centroid_lon, a.centroid_lat)
            for a in Area.objects.filter(code__in=codes).only("code", "centroid_lon", "centroid_lat")}


def generate(end_date, n=3000, seed=7, centres=None):
    """``n`` reports over the two years up to ``end_date`` around the hotspots (seeded)."""
    centres = centres if centres is not None else hotspot_centres()
    missing = [h[1] for h in HOTSPOTS if h[1] not in centres]
    if missing:
        raise ValueError(f"load the demo municipality's areas first: primärområden {', '.join(missing)} are missing")
    rng = np.random.default_rng(seed)
    days = np.arange(730)
    dates = [end_date - timedelta(days=int(d)) for d in days]
    w = WEEKDAY_WEIGHTS[[d.weekday() for d in dates]]
    day_idx = rng.choice(days, size=n, p=w / w.sum())
    hw = np.array([h[2] for h in HOTSPOTS])
    spot = rng.choice(len(HOTSPOTS), size=n, p=hw / hw.sum())
    xy = np.array([centres[h[1]] for h in HOTSPOTS])
    lon = xy[spot, 0] + rng.normal(0, 0.004, n)  # about 250 m
    lat = xy[spot, 1] + rng.normal(0, 0.0025, n)  # about 280 m
    cats = list(CATEGORY_WEIGHTS)
    cw = np.array(list(CATEGORY_WEIGHTS.values()), dtype=float)
    cat = rng.choice(len(cats), size=n, p=cw / cw.sum())
    hours = rng.choice(24, size=n, p=_hour_weights())
    minutes = rng.integers(0, 60, n)
    return [dict(i=i, date=dates[day_idx[i]], hour=int(hours[i]), minute=int(minutes[i]), lon=float(lon[i]),
                 lat=float(lat[i]), category=cats[cat[i]], spot=HOTSPOTS[spot[i]][0]) for i in range(n)]


def _hour_weights():
    h = np.array([2, 1, 1, 1, 1, 1, 2, 4, 6, 6, 6, 6, 6, 6, 6, 7, 8, 8, 8, 7, 6, 5, 4, 3], dtype=float)
    return h / h.sum()


def load_synthetic(end_date, n=3000, seed=7, organisation=None) -> int:
    """Create the synthetic set (idempotent); returns the number of new reports."""
    existing = set(Incident.objects.filter(source=Source.EST, synthetic=True).values_list("source_id", flat=True))
    rows = [r for r in generate(end_date, n, seed) if f"synthetic-{r['i']}" not in existing]
    areas = locate_points([r["lon"] for r in rows], [r["lat"] for r in rows])
    objs, municipalities = [], MunicipalityIndex()
    for r, area in zip(rows, areas, strict=False):
        if area is None:
            continue
        occurred = timezone.make_aware(datetime.combine(r["date"], time(r["hour"], r["minute"])))
        objs.append(placed_incident(
            municipalities, source_id=f"synthetic-{r['i']}", occurred_at=occurred, event_type="EST", category=r["category"],
            area=area, placement=Placement.POINT, lon=r["lon"], lat=r["lat"], place_text=r["spot"],
            body="Syntetisk demorapport.", organisation=organisation, synthetic=True))
    Incident.objects.bulk_create(objs, batch_size=2000)
    daily.refresh_days({o.date for o in objs})
    dataversion.bump()  # bulk_create sends no signals
    return len(objs)
