"""PNG charts for the statutory documents and the weekly brief (matplotlib, Agg). PNG rather than
SVG because the same bytes go into the PDF, the DOCX and the PPTX."""

from __future__ import annotations

import io

import numpy as np

from trygg.reports.annual.charts import line_figure, plt


def _png(fig, dpi=130) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def line_png(xs, series: dict[str, list], ylabel: str, size=(7.0, 2.8)) -> bytes:
    return _png(line_figure(xs, series, ylabel, size))


def sparkline_png(values, size=(1.6, 0.45), color="#1f5fa8") -> bytes:
    """A small trend line without axes (the weekly brief's KPI tiles)."""
    fig, ax = plt.subplots(figsize=size)
    v = np.asarray(values, dtype=float)
    ax.plot(range(len(v)), v, lw=1.4, color=color)
    if len(v):
        ax.plot([len(v) - 1], [v[-1]], "o", ms=2.5, color=color)
    ax.set_ylim(bottom=0, top=max(1.0, float(np.nanmax(v)) * 1.15) if len(v) else 1.0)
    ax.set_axis_off()
    fig.subplots_adjust(0, 0, 1, 1)
    return _png(fig, dpi=160)
