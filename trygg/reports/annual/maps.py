"""Static maps for the annual analysis: area outlines from the stored GeoJSON (shapely) and the
Gi* hotspot cells, drawn with matplotlib in SWEREF 99 TM. Returns PNG data URIs."""

from __future__ import annotations

import base64
import io

import numpy as np
from shapely.geometry import shape

from trygg.analysis.spatial import project

from .charts import plt

SIMPLIFY_DEG = 0.0004  # about 25–45 m: invisible at report scale, and far fewer vertices
MIN_PART_DEG2 = 2e-7  # drop islets smaller than about 1,000 m²


def _rings(geometry):
    geom = shape(geometry).simplify(SIMPLIFY_DEG, preserve_topology=True)
    for p in getattr(geom, "geoms", [geom]):
        if hasattr(p, "exterior") and p.area >= MIN_PART_DEG2:
            yield np.asarray(p.exterior.coords)


def _draw_areas(ax, areas, **style):
    """Draw the outlines of ``areas``, projecting all their vertices in one call."""
    rings = [ring for a in areas if a.geometry for ring in _rings(a.geometry)]
    if not rings:
        return
    coords = np.concatenate(rings)
    x, y = project(coords[:, 0], coords[:, 1])
    # NaN between rings lets one plot call draw them all
    cuts = np.cumsum([len(r) for r in rings])[:-1]
    xs = np.concatenate([np.append(part, np.nan) for part in np.split(x, cuts)])
    ys = np.concatenate([np.append(part, np.nan) for part in np.split(y, cuts)])
    ax.plot(xs, ys, **style)


def hotspot_map(outline_areas, inner_areas, grid=None, z=None, significant=None, points=None,
                title: str = "", size=(6.0, 5.0)) -> str:
    """Map of ``outline_areas`` (thick) and ``inner_areas`` (thin), hot cells (Gi* significant,
    z > 0) shaded by z, and optionally the points. Returns a PNG data URI."""
    fig, ax = plt.subplots(figsize=size)
    _draw_areas(ax, inner_areas, color="#9aa5b1", lw=.5)
    _draw_areas(ax, outline_areas, color="#102a5c", lw=1.4)
    if points is not None and len(points[0]):
        ax.scatter(points[0], points[1], s=2, color="#555", alpha=.35, lw=0)
    ax.autoscale_view()
    xlim, ylim = ax.get_xlim(), ax.get_ylim()  # the outlines' extent: the hotspot grid must not crop it
    if grid is not None and z is not None:
        hot = np.where(significant & (z > 0), z, np.nan)
        if np.isfinite(hot).any():
            extent = (grid.origin_x, grid.origin_x + grid.nx * grid.cell,
                      grid.origin_y, grid.origin_y + grid.ny * grid.cell)
            im = ax.imshow(hot, origin="lower", extent=extent, cmap="Reds", vmin=0, alpha=.85, zorder=3)
            fig.colorbar(im, ax=ax, shrink=.6, label="Gi* z")
            if outline_areas and any(a.geometry for a in outline_areas):
                ax.set_xlim(*xlim)
                ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
