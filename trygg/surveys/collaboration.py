"""The collaboration survey: who is invited, and the answers per area and role over the years."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import Membership

from .models import (
    INVITED_ROLES,
    QUESTION_SHORT,
    QUESTIONS,
    CollaborationAnswer,
    CollaborationRound,
    Invitation,
)


@transaction.atomic
def send_round(year: int, closes_on, user=None, message: str = "") -> tuple[CollaborationRound, int]:
    """Create the round for ``year`` (or reuse it) and invite every current coordinator and
    community police officer; returns the round and the number of new invitations."""
    rnd, _ = CollaborationRound.objects.get_or_create(
        year=year, defaults={"closes_on": closes_on, "created_by": user, "message": message})
    new = 0
    for m in Membership.objects.filter(role__in=INVITED_ROLES, user__is_active=True).select_related("area"):
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
    label: str
    invited: int
    answered: int
    means: dict  # question → mean or None

    @property
    def response_rate(self) -> float | None:
        return 100.0 * self.answered / self.invited if self.invited else None


def _summary(label, invitations) -> GroupSummary:
    answers = [i.answer for i in invitations if hasattr(i, "answer")]
    means = {q: (sum(getattr(a, q) for a in answers) / len(answers) if answers else None) for q in QUESTIONS}
    return GroupSummary(label, len(invitations), len(answers), means)


def _invitations(rnd):
    return list(rnd.invitations.select_related("area", "answer", "user"))


def round_summary(rnd) -> dict:
    """Totals, per area and per role, plus the comments (already free of personal data)."""
    invs = _invitations(rnd)
    by_area, by_role = defaultdict(list), defaultdict(list)
    for i in invs:
        by_area[i.area.name if i.area_id else "–"].append(i)
        by_role[i.role].append(i)
    from trygg.accounts.models import Role

    return {
        "total": _summary(str(_("All")), invs),
        "by_area": [_summary(k, v) for k, v in sorted(by_area.items())],
        "by_role": [_summary(str(Role(k).label) if k in Role.values else k, v) for k, v in sorted(by_role.items())],
        "comments": [i.answer.comment for i in invs if hasattr(i, "answer") and i.answer.comment],
    }


def trend(until_year: int | None = None) -> list[tuple[int, GroupSummary]]:
    """(year, total summary) for every round up to ``until_year``, oldest first."""
    rounds = CollaborationRound.objects.order_by("year")
    if until_year:
        rounds = rounds.filter(year__lte=until_year)
    return [(r.year, _summary(str(_("All")), _invitations(r))) for r in rounds]


__all__ = ["QUESTION_SHORT", "send_round", "open_invitations", "round_summary", "trend", "CollaborationAnswer", "GroupSummary"]
