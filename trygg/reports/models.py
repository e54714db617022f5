"""The yearly joint conference where the development lead presents the annual analysis."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trygg.incidents.categories import theme_label
from trygg.privacy import validate_no_personal_data
from trygg.versions import save_as_next_version


class Conference(models.Model):
    """A municipality's conference of a year: each partnership holds its own (one per municipality
    and year), and only that municipality's people see, edit and approve it."""

    municipality = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                                     limit_choices_to={"level": "municipality"}, verbose_name=_("municipality"))
    year = models.PositiveIntegerField(_("year"))
    date = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, validators=[validate_no_personal_data])
    theme = models.CharField(_("theme"), max_length=40)  # a Theme slug (the form offers the table's themes)
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
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="one_conference_per_year")]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")

    def __str__(self):
        return f"{self.year}: {self.get_theme_display()}"

    def get_theme_display(self) -> str:
        return theme_label(self.theme)

    def get_absolute_url(self):
        return reverse("reports:conference", kwargs={"code": self.municipality.code, "year": self.year})

    @property
    def theme_approved(self) -> bool:
        return bool(self.city_approved_at and self.police_approved_at)

    def decision_lines(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.decisions.splitlines() if line.strip(" -•\t")]

    def participant_lines(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


def decisions_for(year: int, municipality) -> list[str]:
    """Decisions of ``municipality``'s conference held for ``year - 1`` (an Area of level
    municipality, or None: none): the input to ``year``'s agreements there. The work app lists
    these when an agreement is created."""
    if municipality is None:
        return []
    prev = Conference.objects.filter(municipality=municipality, year=year - 1).first()
    return prev.decision_lines() if prev else []


class StatutoryDocument(models.Model):
    """One version of a municipality's or district's statutory document under SFS 2023:196: the
    situation picture ("lägesbild") or the action plan ("åtgärdsplan") of a year.

    Figures are generated from the data and the work cycle (``trygg.reports.statutory``); the
    analyst writes the text sections (``sections``, checked for personal data). Approval reuses
    ``trygg.reports.approval`` (one approval per side). When the sides the law needs have approved
    (``required_sides``) the version is adopted: its PDF and DOCX are generated once and stored, so
    the adopted document never changes afterwards; a later change is a new version."""

    class Kind(models.TextChoices):
        LAGESBILD = "lagesbild", _("situation picture (lägesbild)")
        ATGARDSPLAN = "atgardsplan", _("action plan (åtgärdsplan)")

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    kind = models.CharField(_("document"), max_length=12, choices=Kind.choices)
    year = models.PositiveIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    sections = models.JSONField(_("text sections"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    city_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", verbose_name=_("approved for the city by"))
    city_approved_at = models.DateTimeField(_("approved by the city"), null=True, blank=True)
    police_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+",
                                           verbose_name=_("approved for the police by"))
    police_approved_at = models.DateTimeField(_("approved by the police"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True, editable=False)
    pdf = models.FileField(_("adopted PDF"), upload_to="statutory/", blank=True, editable=False)
    docx = models.FileField(_("adopted DOCX"), upload_to="statutory/", blank=True, editable=False)
    # the page as adopted (text, tables and charts as embedded images), shown instead of live data
    adopted_html = models.TextField(_("adopted page"), blank=True, editable=False)

    class Meta:
        ordering = ["area__code", "kind", "-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["area", "kind", "year", "version"],
                                               name="one_statutory_version")]
        verbose_name = _("statutory document")
        verbose_name_plural = _("statutory documents")

    def __str__(self):
        return f"{self.get_kind_display()} {self.area.name} {self.year} (v{self.version})"

    def get_absolute_url(self):
        return reverse("reports:statutory", kwargs={"code": self.area.code, "pk": self.pk})

    @property
    def required_sides(self) -> tuple[str, ...]:
        """The municipality carries the duty (SFS 2023:196), so its own document is adopted by the
        city side; a district's document is joint work of the district and its police area."""
        return ("city",) if self.area.level == "municipality" else ("city", "police")

    @property
    def adopted(self) -> bool:
        return self.adopted_at is not None

    def missing_sides(self) -> list[str]:
        return [s for s in self.required_sides if getattr(self, f"{s}_approved_at") is None]

    def save(self, *args, **kwargs):
        scope = StatutoryDocument.objects.filter(area=self.area, kind=self.kind, year=self.year)
        save_as_next_version(self, scope, super().save, *args, **kwargs)
