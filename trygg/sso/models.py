"""The mapping from identity-provider groups to Trygg roles, and who signed in through which provider."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import Membership, Organisation, Role


class RoleMapping(models.Model):
    """A group (claim or attribute value) at a provider gives a role in an organisation, for an area
    (for a city-wide role: its municipality), e.g. group "TS-<district>" → trygghetssamordnare, the district's administration, the district."""

    provider = models.CharField(_("provider"), max_length=50, blank=True,
                                help_text=_("the provider's key in TRYGG_SSO_PROVIDERS; empty = any provider"))
    group = models.CharField(_("group"), max_length=300,
                             help_text=_("the value of the provider's group claim or attribute"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), null=True, on_delete=models.CASCADE,
                             help_text=_("The area the role covers, with everything below it; for a "
                                         "city-wide role, its municipality."))

    class Meta:
        ordering = ["provider", "group", "role"]
        constraints = [models.UniqueConstraint(fields=["provider", "group", "role", "organisation", "area"],
                                               name="sso_rolemapping_unique")]
        verbose_name = _("role mapping")
        verbose_name_plural = _("role mappings")

    def __str__(self):
        return f"{self.provider or '*'}: {self.group} → {self.get_role_display()}"


class Identity(models.Model):
    """A user's identity at a provider (the OIDC ``sub`` or the SAML NameID)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities")
    provider = models.CharField(_("provider"), max_length=50)
    subject = models.CharField(_("subject"), max_length=255)
    groups = models.JSONField(_("groups at the last login"), default=list, blank=True)
    last_login = models.DateTimeField(_("last login"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="sso_identity_unique")]
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")

    def __str__(self):
        return f"{self.provider}:{self.subject} → {self.user}"


class Grant(models.Model):
    """Marks a membership as granted by a provider's groups (re-computed at each login)."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="sso_grant")
    provider = models.CharField(_("provider"), max_length=50)
