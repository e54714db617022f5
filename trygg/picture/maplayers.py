"""Map layers of the situation picture as GeoJSON (WGS84): the sub-areas' choropleth, EST points,
Gi* hotspots on a SWEREF 99 TM grid, and police events placed by a place name in their text.
Statistics from ``trygg.analysis`` (change, rates, hotspots, spatial); counts from ``queries``."""

from __future__ import annotations

from trygg.analysis import change, hotspotmap, rates
from trygg.areas.geojson import feature_collection
from trygg.incidents.categories import category_label
from trygg.numbers import queries
from trygg.numbers.figures import RATE_PER, _f, comparison_period

LAYERS = ("choropleth", "est", "hotspots", "police")


def choropleth(area, start, end, compare="previous", theme=None) -> dict:
    """The area's children with count, crude rate per 1,000, the empirical-Bayes smoothed rate
    (``rates.eb_smooth``, Marshall 1991: small areas pulled towards the overall rate) that colours the
    map, comparison count, ratio and an FDR flag; the collection's ``properties`` carry the
    quantile class breaks of the smoothed rate for the legend."""
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
    eb = rates.eb_smooth(c1, pop, per=RATE_PER)
    props = {}
    if children:
        flags = change.flag_changes(c1, c0, float((end - start).days + 1), float(cmp.days))
        for i, c in enumerate(children):
            props[c.code] = {"count": int(c1[i]), "comparison_count": int(c0[i]), "rate": _f(r[i]),
                             "eb_rate": _f(eb[i]), "population": int(pop[i]), "ratio": _f(flags.ratio[i]),
                             "p_adj": _f(flags.p_adj[i]), "direction": str(flags.direction[i])}
    fc = feature_collection(children, props)
    fc["properties"] = {"rate_per": RATE_PER, "breaks": [round(b, 4) for b in rates.quantile_breaks(eb, 5)],
                        "colour_by": "eb_rate"}
    return fc


def est_points(area, start, end, theme=None) -> dict:
    """EST reports with a point: category and date only (the free text never goes on the map)."""
    pts = queries.incident_points(area, start, end, theme=theme, sources=["est"])
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]},
              "properties": {"category": str(cat), "label": category_label(cat), "date": str(d)}}
             for x, y, cat, d in zip(pts["lon"], pts["lat"], pts["category"], pts["date"], strict=True)]
    return {"type": "FeatureCollection", "features": feats}


def area_hotspots(area, start, end, theme=None, sources=None) -> hotspotmap.HotspotLayer:
    """The hotspot pipeline (``trygg.analysis.hotspotmap``) over the incidents with a point in
    ``area`` and the period — the one call the map layer, the API and the annual report share."""
    pts = queries.incident_points(area, start, end, theme=theme, sources=sources)
    return hotspotmap.from_points(pts["lon"], pts["lat"], crs="EPSG:4326")


def hotspot_cells(area, start, end, theme=None) -> dict:
    """Hot cells of the pipeline's grid (250 m, SWEREF 99 TM) as a WGS84 GeoJSON layer: Gi* with
    conditional-permutation p-values and FDR over the cells that meet the minimum counts
    (``trygg.analysis.hotspots.find_hotspots``), with the kernel density of each hot cell."""
    return area_hotspots(area, start, end, theme).feature_collection()


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
