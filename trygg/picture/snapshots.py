"""Freezing a picture into a Snapshot and comparing two of them."""

from __future__ import annotations

from trygg.numbers import figures

from . import maplayers


def freeze(area, choice, series: dict | None = None) -> dict:
    """Everything the page showed, as JSON: figures (with data sources and their latest import
    times), the sibling comparison, the map layers and (given ``series``) the trend chart's data."""
    fig = figures.compute_picture(area, choice.start, choice.end, choice.compare, choice.theme)
    extra = {"series": series} if series is not None else {}
    return {
        **extra,
        "figures": fig.as_dict(),
        "siblings": figures.sibling_comparison(area, choice.start, choice.end, theme=choice.theme),
        "map": {name: maplayers.layer(name, area, choice.start, choice.end, choice.compare, choice.theme)
                for name in maplayers.LAYERS},
        "format": 1,
    }


def _key(row) -> tuple:
    return (row["kind"], row["source"], row["theme"], row["category"])


def compare_snapshots(a: dict, b: dict) -> list[dict]:
    """Row-by-row differences between two frozen pictures (``a`` the older): count in each, the
    difference, and each one's flag."""
    rows_a = {_key(r): r for r in a.get("figures", {}).get("rows", [])}
    rows_b = {_key(r): r for r in b.get("figures", {}).get("rows", [])}
    out = []
    for key in list(rows_a) + [k for k in rows_b if k not in rows_a]:
        ra, rb = rows_a.get(key), rows_b.get(key)
        ref = rb or ra
        ca = ra["count"] if ra else None
        cb = rb["count"] if rb else None
        out.append({"kind": key[0], "source": key[1], "label": ref["label"], "count_a": ca, "count_b": cb,
                    "difference": (cb - ca) if ca is not None and cb is not None else None,
                    "direction_a": ra["direction"] if ra else "", "direction_b": rb["direction"] if rb else "",
                    "changed": ca != cb or (ra and rb and ra["direction"] != rb["direction"])})
    return out
