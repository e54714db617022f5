"""Which municipalities a person works in, and which one a list page shows.

Several municipalities can live in one installation; each partnership sees only its own. Every
membership lies in one municipality (a city-wide role's area *is* its municipality), so the
municipalities someone may see are those of their memberships; superusers see every municipality
set up here. A list page (the start page, the work overview, the area register, the open data)
shows one municipality: the one named in ``?kommun=<SCB code>`` when the viewer may see it, else
the viewer's own (the first of their memberships'), else the installation's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from .access import memberships
from .permissions import Capability, role_has

PARAM = "kommun"


def installed():
    """The municipalities set up in this installation (a configuration row, ``trygg setup
    municipality``) and the installation's own (``TRYGG_MUNICIPALITY_CODE``), as areas."""
    from trygg.areas import schemes
    from trygg.areas.models import Area, Level, Municipality

    codes = {schemes.home_code(), *Municipality.objects.values_list("code", flat=True)}
    return Area.objects.filter(level=Level.MUNICIPALITY, code__in=codes).defer("geometry").order_by("name")


def codes_of(user, capability: Capability) -> set[str] | None:
    """The SCB codes of the municipalities where ``user`` holds ``capability``; None: every one
    (superusers)."""
    from trygg.areas.schemes import municipality_code

    if user.is_superuser:
        return None
    if not user.is_authenticated:
        return set()
    return {code for m in memberships(user) if m.area_id and role_has(m.role, capability)
            if (code := municipality_code(m.area))}


def may_see(user, capability: Capability, area) -> bool:
    """Whether ``area`` lies in a municipality where ``user`` holds ``capability``."""
    from trygg.areas.schemes import municipality_code

    codes = codes_of(user, capability)
    return codes is None or municipality_code(area) in codes


def require_municipality(user, capability: Capability, area) -> None:
    """404 (not 403: another partnership's areas are not shown to exist) unless ``area`` lies in one
    of the user's municipalities."""
    if not may_see(user, capability, area):
        raise Http404


@dataclass
class Chosen:
    """The municipality a list page shows and the ones the viewer may switch to."""

    municipality: object | None  # an Area (level municipality), None when there is none at all
    choices: list

    @property
    def code(self) -> str:
        return self.municipality.code if self.municipality is not None else ""


def choose(request, capability: Capability = Capability.PUBLIC) -> Chosen:
    """The municipality named in ``?kommun=`` (404 when the viewer may not see it), else the
    viewer's own, else the installation's own. ``capability`` PUBLIC: any set-up municipality."""
    from trygg.areas.models import Area, Level

    user = request.user
    codes = None if capability == Capability.PUBLIC else codes_of(user, capability)
    choices = list(installed())
    if codes is not None:
        known = {a.code for a in choices}
        extra = Area.objects.filter(level=Level.MUNICIPALITY, code__in=codes - known).defer("geometry")
        choices = sorted([a for a in choices if a.code in codes] + list(extra), key=lambda a: a.name)
    chosen = Chosen(_pick(request, capability, codes, choices), choices)
    request.municipality = chosen.municipality  # the footer names its city organisation (web.context)
    return chosen


def _pick(request, capability, codes, choices):
    from trygg.areas import schemes

    asked = request.GET.get(PARAM)
    if asked:
        found = next((a for a in choices if a.code == asked), None)
        if found is None:
            raise Http404
        return found
    own = None
    if codes:  # the first membership's municipality
        order = [schemes.municipality_code(m.area) for m in memberships(request.user)
                 if m.area_id and role_has(m.role, capability)]
        own = next((a for code in order for a in choices if a.code == code), None)
    if own is None:
        own = next((a for a in choices if a.code == schemes.home_code()), choices[0] if choices else None)
    return own


def within_mine(qs, user, capability: Capability, field: str = "path"):
    """``qs`` limited to rows whose area (``field``: that area's path) lies in one of the user's
    municipalities (superusers: unlimited)."""
    from trygg.areas.models import Area, Level
    from trygg.areas.subtree import subtree_q

    codes = codes_of(user, capability)
    if codes is None:
        return qs
    q = Q(pk__in=[])
    for path in Area.objects.filter(level=Level.MUNICIPALITY, code__in=codes).values_list("path", flat=True):
        q |= subtree_q(path, field)
    return qs.filter(q)


def sole_municipality():
    """The one municipality set up here when there is exactly one (where a role "for the whole
    city" unambiguously belongs), else None."""
    found = list(installed()[:2])
    return found[0] if len(found) == 1 else None
