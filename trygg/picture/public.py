"""The figures residents see without logging in, with disclosure control that holds across pages.

Every public page of a municipality (the municipality's own and each district's) shows, for ONE
fixed calendar period, the count per theme and the total. Those pages are one set of linked tables
(municipality = Σ districts + incidents in no district; total = Σ themes + incidents of no listed
theme), so the suppression is decided for all of them together (``trygg.analysis.disclosure``:
primary 1–4, secondary cells chosen until the LP audit finds no cell that can be narrowed) and each
page prints its row of that one pattern.

Periods: the public page shows the latest complete tertial (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec) and
the same tertial a year before. Tertials never overlap, so no two published periods can be
differenced into a shorter one (a rolling "last 12 months" that moves every day would give away each
day's count to anyone who keeps the pages). The period is the latest one that ends on or before the
date up to which the data is complete (:func:`public_data_end`), so it composes with a stricter
notion of "complete" without further change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db.models import Sum

from trygg.analysis import disclosure, periods
from trygg.areas import schemes
from trygg.areas.models import Area
from trygg.incidents.categories import THEMES, theme_label
from trygg.numbers import queries

PUBLIC_PERIOD = "tertial"  # fixed, non-overlapping calendar periods (changing it would overlap old pages)
HIDDEN = "·"


def public_root(area: Area) -> Area:
    """The municipality whose public pages ``area``'s page is published with."""
    return queries.municipality_of(area) or area


def public_data_end(root: Area, today: dt.date | None = None) -> dt.date:
    """The last date up to which the public figures' data is complete: the last day every incident
    source of the municipality is complete (``params.default_end``, from ``trygg.incidents.coverage``),
    never after today."""
    from trygg.numbers.params import default_end

    today = today or dt.date.today()
    return min(default_end(root), today)


def public_periods(root: Area, today: dt.date | None = None) -> tuple[periods.Period, periods.Period]:
    """(the period shown, the same period a year before): latest complete tertial of the data."""
    p = periods.latest_complete(PUBLIC_PERIOD, public_data_end(root, today))
    return p, periods.same_period_last_year(p)


def public_areas(root: Area) -> list[Area]:
    """The areas with a public page in ``root``'s hierarchy: the municipality, then its districts."""
    return [root, *root.children.filter(level=schemes.district_level(root)).defer("geometry").order_by("code")]


@dataclass
class PublicTable:
    """One period's public figures of a municipality and its districts, suppressed together."""

    start: dt.date
    end: dt.date
    areas: list  # area codes, the municipality first
    themes: list  # theme slugs
    values: np.ndarray  # (areas, themes + total)
    marks: list  # [[str]] as printed: a number, "1–4" or "·"

    def row(self, code: str) -> dict:
        i = self.areas.index(code)
        return {"themes": dict(zip(self.themes, self.marks[i][:-1], strict=True)), "total": self.marks[i][-1],
                "values": dict(zip(self.themes, self.values[i, :-1].tolist(), strict=True))}

    def shown(self, code: str, theme: str | None = None) -> bool:
        """Whether the cell is printed as a number (so its rate or change may be shown too)."""
        i = self.areas.index(code)
        j = len(self.themes) if theme is None else self.themes.index(theme)
        return self.marks[i][j] not in (HIDDEN, _band())


def _band() -> str:
    lo, hi = disclosure.BAND
    return f"{lo}–{hi}"


def leaf_counts(root: Area, districts: list[Area], start: dt.date, end: dt.date) -> np.ndarray:
    """Incidents of ``root`` from ``start`` to ``end`` by (district …, in no district) × (theme …, no
    listed theme), in one GROUP BY: the finest cells that all public pages are sums of. From the
    subtree sums of the municipality and its districts where they have them ("in no district" = the
    municipality's less its districts'), else from the daily cells."""
    themes = list(THEMES)
    out = np.zeros((len(districts) + 1, len(themes) + 1), dtype=np.int64)

    def col(theme):
        return themes.index(theme) if theme in themes else len(themes)

    if queries.summed(root) and all(queries.summed(d) for d in districts):
        row_of = {d.path: i for i, d in enumerate(districts)}
        rows = (queries.subtree_cells([root.path, *row_of], start, end).order_by()
                .values_list("area_path", "theme").annotate(n=Sum("n")))
        whole = np.zeros(len(themes) + 1, dtype=np.int64)
        for path, theme, n in rows:
            if path == root.path:
                whole[col(theme)] += n
            else:
                out[row_of[path], col(theme)] += n
        out[-1] = whole - out[:-1].sum(axis=0)
        return out
    rows = (queries.area_cells(root, start, end).order_by()
            .values_list("area_path", "theme").annotate(n=Sum("n")))
    prefixes = [d.path for d in districts]
    for path, theme, n in rows:
        i = next((k for k, p in enumerate(prefixes) if path.startswith(p)), len(districts))
        out[i, col(theme)] += n
    return out


def suppress_leaves(leaves: np.ndarray):
    """The pattern for one period: rows = districts, "in no district" (implicit), the municipality;
    columns = themes, "no listed theme" (implicit), the total. Returns (LinkedTables, index,
    Suppression)."""
    r, c = leaves.shape
    t, index = disclosure.tree_table(
        leaves, row_tree=[(r, list(range(r)))], col_tree=[(c, list(range(c)))],
        row_shown=[True] * (r - 1) + [False, True], col_shown=[True] * (c - 1) + [False, True])
    return t, index, disclosure.suppress(t)


def public_table(root: Area, start: dt.date, end: dt.date) -> PublicTable:
    """The suppressed public table of ``root`` and its districts for ``start``–``end`` (cached by
    the counts themselves, so new data gives a new audit and old data the same pattern)."""
    districts = public_areas(root)[1:]
    leaves = leaf_counts(root, districts, start, end)
    key = "public-table:" + hashlib.sha256(
        f"{root.code}|{start}|{end}|{[d.code for d in districts]}|{leaves.tolist()}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        t, index, s = suppress_leaves(leaves)
        marks = s.marks(t.values)
        r, c = leaves.shape
        order = [r, *range(r - 1)]  # the municipality, then the districts
        cols = [*range(c - 1), c]  # the themes, then the total
        cached = {"values": [[int(t.values[index[i, j]]) for j in cols] for i in order],
                  "marks": [[marks[index[i, j]] for j in cols] for i in order]}
        cache.set(key, cached, 24 * 3600)
    return PublicTable(start, end, [root.code, *[d.code for d in districts]], list(THEMES),
                       np.array(cached["values"], dtype=np.int64), cached["marks"])


def theme_labels() -> dict:
    return {t: theme_label(t) for t in THEMES}
