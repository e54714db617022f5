"""Synthetic incidents (``synthetic=True``) for the report's tests and benchmark when no real
police/EST data is loaded: points drawn inside the finest areas, with a few clusters so that the
hotspot and near-repeat sections have something to find. Never used by the product itself."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from shapely.geometry import Point, shape

from trygg.areas import schemes
from trygg.areas.models import Area
from trygg.incidents import daily
from trygg.incidents.categories import CATEGORIES, EST_CATEGORIES, NOT_COUNTED
from trygg.incidents.models import Incident


def _point_in(area, rng):
    geom = shape(area.geometry)
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(50):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geom.contains(p):
            return p.x, p.y
    c = geom.representative_point()
    return c.x, c.y


def seed_incidents(areas, years, per_area_year: int = 40, seed: int = 6) -> int:
    """Create incidents in each of ``areas`` for every year in ``years``; returns how many."""
    rng = random.Random(seed)
    police = [c for c in CATEGORIES if c not in EST_CATEGORIES and c not in NOT_COUNTED]
    est = list(EST_CATEGORIES)
    municipality = Area.objects.get(code=schemes.home_code())
    objs = []
    for area in areas:
        hot = _point_in(area, rng)
        for year in years:
            for k in range(per_area_year):
                source = "est" if k % 3 == 0 else "police"
                category = rng.choice(est if source == "est" else police)
                if k % 4 == 0:
                    category = "narkotikabrott" if source == "police" else rng.choice(
                        [c for c in est if CATEGORIES[c][1] == "narkotika"] or est)
                if k % 5 == 0:  # a cluster near the area's hot point
                    lon, lat = hot[0] + rng.gauss(0, 0.001), hot[1] + rng.gauss(0, 0.0006)
                else:
                    lon, lat = _point_in(area, rng)
                day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
                when = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randrange(24), 0)))
                objs.append(Incident(
                    source=source, source_id=f"syn-{area.code}-{year}-{k}", occurred_at=when, date=day,
                    category=category, theme=CATEGORIES[category][1], municipality=municipality, area=area,
                    area_path=area.path, placement="point", lon=lon, lat=lat, title="Synthetic", synthetic=True))
    Incident.objects.bulk_create(objs, ignore_conflicts=True)
    daily.refresh_days({o.date for o in objs})  # bulk_create sends no signals: the counts' cells by hand
    return len(objs)
