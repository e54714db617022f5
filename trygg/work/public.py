"""The citizen promises residents see on the public page (``work/public_promises.html``).

Only published promises; lines with their owner organisation, target, progress and status; the
signatures by side and role, never by person."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from trygg.areas.subtree import subtree_q

from .models import Promise
from .promises import line_progress


def public_promises(area, today: dt.date | None = None) -> list[dict]:
    """Published promises of ``area``, of the areas above it and of the areas below it."""
    above = [c for c in area.path.strip("/").split("/") if c]
    qs = (Promise.objects.filter(published_at__isnull=False)
          .filter(subtree_q(area.path, "area__path") | Q(area__code__in=above))
          .select_related("area").prefetch_related("lines__reports", "lines__owner_organisation", "signatures"))
    out = []
    for p in qs.order_by("-end", "area__path"):
        out.append({
            "promise": p, "area": p.area,
            "signed_by": sorted({s.role for s in p.signatures.all()}),
            "lines": [line_progress(line, today) for line in p.lines.all()],
            "current": p.start <= (today or dt.date.today()) <= p.end,
        })
    return out
