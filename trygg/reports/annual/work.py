"""The follow-up part of a district page: goals, actions, citizen-promise lines and the Brå
checklist, read from trygg.work. Returns None while the work app has no such models yet, and the
report then says "not available yet" instead of showing invented numbers."""

from __future__ import annotations

from django.apps import apps


def _model(name):
    try:
        return apps.get_model("work", name)
    except LookupError:
        return None


def work_section(area, year: int) -> dict | None:
    try:
        from trygg.work import followup  # the work app's own follow-up summary, when it exists
    except ImportError:
        followup = None
    if followup is not None and hasattr(followup, "annual_summary"):
        return followup.annual_summary(area, year)
    if _model("Goal") is None or _model("Action") is None:
        return None
    return None
