"""Test helpers for two-step login: the current TOTP code of a device or of a shown secret."""

import base64
import time

from django_otp.oath import TOTP


def code_for_key(bin_key: bytes, offset_steps: int = 0) -> str:
    t = TOTP(bin_key, step=30, t0=0, digits=6)
    t.time = time.time() + 30 * offset_steps
    return f"{t.token():06d}"


def code_for_secret(secret: str) -> str:
    """The code for a base32 secret as the setup page shows it (groups of four)."""
    s = secret.replace(" ", "")
    return code_for_key(base64.b32decode(s + "=" * (-len(s) % 8)))


def code_for_user(user) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return code_for_key(TOTPDevice.objects.get(user=user, confirmed=True).bin_key)
