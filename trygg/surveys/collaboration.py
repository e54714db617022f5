"""The collaboration survey: who is invited, and the answers per area and role over the years."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import Membership
from trygg.areas.subtree import within_area

from . import smallgroups
from .models import (
    INVITED_ROLES,
    QUESTION_SHORT,
    QUESTIONS,
    CollaborationAnswer,
    CollaborationRound,
    Invitation,
)


@transaction.atomic
def send_round(year: int, closes_on, user=None, message: str = "", municipality=None) -> tuple[CollaborationRound, int]:
    """Create the round for ``year`` (or reuse it) and invite every current coordinator and
    community police officer (of ``municipality`` only, when given: each municipality's analyst
    invites their own partnerships); returns the round and the number of new invitations."""
    rnd, _ = CollaborationRound.objects.get_or_create(
        year=year, defaults={"closes_on": closes_on, "created_by": user, "message": message})
    new = 0
    members = Membership.objects.filter(role__in=INVITED_ROLES, user__is_active=True, area__isnull=False)
    if municipality is not None:
        members = within_area(members, municipality, "area__path")
    for m in members.select_related("area"):
        _inv, created = Invitation.objects.get_or_create(round=rnd, user=m.user,
                                                         defaults={"role": m.role, "area": m.area})
        new += created
    return rnd, new


def open_invitations(user):
    """Invitations of ``user`` in rounds still open (answered or not)."""
    from django.utils import timezone

    return (Invitation.objects.filter(user=user, round__closes_on__gte=timezone.localdate())
            .select_related("round", "area").order_by("-round__year"))


@dataclass
class GroupSummary:
    """One group's answers; ``hidden`` (``smallgroups.SMALL`` / ``PROTECT``) when the group may not
    be shown, and then no count, rate or mean is kept at all, only the reason."""

    label: str
    invited: int | None
    answered: int | None
    means: dict  # question → mean or None
    hidden: str = ""

    @property
    def response_rate(self) -> float | None:
        return 100.0 * self.answered / self.invited if self.invited else None

    @property
    def hidden_label(self) -> str:
        return smallgroups.label(self.hidden)

    def protected(self, reason: str) -> GroupSummary:
        if not reason:
            return self
        return GroupSummary(self.label, None, None, {q: None for q in self.means}, reason)


def _summary(label, invitations) -> GroupSummary:
    answers = [i.answer for i in invitations if hasattr(i, "answer")]
    means = {q: (sum(getattr(a, q) for a in answers) / len(answers) if answers else None) for q in QUESTIONS}
    return GroupSummary(label, len(invitations), len(answers), means)


def _invitations(rnd, municipality=None):
    qs = rnd.invitations.select_related("area", "answer", "user")
    if municipality is not None:
        qs = within_area(qs, municipality, "area__path")
    return list(qs)


def round_summary(rnd, municipality=None) -> dict:
    """Totals, per area and per role, plus the comments (already free of personal data). Groups of
    fewer than 5 answers, and those hidden so that such a group cannot be worked out from the total
    and the others, carry only their reason (``trygg.surveys.smallgroups``: the total, the areas and
    the roles are protected together, as one linked table of answer counts). With ``municipality``:
    that municipality's invitations only (each partnership sees its own answers)."""
    invs = _invitations(rnd, municipality)
    by_area, by_role = defaultdict(list), defaultdict(list)
    for i in invs:
        by_area[i.area.name if i.area_id else "–"].append(i)
        by_role[i.role].append(i)
    from trygg.accounts.models import Role

    total = _summary(str(_("All")), invs)
    areas = [_summary(k, v) for k, v in sorted(by_area.items())]
    roles = [_summary(str(Role(k).label) if k in Role.values else k, v) for k, v in sorted(by_role.items())]
    groups = [total, *areas, *roles]
    na = len(areas)
    reasons = smallgroups.protect([g.answered for g in groups],
                                  [(0, range(1, 1 + na)), (0, range(1 + na, len(groups)))])
    groups = [g.protected(r) for g, r in zip(groups, reasons, strict=True)]
    return {
        "total": groups[0],
        "by_area": groups[1:1 + na],
        "by_role": groups[1 + na:],
        "comments": [i.answer.comment for i in invs if hasattr(i, "answer") and i.answer.comment],
    }


def trend(until_year: int | None = None, municipality=None) -> list[tuple[int, GroupSummary]]:
    """(year, total summary) for every round up to ``until_year``, oldest first — the totals as the
    round's own page shows them (``round_summary``), so a total hidden there is hidden here too."""
    rounds = CollaborationRound.objects.order_by("year")
    if until_year:
        rounds = rounds.filter(year__lte=until_year)
    return [(r.year, round_summary(r, municipality)["total"]) for r in rounds]


__all__ = ["QUESTION_SHORT", "send_round", "open_invitations", "round_summary", "trend", "CollaborationAnswer", "GroupSummary"]
