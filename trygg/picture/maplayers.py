"""Map layers of the situation picture as GeoJSON (WGS84): the sub-areas' choropleth, EST points,
Gi* hotspots on a SWEREF 99 TM grid, and police events placed by a place name in their text.
Statistics from ``trygg.analysis`` (change, rates, hotspots, spatial); counts from ``queries``."""

from __future__ import annotations

import numpy as np

from trygg.analysis import change, hotspots, rates, spatial
from trygg.areas.geojson import feature_collection
from trygg.incidents.categories import category_label

from . import queries
from .figures import RATE_PER, _f, comparison_period

LAYERS = ("choropleth", "est", "hotspots", "police")
HOTSPOT_CELL_M = 250.0


def choropleth(area, start, end, compare="previous", theme=None) -> dict:
    """The area's children with count, rate per 1,000, comparison count, ratio and an FDR flag."""
    children = list(area.children.all())
    if not children:
        children = [area]
        parent = area.parent or area
    else:
        parent = area
    cmp = comparison_period(start, end, compare)
    c1 = queries.counts_by_child(parent, children, start, end, theme=theme)
    c0 = queries.counts_by_child(parent, children, cmp.start, cmp.end, theme=theme)
    pop, _y = queries.population_of(children, end.year)
    r = rates.rate(c1, pop, per=RATE_PER)
    props = {}
    if children:
        flags = change.flag_changes(c1, c0, float((end - start).days + 1), float(cmp.days))
        for i, c in enumerate(children):
            props[c.code] = {"count": int(c1[i]), "comparison_count": int(c0[i]), "rate": _f(r[i]),
                             "population": int(pop[i]), "ratio": _f(flags.ratio[i]),
                             "p_adj": _f(flags.p_adj[i]), "direction": str(flags.direction[i])}
    return feature_collection(children, props)


def est_points(area, start, end, theme=None) -> dict:
    """EST reports with a point: category and date only (the free text never goes on the map)."""
    pts = queries.incident_points(area, start, end, theme=theme, sources=["est"])
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]},
              "properties": {"category": str(cat), "label": category_label(cat), "date": str(d)}}
             for x, y, cat, d in zip(pts["lon"], pts["lat"], pts["category"], pts["date"], strict=True)]
    return {"type": "FeatureCollection", "features": feats}


def hotspot_cells(area, start, end, theme=None, cell=HOTSPOT_CELL_M) -> dict:
    """Cells of a ``cell``-metre grid in SWEREF 99 TM (EPSG:3006) with a significant positive Getis–Ord
    Gi* (FDR q = 0.05, ``hotspots.gi_star``) over all incidents with a point, plus the kernel density
    (``hotspots.kde``, per km²) of each hot cell; cell corners projected back to WGS84."""
    pts = queries.incident_points(area, start, end, theme=theme)
    empty = {"type": "FeatureCollection", "features": [], "properties": {"cell_m": cell, "points": int(pts["lon"].size)}}
    if pts["lon"].size < 3:
        return empty
    x, y = spatial.project(pts["lon"], pts["lat"])
    grid = hotspots.grid_for(x, y, cell)
    # one empty ring of cells around the points so that edge cells have neighbours
    grid = hotspots.Grid(grid.origin_x - cell, grid.origin_y - cell, cell, grid.nx + 2, grid.ny + 2)
    counts = hotspots.grid_counts(x, y, grid)
    gi = hotspots.gi_star(counts)
    try:
        dens = hotspots.kde(x, y, grid, bandwidth=max(2 * cell, hotspots.silverman_bandwidth(x, y)))
    except ValueError:
        dens = np.zeros(counts.shape)
    iy, ix = np.nonzero(gi.significant & (gi.z > 0))
    if iy.size == 0:
        return empty
    x0 = grid.origin_x + ix * cell
    y0 = grid.origin_y + iy * cell
    cx = np.concatenate([x0, x0 + cell, x0 + cell, x0])
    cy = np.concatenate([y0, y0, y0 + cell, y0 + cell])
    lon, lat = spatial.project(cx, cy, to_crs="EPSG:4326", from_crs="EPSG:3006")
    n = iy.size
    lon, lat = lon.reshape(4, n), lat.reshape(4, n)
    feats = []
    for k in range(n):
        ring = [[round(float(lon[j, k]), 6), round(float(lat[j, k]), 6)] for j in (0, 1, 2, 3, 0)]
        feats.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                      "properties": {"count": int(counts[iy[k], ix[k]]), "z": round(float(gi.z[iy[k], ix[k]]), 2),
                                     "p_adj": float(gi.p_adj[iy[k], ix[k]]),
                                     "kde_per_km2": round(float(dens[iy[k], ix[k]]) * 1e6, 2)}})
    empty["features"] = feats
    return empty


def police_text_places(area, start, end, theme=None) -> dict:
    """Police events placed by a place name in the text: one point per area (at its centroid)."""
    feats = [{"type": "Feature",
              "geometry": {"type": "Point", "coordinates": [r["area__centroid_lon"], r["area__centroid_lat"]]},
              "properties": {"code": r["area__code"], "name": r["area__name"], "count": r["n"]}}
             for r in queries.text_placed_by_area(area, start, end, theme=theme)
             if r["area__centroid_lon"] is not None]
    return {"type": "FeatureCollection", "features": feats}


def layer(name, area, start, end, compare="previous", theme=None) -> dict:
    if name == "choropleth":
        return choropleth(area, start, end, compare, theme)
    if name == "est":
        return est_points(area, start, end, theme)
    if name == "hotspots":
        return hotspot_cells(area, start, end, theme)
    if name == "police":
        return police_text_places(area, start, end, theme)
    raise ValueError(f"unknown layer {name!r}; use one of {LAYERS}")
