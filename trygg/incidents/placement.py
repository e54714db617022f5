"""Points → the finest area of the home municipality (its finest level that has an outline there,
else the next one up: the levels of its configuration, ``trygg.areas.schemes``), vectorised with
trygg.analysis.spatial.assign_points_to_polygons."""

import numpy as np
import shapely
from django.conf import settings
from django.db.models import TextField
from django.db.models.functions import Cast

from trygg.analysis.spatial import assign_points_to_polygons
from trygg.areas import schemes
from trygg.areas.models import Area, Level
from trygg.areas.subtree import within_area


class PointLocator:
    """Points → the finest area of a municipality containing them, for any number of batches: the
    areas and their prepared polygons are loaded once per level (one query each), and a level only
    when some point is not in the finer ones (a city's finest level usually covers it all); each
    batch is one vectorised point-in-polygon pass per level (``assign_points_to_polygons``)."""

    def __init__(self, municipality_code=None):
        code = municipality_code or settings.TRYGG_MUNICIPALITY_CODE
        self.municipality = Area.objects.filter(code=code).defer("geometry").first()
        self.pending = list(schemes.scheme_for_code(code).finest_first) if self.municipality else []
        self.levels: list[tuple[list[Area], np.ndarray]] = []

    def _load_next(self) -> bool:
        """Load the next level that has outlines; False when none is left."""
        while self.pending:
            qs = within_area(Area.objects.filter(level=self.pending.pop(0)), self.municipality)
            # the outlines as GeoJSON text, read by GEOS directly (no JSON decoding in Python)
            outlines = [(pk, g) for pk, g in qs.annotate(outline=Cast("geometry", TextField()))
                        .values_list("pk", "outline") if g and g != "null"]
            if outlines:
                # the outlines live on only as prepared polygons; the areas come without them
                by_pk = qs.defer("geometry").in_bulk([pk for pk, _g in outlines])
                polygons = shapely.from_geojson([g for _pk, g in outlines])
                shapely.prepare(polygons)
                self.levels.append(([by_pk[pk] for pk, _g in outlines], polygons))
                return True
        return False

    def __call__(self, lons, lats) -> list[Area | None]:
        out: list[Area | None] = [None] * len(lons)
        if not len(lons):
            return out
        x, y = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        todo = np.arange(len(out))
        level = 0
        while todo.size and (level < len(self.levels) or self._load_next()):
            areas, polygons = self.levels[level]
            idx = assign_points_to_polygons(x[todo], y[todo], polygons)
            for i, k in zip(todo, idx, strict=False):
                if k >= 0:
                    out[i] = areas[k]
            todo = todo[idx < 0]
            level += 1
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
