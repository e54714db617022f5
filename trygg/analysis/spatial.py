"""Point-in-polygon assignment and coordinate projection.

Sources: GEOS prepared-geometry predicates via shapely 2 (Gillies et al., shapely.readthedocs.io,
``shapely.intersects_xy``); the point-in-polygon rule is the OGC Simple Features "intersects"
predicate (boundary points belong to the polygon), the same as ``geopandas.sjoin(predicate=
"intersects")``. Projection with PROJ via pyproj; SWEREF 99 TM is EPSG:3006 (Lantmäteriet).
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["assign_points_to_polygons", "project"]


def assign_points_to_polygons(x, y, polygons) -> np.ndarray:
    """Index of the polygon each point lies in (boundary included), or -1.

    ``polygons`` is a sequence of shapely (Multi)Polygons in the points' CRS. A point on a border
    shared by several polygons goes to the one with the lowest index (``sjoin`` would list all of
    them; keeping the first per point reproduces it). Vectorised: points are sorted by x once; for each
    polygon (a loop over polygons, never over points) the points inside its bounding box are found
    by binary search and tested with the prepared polygon in one ``shapely.intersects_xy`` call.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must be 1-D arrays of equal length")
    geoms = np.asarray(polygons, dtype=object)
    out = np.full(x.size, -1, dtype=np.int64)
    if x.size == 0 or geoms.size == 0:
        return out
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    bounds = shapely.bounds(geoms)
    shapely.prepare(geoms)
    for k in range(geoms.size):  # loop over polygons
        g = geoms[k]
        if g is None or shapely.is_empty(g):
            continue
        minx, miny, maxx, maxy = bounds[k]
        lo, hi = np.searchsorted(xs, [minx, maxx], side="left")[0], np.searchsorted(xs, maxx, side="right")
        if hi <= lo:
            continue
        cand = np.arange(lo, hi)
        yc = ys[lo:hi]
        cand = cand[(yc >= miny) & (yc <= maxy)]
        if cand.size == 0:
            continue
        hit = cand[shapely.intersects_xy(g, xs[cand], ys[cand])]
        idx = order[hit]
        free = out[idx] < 0  # lowest polygon index wins on shared borders
        out[idx[free]] = k
    return out


def project(lon, lat, to_crs: str = "EPSG:3006", from_crs: str = "EPSG:4326") -> tuple[np.ndarray, np.ndarray]:
    """Project longitude/latitude (WGS 84) to ``to_crs`` (default SWEREF 99 TM, metres), vectorised
    with ``pyproj.Transformer(always_xy=True)``."""
    from pyproj import Transformer

    t = Transformer.from_crs(from_crs, to_crs, always_xy=True)
    xx, yy = t.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(xx, dtype=float), np.asarray(yy, dtype=float)
