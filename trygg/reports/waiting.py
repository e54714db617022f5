"""Statutory documents waiting for a director's or police chief's approval, beside the work
cycle's agreements, plans and promises (``trygg.work.waiting``)."""

from __future__ import annotations

import datetime as dt

from trygg.work.waiting import Waiting, approver_scope, waiting_for

from .models import StatutoryDocument


def statutory_waiting(user) -> list[Waiting]:
    found = approver_scope(user)
    if found is None:
        return []
    scope, sides = found
    out = []
    for doc in StatutoryDocument.objects.filter(scope, adopted_at__isnull=True).select_related("area"):
        for side in sorted(sides & set(doc.required_sides)):
            if getattr(doc, f"{side}_approved_at") is None:
                out.append(Waiting("statutory", str(doc), doc.area, doc.get_absolute_url(), side))
    return out


def everything_waiting(user, today: dt.date | None = None) -> list[Waiting]:
    """All that waits for the user's signature or approval: the start page's list."""
    return waiting_for(user, today) + statutory_waiting(user)
