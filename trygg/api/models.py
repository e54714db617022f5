"""Personal API tokens: created and revoked by their owner, stored only as a SHA-256 hash.

A token is ``trygg_`` + 43 random URL-safe characters (256 bits), so a plain SHA-256 is enough to
store it (no password-style stretching needed for a high-entropy secret). The first characters are
kept as ``prefix`` so the owner can tell tokens apart on the profile page.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "trygg_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("begins with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} {self.prefix}… ({self.scope})"

    @classmethod
    def issue(cls, user, name: str, scope: str = Scope.READ, expires_days: int | None = None):
        """Create a token; returns ``(token, raw)`` — ``raw`` is shown once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = timezone.now() + timedelta(days=expires_days) if expires_days else None
        token = cls.objects.create(user=user, name=name, scope=scope, prefix=raw[:len(TOKEN_PREFIX) + 6],
                                   key_hash=hash_token(raw), expires_at=expires)
        return token, raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
