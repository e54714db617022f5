"""The one adapter between points and the hotspot pipeline (``hotspots.find_hotspots``).

Every caller goes through ``from_points``: the situation picture's map layer and the JSON API
(``trygg.picture.maplayers.area_hotspots``), the annual report (``trygg.reports.annual.data``) and
``trygg analyze hotspots``. It projects the points to SWEREF 99 TM (EPSG:3006) when they come in
another CRS, runs the pipeline with the one set of settings, and gives the result as cell records
(CLI), as a GeoJSON layer of the hot cells in WGS84 (map, API) or as arrays for a static map
(report) — so all four show the same cells for the same points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import hotspots
from .hotspots import DEFAULT_HOTSPOT_SETTINGS, Hotspots, HotspotSettings

__all__ = ["HotspotLayer", "from_points", "METRIC_CRS"]

METRIC_CRS = "EPSG:3006"


def _num(v):
    v = float(v)
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class HotspotLayer:
    x: np.ndarray  # metres, EPSG:3006
    y: np.ndarray
    result: Hotspots

    @property
    def hot_cells(self) -> int:
        return self.result.hot_cells

    def default_bandwidth(self) -> float | None:
        """Kernel SD for the density shown with each cell: Silverman's rule, at least two cells."""
        if self.x.size < 2:
            return None
        return max(2 * self.result.settings.cell, hotspots.silverman_bandwidth(self.x, self.y))

    def density(self, bandwidth: float | None = None) -> np.ndarray | None:
        """Kernel density per m² on the grid (``hotspots.kde``), or None without a grid."""
        h = self.result
        if h.grid is None:
            return None
        bw = bandwidth or self.default_bandwidth()
        if not bw or bw <= 0:
            return np.zeros(h.counts.shape)
        return hotspots.kde(self.x, self.y, h.grid, bandwidth=bw)

    def records(self, only_hot: bool = False, density: np.ndarray | None = None) -> list[dict]:
        """One dict per cell (row-major from the south-west), or only the hot cells."""
        h = self.result
        if h.grid is None:
            return []
        g = h.grid
        mask = h.hot if only_hot else np.ones(h.counts.shape, bool)
        iy, ix = np.nonzero(mask)
        out = []
        for a, b in zip(iy.tolist(), ix.tolist(), strict=True):
            rec = {"ix": b, "iy": a, "x": g.origin_x + (b + 0.5) * g.cell, "y": g.origin_y + (a + 0.5) * g.cell,
                   "count": int(h.counts[a, b]), "neighbourhood": int(h.neighbourhood[a, b]),
                   "z": _num(h.z[a, b]), "p": _num(h.p[a, b]), "p_adj": _num(h.p_adj[a, b]),
                   "tested": bool(h.tested[a, b]), "hot": bool(h.hot[a, b])}
            if density is not None:
                rec["density"] = float(density[a, b])
            out.append(rec)
        return out

    def summary(self) -> dict:
        s = self.result.settings
        return {"points": self.result.n_points, "hot_cells": self.hot_cells, "tested_cells": int(self.result.tested.sum()),
                "reason": self.result.reason, "cell_m": s.cell, "min_points": s.min_points,
                "min_cell_count": s.min_cell_count, "min_neighbourhood_count": s.min_neighbourhood_count,
                "permutations": s.permutations, "q": s.q}

    def feature_collection(self) -> dict:
        """The hot cells as WGS84 polygons with count, neighbourhood count, z, p, p_adj, the kernel
        density (per km²) and the cell centre in EPSG:3006 (``x``, ``y``)."""
        from .spatial import project

        recs = self.records(only_hot=True)
        fc = {"type": "FeatureCollection", "features": [], "properties": self.summary()}
        if not recs:
            return fc
        dens = self.density()
        cell = self.result.settings.cell
        x0 = np.array([r["x"] for r in recs]) - cell / 2
        y0 = np.array([r["y"] for r in recs]) - cell / 2
        cx = np.concatenate([x0, x0 + cell, x0 + cell, x0])
        cy = np.concatenate([y0, y0, y0 + cell, y0 + cell])
        lon, lat = project(cx, cy, to_crs="EPSG:4326", from_crs=METRIC_CRS)
        n = len(recs)
        lon, lat = lon.reshape(4, n), lat.reshape(4, n)
        for k, r in enumerate(recs):
            ring = [[round(float(lon[j, k]), 6), round(float(lat[j, k]), 6)] for j in (0, 1, 2, 3, 0)]
            props = {key: r[key] for key in ("x", "y", "count", "neighbourhood", "p", "p_adj")}
            props["z"] = round(r["z"], 2) if r["z"] is not None else None
            props["kde_per_km2"] = round(float(dens[r["iy"], r["ix"]]) * 1e6, 2) if dens is not None else None
            fc["features"].append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                                   "properties": props})
        return fc


def from_points(x, y, crs: str | None = METRIC_CRS,
                settings: HotspotSettings = DEFAULT_HOTSPOT_SETTINGS) -> HotspotLayer:
    """Run the hotspot pipeline on points given in ``crs`` (projected to EPSG:3006 unless they
    already are; ``None`` means metres in EPSG:3006)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if crs and crs.upper() != METRIC_CRS and x.size:
        from .spatial import project

        x, y = project(x, y, to_crs=METRIC_CRS, from_crs=crs)
    return HotspotLayer(x, y, hotspots.find_hotspots(x, y, settings))
