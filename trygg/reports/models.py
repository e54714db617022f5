"""The yearly joint conference where the development lead presents the annual analysis."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trygg.incidents.categories import THEMES
from trygg.privacy import validate_no_personal_data


class Conference(models.Model):
    year = models.PositiveIntegerField(_("year"), unique=True)
    date = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, validators=[validate_no_personal_data])
    theme = models.CharField(_("theme"), max_length=40, choices=list(THEMES.items()))
    theme_motivation = models.TextField(_("why this theme"), blank=True, validators=[validate_no_personal_data])
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    city_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", verbose_name=_("approved for the city by"))
    city_approved_at = models.DateTimeField(_("approved by the city"), null=True, blank=True)
    police_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+",
                                           verbose_name=_("approved for the police by"))
    police_approved_at = models.DateTimeField(_("approved by the police"), null=True, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, validators=[validate_no_personal_data])
    participants = models.TextField(
        _("participants by role"), blank=True, validators=[validate_no_personal_data],
        help_text=_("One line per role, e.g. “Områdesdirektörer: 4”. No personal data."))
    notes = models.TextField(_("notes"), blank=True, validators=[validate_no_personal_data])
    decisions = models.TextField(
        _("decisions"), blank=True, validators=[validate_no_personal_data],
        help_text=_("One decision per line; they are listed for next year's agreements and priorities."))
    analysis_pdf = models.FileField(_("annual analysis (PDF)"), upload_to="conferences/", blank=True)
    analysis_generated_at = models.DateTimeField(_("analysis generated"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")

    def __str__(self):
        return f"{self.year}: {self.get_theme_display()}"

    def get_absolute_url(self):
        return reverse("reports:conference", kwargs={"year": self.year})

    @property
    def theme_approved(self) -> bool:
        return bool(self.city_approved_at and self.police_approved_at)

    def decision_lines(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.decisions.splitlines() if line.strip(" -•\t")]

    def participant_lines(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


def decisions_for(year: int) -> list[str]:
    """Decisions of the conference held for ``year - 1``: the input to ``year``'s agreements.
    The work app may list these when an agreement is created."""
    prev = Conference.objects.filter(year=year - 1).first()
    return prev.decision_lines() if prev else []
