"""Points → the finest area of the home municipality (its finest level that has an outline there,
else the next one up: the levels of its configuration, ``trygg.areas.schemes``), vectorised with
trygg.analysis.spatial.assign_points_to_polygons."""

import numpy as np
import shapely
from django.conf import settings
from shapely.geometry import shape

from trygg.analysis.spatial import assign_points_to_polygons
from trygg.areas import schemes
from trygg.areas.models import Area, Level
from trygg.areas.subtree import within_area


class PointLocator:
    """Points → the finest area of a municipality containing them, for any number of batches: the
    areas and their prepared polygons are loaded once (one query per level), each batch is one
    vectorised point-in-polygon pass per level (``assign_points_to_polygons``)."""

    def __init__(self, municipality_code=None):
        code = municipality_code or settings.TRYGG_MUNICIPALITY_CODE
        municipality = Area.objects.filter(code=code).first()
        self.levels: list[tuple[list[Area], np.ndarray]] = []
        if municipality is None:
            return
        for level in schemes.scheme_for_code(code).finest_first:
            qs = within_area(Area.objects.filter(level=level), municipality)
            outlines = [(pk, g) for pk, g in qs.values_list("pk", "geometry") if g]
            if outlines:
                # the outlines live on only as prepared polygons; the areas come without them
                by_pk = qs.defer("geometry").in_bulk([pk for pk, _g in outlines])
                polygons = np.array([shape(g) for _pk, g in outlines], dtype=object)
                shapely.prepare(polygons)
                self.levels.append(([by_pk[pk] for pk, _g in outlines], polygons))

    def __call__(self, lons, lats) -> list[Area | None]:
        out: list[Area | None] = [None] * len(lons)
        if not len(lons):
            return out
        x, y = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        todo = np.arange(len(out))
        for areas, polygons in self.levels:
            if not todo.size:
                break
            idx = assign_points_to_polygons(x[todo], y[todo], polygons)
            for i, k in zip(todo, idx, strict=False):
                if k >= 0:
                    out[i] = areas[k]
            todo = todo[idx < 0]
        return out


def locate_points(lons, lats, municipality_code=None) -> list[Area | None]:
    """For each point the finest area of the municipality containing it, or None."""
    return PointLocator(municipality_code)(lons, lats)


class MunicipalityIndex:
    """The municipality an area path lies in, from one query for all municipalities."""

    def __init__(self):
        self.ids = dict(Area.objects.filter(level=Level.MUNICIPALITY).values_list("code", "id"))

    def of(self, path: str) -> int | None:
        return next((self.ids[c] for c in path.strip("/").split("/") if c in self.ids), None)
