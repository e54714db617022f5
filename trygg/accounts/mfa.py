"""Multi-factor sign-in for local accounts: TOTP (django-otp) plus one-time recovery codes.

Required by default for the roles in ``settings.TRYGG_MFA_REQUIRED_ROLES`` (admin and utvecklingsledare)
and for superusers; anyone may turn it on from the profile. The password step of the login page does
not log the user in when a second factor is due: it leaves a short-lived "pending" mark in the session,
and the code step logs in. A wrong code counts as a failed login for django-axes (same lock-out and the
same audit records as a wrong password). Single sign-on users get their second factor from their
organisation's identity provider.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model, user_login_failed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, Role

PENDING = "trygg_mfa_pending"
PENDING_SECONDS = 300
RECOVERY_CODES = 10


def requires_mfa(user) -> bool:
    required = set(settings.TRYGG_MFA_REQUIRED_ROLES)
    if not required:
        return False
    if user.is_superuser and Role.ADMIN in required:
        return True
    return Membership.objects.filter(user=user, role__in=required).exists()


def totp_device(user, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verify(user, code: str):
    """The device that accepts ``code`` (TOTP first, then a recovery code), else None."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    for device in list(TOTPDevice.objects.filter(user=user, confirmed=True)) + \
            list(StaticDevice.objects.filter(user=user, confirmed=True)):
        ok, _ = device.verify_is_allowed()
        if ok and device.verify_token(code):
            return device
    return None


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returns them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for c in codes:
        device.token_set.create(token=c)
    return codes


def set_pending(request, user, next_url: str):
    request.session[PENDING] = {"uid": user.pk, "backend": user.backend, "next": next_url, "at": time.time()}


def pending(request):
    """(user, backend, next) of a password-verified login waiting for its second factor, or None."""
    p = request.session.get(PENDING)
    if not p or time.time() - p["at"] > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=p["uid"], is_active=True).first()
    return (user, p["backend"], p["next"]) if user else None


def clear_pending(request):
    request.session.pop(PENDING, None)


def record_failure(request, user):
    """A wrong code: a failed login for django-axes (lock-out, audit)."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
