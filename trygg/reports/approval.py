"""Who may approve a conference theme or a statutory document for which partner side.

Each is approved once by the city side and once by the police side; each approver holds
APPROVE (district director, police chief) or ANALYZE_CITYWIDE (development lead) and works for
that side's organisation. With ``area`` (a statutory document of a district or municipality) the
APPROVE or ANALYZE_CITYWIDE capability must cover that area: the development lead's covers their
own municipality, never another's. A conference is its municipality's (``anywhere_below``): a
district director or police chief of any of its districts approves it, one of another
municipality never."""

from django.utils import timezone

from trygg.accounts.access import can, can_anywhere_below, memberships, user_sides
from trygg.accounts.permissions import Capability

SIDES = ("city", "police")


def approvable_sides(user, conference, area=None, anywhere_below: bool = False) -> list[str]:
    """The sides ``user`` may still approve ``conference``'s theme (or a document of ``area``) for;
    ``anywhere_below``: the capability held on ``area`` or on any area below it."""
    covers = can_anywhere_below if anywhere_below and area is not None else can
    if not (covers(user, Capability.APPROVE, area) or covers(user, Capability.ANALYZE_CITYWIDE, area)):
        return []
    sides = user_sides(user) if not (anywhere_below and area is not None) else {
        m.organisation.kind for m in memberships(user)  # the sides they work for in that municipality
        if m.area_id and (m.area.path.startswith(area.path) or area.path.startswith(m.area.path))}
    if user.is_superuser:
        sides = set(SIDES)
    return [s for s in SIDES if s in sides and getattr(conference, f"{s}_approved_at") is None]


def approve(user, conference, side: str, area=None, anywhere_below: bool = False) -> None:
    if side not in approvable_sides(user, conference, area, anywhere_below):
        raise PermissionError(side)
    setattr(conference, f"{side}_approved_by", user)
    setattr(conference, f"{side}_approved_at", timezone.now())
    conference.save(update_fields=[f"{side}_approved_by", f"{side}_approved_at"])


def reset_approvals(conference) -> None:
    """A changed theme needs both approvals again."""
    for s in SIDES:
        setattr(conference, f"{s}_approved_by", None)
        setattr(conference, f"{s}_approved_at", None)
