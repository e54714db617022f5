"""Charts for the annual analysis as self-contained SVG (matplotlib, Agg; no browser needed)."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PALETTE = ["#1f5fa8", "#b3261e", "#1b7f3a", "#e08a00", "#6b3fa0", "#0f8b8d", "#7a7a7a", "#102a5c"]
plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
                     "svg.fonttype": "none", "font.family": "DejaVu Sans"})


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def line_chart(years, series: dict[str, list], ylabel: str, size=(7.0, 3.0)) -> str:
    """One line per series over ``years``; returns SVG text."""
    return _svg(line_figure(years, series, ylabel, size))


def line_figure(years, series: dict[str, list], ylabel: str, size=(7.0, 3.0)):
    """The line chart's matplotlib figure (SVG here, PNG for the statutory documents and brief)."""
    fig, ax = plt.subplots(figsize=size)
    for i, (label, values) in enumerate(series.items()):
        ax.plot(years, values, marker="o", ms=3, lw=1.6, color=PALETTE[i % len(PALETTE)], label=label)
    ax.set_xticks(list(years))
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=.3)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def bar_chart_ci(labels, values, lows, highs, ylabel: str, size=(5.0, 2.6)) -> str:
    """Bars with confidence-interval whiskers; returns SVG text."""
    fig, ax = plt.subplots(figsize=size)
    x = range(len(labels))
    err = [[max(0, v - lo) for v, lo in zip(values, lows, strict=True)],
           [max(0, hi - v) for v, hi in zip(values, highs, strict=True)]]
    ax.bar(x, values, color=[PALETTE[i % len(PALETTE)] for i in x], yerr=err, capsize=4, width=.6)
    ax.set_xticks(list(x), labels)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=.3)
    return _svg(fig)


def grouped_bars(categories, groups: dict[str, list], ylabel: str, size=(7.0, 2.8)) -> str:
    fig, ax = plt.subplots(figsize=size)
    n = max(1, len(groups))
    width = .8 / n
    for i, (label, values) in enumerate(groups.items()):
        ax.bar([c + i * width - .4 + width / 2 for c in range(len(categories))], values, width=width,
               color=PALETTE[i % len(PALETTE)], label=label)
    ax.set_xticks(range(len(categories)), categories, rotation=20, ha="right")
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=.3)
    ax.legend(fontsize=7, frameon=False)
    return _svg(fig)
