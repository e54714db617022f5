"""Partners (organisations), and the roles people hold in them, scoped to areas."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("city")
        POLICE = "police", _("police")
        OTHER = "other", _("other partner")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="units",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def side(self) -> str:
        """The partner side this organisation belongs to: city, police or other."""
        return self.kind


class Role(models.TextChoices):
    TRYGGHETSSAMORDNARE = "trygghetssamordnare", _("safety coordinator (trygghetssamordnare)")
    KOMMUNPOLIS = "kommunpolis", _("community police officer (kommunpolis)")
    OMRADESDIREKTOR = "omradesdirektor", _("district director (områdesdirektör)")
    POLISCHEF = "polischef", _("police chief (polischef)")
    UTVECKLINGSLEDARE = "utvecklingsledare", _("development lead / analyst (utvecklingsledare)")
    RAPPORTOR = "rapportor", _("reporter (rapportör)")
    LASARE = "lasare", _("reader (läsare)")
    ADMIN = "admin", _("administrator")


class Membership(models.Model):
    """A person's role in an organisation, for an area and everything below it.

    City-wide roles (the analyst, a reader for the whole city) have their municipality as area, so
    that each municipality's partnership sees only its own. An empty area is left only by an
    upgrade that could not tell the municipality (several set up); it grants nothing until an
    administrator gives it one (the system check ``trygg.W010`` lists them).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), null=True, on_delete=models.CASCADE,
                             related_name="memberships",
                             help_text=_("The area the role covers, with everything below it; for a "
                                         "city-wide role, its municipality."))
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role", "area"], name="membership_unique")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        where = self.area.name if self.area_id else _("no municipality (grants nothing)")
        return f"{self.user} – {self.get_role_display()} – {where}"
