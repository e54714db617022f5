"""One sign-in path for every provider: find or create the user, re-compute the roles the groups
give, log in — or refuse with the no-role page."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.core.exceptions import PermissionDenied
from django.db import transaction

from trygg.accounts.models import Membership

from .models import Grant, Identity, RoleMapping

log = logging.getLogger(__name__)
BACKEND = "django.contrib.auth.backends.ModelBackend"


class NoRole(PermissionDenied):
    """The provider's groups map to no role: the user is not let in."""

    def __init__(self, provider, groups):
        super().__init__(f"no role for groups {groups!r} at {provider['key']}")
        self.provider = provider
        self.groups = groups


def _username(provider, claims, subject):
    User = get_user_model()
    base = (claims.get("username") or claims.get("email") or subject).strip()
    base = f"{provider['key']}.{base}"[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def sync_user(provider: dict, subject: str, claims: dict, groups: list[str]):
    """The user for ``subject`` at ``provider`` with memberships exactly as the mapping gives them
    (memberships given by hand in the admin are left alone)."""
    User = get_user_model()
    key = provider["key"]
    groups = sorted({str(g) for g in groups if g})
    ident = Identity.objects.select_related("user").filter(provider=key, subject=subject).first()
    if ident is None:
        user = User.objects.create_user(_username(provider, claims, subject))
        user.set_unusable_password()
        ident = Identity(user=user, provider=key, subject=subject)
    user = ident.user
    for field in ("first_name", "last_name", "email"):
        if claims.get(field):
            setattr(user, field, claims[field][:150])
    user.save()
    ident.groups = groups
    ident.save()

    wanted = {(m.organisation_id, m.role, m.area_id)
              for m in RoleMapping.objects.filter(group__in=groups).filter(provider__in=["", key])}
    granted = {(g.membership.organisation_id, g.membership.role, g.membership.area_id): g
               for g in Grant.objects.filter(provider=key, membership__user=user).select_related("membership")}
    for k, g in granted.items():
        if k not in wanted:
            log.info("SSO %s: %s loses %s", key, user, k)
            g.membership.delete()
    for k in wanted - set(granted):
        m, created = Membership.objects.get_or_create(user=user, organisation_id=k[0], role=k[1], area_id=k[2])
        if created:
            Grant.objects.create(membership=m, provider=key)
    return user


def sign_in(request, provider, subject, claims, groups):
    """Sync, then log in; :class:`NoRole` (after the sync is saved) when no role is left."""
    user = sync_user(provider, subject, claims, groups)
    if not Membership.objects.filter(user=user).exists():
        raise NoRole(provider, sorted({str(g) for g in groups if g}))
    auth_login(request, user, backend=BACKEND)
    request.session["trygg_sso_provider"] = provider["key"]
    return user
