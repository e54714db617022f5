"""Residents' view (safety-survey results per area and year) and the partners' own view
(the yearly collaboration questionnaire to coordinators and community police)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.privacy import validate_no_personal_data

from .indicators import INDICATORS, indicator_choices


class SurveyResult(models.Model):
    """One indicator for one area and year, as published by the survey owner."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="survey_results")
    year = models.PositiveIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=40, choices=indicator_choices())
    respondents = models.PositiveIntegerField(_("respondents"))
    value = models.FloatField(_("value"))
    ci_low = models.FloatField(_("CI low"))
    ci_high = models.FloatField(_("CI high"))
    ci_computed = models.BooleanField(_("CI computed by Trygg"), default=False)
    sd = models.FloatField(_("standard deviation"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    import_run = models.ForeignKey("incidents.ImportRun", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["area__code", "indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["area", "year", "indicator"], name="surveyresult_unique")]
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")

    def __str__(self):
        return f"{self.area} {self.year} {self.indicator}: {self.value}"

    @property
    def spec(self):
        return INDICATORS[self.indicator]


LIKERT = [(i, str(i)) for i in range(1, 6)]

# The questionnaire: field name → question. Answers 1 (very poorly) … 5 (very well).
QUESTIONS = {
    "collaboration": _("How well does the local collaboration between city and police work?"),
    "agreement": _("How well is the local collaboration agreement followed?"),
    "shared_picture": _("How much is the joint situation picture used when priorities are set?"),
    "follow_up": _("How well are the actions followed up?"),
}

# Short column headings for tables.
QUESTION_SHORT = {
    "collaboration": _("Collaboration"),
    "agreement": _("Agreement followed"),
    "shared_picture": _("Shared picture used"),
    "follow_up": _("Actions followed up"),
}

INVITED_ROLES = ("trygghetssamordnare", "kommunpolis")


class CollaborationRound(models.Model):
    """The questionnaire sent for one year to every coordinator and community police officer."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    closes_on = models.DateField(_("closes on"))
    message = models.TextField(_("message to the invited"), blank=True, validators=[validate_no_personal_data])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("collaboration survey round")
        verbose_name_plural = _("collaboration survey rounds")

    def __str__(self):
        return str(self.year)

    @property
    def is_open(self) -> bool:
        return timezone.localdate() <= self.closes_on


class Invitation(models.Model):
    """One invited person in one round, with the role and area they answer for."""

    round = models.ForeignKey(CollaborationRound, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations")
    role = models.CharField(_("role"), max_length=30)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="invitation_unique")]
        ordering = ["round", "area__code", "role"]


class CollaborationAnswer(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="answer")
    collaboration = models.PositiveSmallIntegerField(QUESTIONS["collaboration"], choices=LIKERT,
                                                     validators=[MinValueValidator(1), MaxValueValidator(5)])
    agreement = models.PositiveSmallIntegerField(QUESTIONS["agreement"], choices=LIKERT,
                                                 validators=[MinValueValidator(1), MaxValueValidator(5)])
    shared_picture = models.PositiveSmallIntegerField(QUESTIONS["shared_picture"], choices=LIKERT,
                                                      validators=[MinValueValidator(1), MaxValueValidator(5)])
    follow_up = models.PositiveSmallIntegerField(QUESTIONS["follow_up"], choices=LIKERT,
                                                 validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True, validators=[validate_no_personal_data])
    answered_at = models.DateTimeField(_("answered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("collaboration survey answer")
        verbose_name_plural = _("collaboration survey answers")
