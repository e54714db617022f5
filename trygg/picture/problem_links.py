"""Links from the situation picture to "Raise a problem" in the work cycle, prefilled with the
snapshot, the indicator (source/theme/category of a flagged row), the theme and the area."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from trygg.accounts.access import can
from trygg.accounts.permissions import Capability
from trygg.areas.schemes import cycle_levels


def cycle_area(area):
    """The area whose work cycle takes the problem: ``area`` itself or, for areas below the
    cycle levels (basområden), the nearest area above it that has a cycle."""
    levels = cycle_levels(area)
    if area.level in levels:
        return area
    return next((a for a in reversed(area.ancestors()) if a.level in levels), None)


def indicator_of(row) -> str:
    """"source/theme/category" of a figure row (a dict or a FigureRow), empty parts left out."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, "")
    return "/".join(str(p) for p in (get("source"), get("theme"), get("category")) if p)


def raise_problem_url(user, area, *, snapshot_id=None, row=None, theme=None) -> str | None:
    """The work app's problem_new URL with the prefill, or None when ``user`` may not raise
    problems on ``area`` (EDIT_WORK) or the area has no work cycle."""
    target = cycle_area(area)
    if target is None or not can(user, Capability.EDIT_WORK, area) or not can(user, Capability.EDIT_WORK, target):
        return None
    params = {}
    if snapshot_id:
        params["snapshot"] = snapshot_id
    if row is not None:
        params["indicator"] = indicator_of(row)
        theme = (row.get("theme") if isinstance(row, dict) else row.theme) or theme
    if theme:
        params["theme"] = theme
    params["area"] = target.code
    return reverse("work:problem_new", args=[target.code]) + "?" + urlencode(params)
