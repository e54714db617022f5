"""Points → the finest area of the home municipality (basområde, else primärområde), vectorised
with trygg.analysis.spatial.assign_points_to_polygons."""

import numpy as np
from django.conf import settings
from shapely.geometry import shape

from trygg.analysis.spatial import assign_points_to_polygons
from trygg.areas.models import Area, Level
from trygg.areas.subtree import within_area


def locate_points(lons, lats, municipality_code=None) -> list[Area | None]:
    """For each point the finest area of the municipality containing it, or None."""
    code = municipality_code or settings.TRYGG_MUNICIPALITY_CODE
    municipality = Area.objects.filter(code=code).first()
    out: list[Area | None] = [None] * len(lons)
    if municipality is None or not len(lons):
        return out
    x, y = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    todo = np.arange(len(out))
    for level in (Level.BASOMRADE, Level.PRIMAROMRADE, Level.MELLANOMRADE, Level.STADSOMRADE):
        areas = [a for a in within_area(Area.objects.filter(level=level), municipality) if a.geometry]
        if not areas or not todo.size:
            continue
        idx = assign_points_to_polygons(x[todo], y[todo], [shape(a.geometry) for a in areas])
        for i, k in zip(todo, idx, strict=False):
            if k >= 0:
                out[i] = areas[k]
        todo = todo[idx < 0]
    return out
