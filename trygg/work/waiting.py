"""What waits for a director's or police chief's signature: agreements, action plans and citizen
promises of their areas not yet signed for their side, and statutory documents not yet approved
for it (those: ``trygg.reports.waiting``, the reports app sitting above this one). An agreement
whose period has ended is flagged before anyone signs it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from trygg.accounts.access import can, scoped_areas, user_sides
from trygg.accounts.permissions import Capability
from trygg.areas.subtree import subtree_q

from . import models as m


@dataclass
class Waiting:
    kind: str
    title: str
    area: object
    url: str
    side: str
    expired: bool = False
    end: dt.date | None = None


def approver_scope(user):
    """``(Q of the areas where user approves, the sides they sign for)``, or None when they approve nowhere."""
    from django.db.models import Q

    if not can(user, Capability.APPROVE):
        return None
    areas = scoped_areas(user, Capability.APPROVE)  # None: everywhere (superusers)
    sides = {s for s in user_sides(user) if s in (m.Side.CITY, m.Side.POLICE)}
    if user.is_superuser:
        sides = {m.Side.CITY, m.Side.POLICE}
    scope = Q()
    if areas is not None:
        scope = Q(pk__in=[])
        for a in areas:
            scope |= subtree_q(a.path, "area__path")
    return scope, sides


def waiting_for(user, today: dt.date | None = None) -> list[Waiting]:
    """The agreements, plans and promises waiting for the user's side (statutory documents:
    ``trygg.reports.waiting``)."""
    today = today or dt.date.today()
    found = approver_scope(user)
    if found is None:
        return []
    scope, sides = found
    out = []
    specs = [("agreement", m.Agreement, "work:agreement"), ("plan", m.ActionPlan, "work:cycle"),
             ("promise", m.Promise, "work:promise")]
    for kind, model, url_name in specs:
        qs = model.objects.filter(scope, end__gte=today - dt.timedelta(days=365)).select_related("area") \
            .prefetch_related("signatures")
        for obj in qs:
            for side in sorted(sides - obj.signed_sides()):
                url = reverse(url_name, args=[obj.area.code] if kind == "plan" else [obj.area.code, obj.pk])
                out.append(Waiting(kind, obj.title, obj.area, url, side, expired=obj.end < today, end=obj.end))
    return out
