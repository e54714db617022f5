"""Access checks used by every view: ``@access(Capability.X)`` and ``require(user, cap, area)``."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Membership
from .permissions import Capability, role_has


def memberships(user) -> list[Membership]:
    """The user's memberships (organisation and area loaded), cached on the user object."""
    cache = getattr(user, "_trygg_memberships", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).select_related("area", "organisation")
                     .defer("area__geometry"))  # paths are checked on every request, outlines never
        user._trygg_memberships = cache
    return cache


def can(user, capability: Capability, area=None) -> bool:
    """True when ``user`` holds ``capability`` anywhere (area None) or on ``area``.

    A membership covers its own area and every area below it: a city-wide role's area is its
    municipality, so it covers that municipality and no other. A membership without an area (left
    by an upgrade that could not tell which municipality it belongs to, see
    :mod:`trygg.accounts.checks`) covers nothing until an administrator gives it one.
    """
    if capability == Capability.PUBLIC:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or capability == Capability.SIGNED_IN:
        return True
    for m in memberships(user):
        if not m.area_id or not role_has(m.role, capability):
            continue
        if area is None or area.path.startswith(m.area.path):
            return True
    return False


def can_anywhere_below(user, capability: Capability, area) -> bool:
    """True when ``user`` holds ``capability`` on ``area`` or on some area below it."""
    if can(user, capability, area):
        return True
    if not user.is_authenticated:
        return False
    return any(
        role_has(m.role, capability) and m.area_id and m.area.path.startswith(area.path)
        for m in memberships(user)
    )


def require(user, capability: Capability, area=None) -> None:
    if not can(user, capability, area):
        raise PermissionDenied


def scoped_areas(user, capability: Capability):
    """The areas where ``user`` holds ``capability`` (a city-wide role's: its municipality); None
    means everywhere (superusers)."""
    if user.is_superuser:
        return None
    return [m.area for m in memberships(user) if m.area_id and role_has(m.role, capability)]


def user_sides(user) -> set[str]:
    """The partner sides (city, police, other) the user works for."""
    return {m.organisation.kind for m in memberships(user)}


def access(capability: Capability, area_kwarg: str | None = None):
    """Declare and enforce the capability a view needs (before any object is looked up).

    With ``area_kwarg`` (e.g. ``"code"``) the capability must be held on the area whose code is in
    that URL keyword argument (or on an area above it); the area is passed to the view as
    ``request.area``. Anonymous users are sent to the login page; logged-in users without the
    capability get 403; an unknown area gives 404. The declaration is recorded on the view as
    ``access_capability`` / ``access_area_kwarg`` for the URL access test.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if capability != Capability.PUBLIC:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not can(request.user, capability):
                    raise PermissionDenied
            if area_kwarg:
                from trygg.areas.models import Area

                # the outlines (large GeoJSON) are read only by the views that draw them (deferred)
                request.area = get_object_or_404(Area.objects.select_related("parent").defer("geometry", "parent__geometry"),
                                                 code=kwargs[area_kwarg])
                if not can(request.user, capability, request.area):
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_capability = capability
        wrapped.access_area_kwarg = area_kwarg
        return wrapped

    return decorator
