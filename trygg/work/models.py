"""The shared work cycle of a city district and its local police area (DOMAIN.md, six steps).

Chain: situation picture (picture.Snapshot) → Problem → Cause (problem-analysis triangle) → Goal
(an indicator computed from the data) → Action (owner on one side, aimed at a cause) → follow-up.
Around it: Agreement (versions kept), ActionPlan (adopted by both sides), Promise with PromiseLine
and ProgressReport (citizen promises), Meeting (agenda packs), Signature (who signed for which
side, when) and ChangeLog (every change, before/after).

Every object has an ``area``; it belongs to the cycle of that area and of every area above it.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from trygg.versions import save_as_next_version

USER = settings.AUTH_USER_MODEL
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class Side(models.TextChoices):
    CITY = "city", _("city")
    POLICE = "police", _("police")


class ChangeLog(models.Model):
    """One change of one object: who, when, and the field values before and after (JSON)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        SIGNED = "signed", _("signed")
        DELETED = "deleted", _("deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("change")
        verbose_name_plural = _("change history")

    def changed_fields(self):
        keys = sorted(set(self.before) | set(self.after))
        return [(k, self.before.get(k), self.after.get(k)) for k in keys if self.before.get(k) != self.after.get(k)]


class Signature(models.Model):
    """A signature (or approval) of an agreement, an action plan or a promise, for one side."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by"))
    role = models.CharField(_("role"), max_length=200)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "side"], name="one_signature_per_side")]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")


class Signable(models.Model):
    """Mixin: an object that each side signs for itself."""

    signatures = GenericRelation(Signature)

    class Meta:
        abstract = True

    def signed_sides(self) -> set[str]:
        return {s.side for s in self.signatures.all()}

    @property
    def fully_signed(self) -> bool:
        return {Side.CITY, Side.POLICE} <= self.signed_sides()


class Problem(models.Model):
    class Priority(models.IntegerChoices):
        HIGH = 1, _("high")
        MEDIUM = 2, _("medium")
        LOW = 3, _("low")

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("place (area)"))
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(_("theme"), max_length=40)
    place_text = models.CharField(_("place"), max_length=200, blank=True,
                                  help_text=_("e.g. the square, a park, a stop – places, never people"))
    time_pattern = models.CharField(_("time pattern"), max_length=200, blank=True,
                                    help_text=_("e.g. weekday evenings 18–23, summer"))
    priority = models.IntegerField(_("priority"), choices=Priority.choices, default=Priority.MEDIUM)
    prioritised = models.BooleanField(_("prioritised"), default=False,
                                      help_text=_("one of the problems the partners work on this period"))
    snapshot = models.ForeignKey("picture.Snapshot", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="problems", verbose_name=_("situation picture snapshot"))
    indicator = models.CharField(_("indicator that showed it"), max_length=200, blank=True)
    raised_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("raised by"))
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)

    class Meta:
        ordering = ["priority", "-created_at"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self):
        return self.title


class Cause(models.Model):
    """One cause, placed on a side of the problem-analysis triangle, with its evidence."""

    class Corner(models.TextChoices):
        PLACE = "place", _("place")
        OFFENDER = "offender", _("offender")
        VICTIM = "victim", _("victim / target")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="causes", verbose_name=_("problem"))
    corner = models.CharField(_("triangle side"), max_length=10, choices=Corner.choices)
    description = models.TextField(_("cause"))
    evidence = models.TextField(_("evidence"))
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["corner", "pk"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")

    @property
    def area(self):
        return self.problem.area

    def __str__(self):
        return f"{self.get_corner_display()}: {self.description[:60]}"


class Goal(models.Model):
    """A measurable goal on an indicator (sources + theme/category + area + period) from the data."""

    class Sources(models.TextChoices):
        ALL = "all", _("all sources")
        POLICE = "police", _("police events")
        EST = "est", _("EST reports")
        BRA = "bra", _("reported crimes (Brå, by year)")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="goals", verbose_name=_("problem"))
    title = models.CharField(_("goal"), max_length=200)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator area"))
    sources = models.CharField(_("sources"), max_length=10, choices=Sources.choices, default=Sources.ALL)
    theme = models.CharField(_("theme"), max_length=40, blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    baseline_start = models.DateField(_("baseline from"))
    baseline_end = models.DateField(_("baseline to"))
    target_date = models.DateField(_("target date"))
    target_change_pct = models.FloatField(_("target change, %"), help_text=_("e.g. -20 for a 20 % reduction"))
    baseline_value = models.IntegerField(_("baseline (computed)"), null=True, editable=False)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_date", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.title


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("what"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("where (area)"))
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    owner_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("owner organisation"))
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner (person)"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    resources = models.CharField(_("resources"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    cause = models.ForeignKey(Cause, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions",
                              verbose_name=_("cause it addresses"))
    expected_effect = models.TextField(_("expected effect"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.title

    @property
    def theme(self) -> str:
        return self.cause.problem.theme if self.cause_id else ""


class Agreement(Signable):
    """A collaboration agreement (samverkansöverenskommelse). A new one never erases the old: each
    is a version; ``version`` counts per area and kind."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("central (city – police area)")
        LOCAL = "local", _("local (district – local police area)")

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LOCAL)
    version = models.PositiveIntegerField(_("version"), editable=False, default=1)
    title = models.CharField(_("title"), max_length=200)
    start = models.DateField(_("valid from"))
    end = models.DateField(_("valid to"))
    parties = models.ManyToManyField("accounts.Organisation", related_name="+", verbose_name=_("parties"))
    priorities = models.TextField(_("prioritised problems (text)"), blank=True)
    problems = models.ManyToManyField(Problem, blank=True, related_name="agreements",
                                      verbose_name=_("prioritised problems"))
    document = models.FileField(_("document (PDF or DOCX)"), upload_to="agreements/%Y/", blank=True,
                                validators=[FileExtensionValidator(["pdf", "docx"])])
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-version"]
        constraints = [models.UniqueConstraint(fields=["area", "kind", "version"], name="one_agreement_version")]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        scope = Agreement.objects.filter(area=self.area, kind=self.kind)
        save_as_next_version(self, scope, super().save, *args, **kwargs)


class ActionPlan(Signable):
    """The action plan (åtgärdsplan) of an area for a period; adopted when both sides approved."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    title = models.CharField(_("title"), max_length=200)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self):
        return self.title


class Promise(Signable):
    """A citizen promise (medborgarlöfte) of an area for a (possibly irregular) period."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("promise"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("citizen promise")
        verbose_name_plural = _("citizen promises")

    def __str__(self):
        return self.title


class PromiseLine(models.Model):
    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="lines", verbose_name=_("promise"))
    text = models.CharField(_("commitment"), max_length=300)
    owner_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("owner organisation"))
    target = models.FloatField(_("target"))
    unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("e.g. operations, walks, meetings"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("promise line")
        verbose_name_plural = _("promise lines")

    def __str__(self):
        return self.text

    @property
    def area(self):
        return self.promise.area


class ProgressReport(models.Model):
    """Progress on a promise line: the amount achieved since the previous report."""

    line = models.ForeignKey(PromiseLine, on_delete=models.CASCADE, related_name="reports", verbose_name=_("line"))
    date = models.DateField(_("date"))
    value = models.FloatField(_("amount achieved"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    reported_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.line.text}: +{self.value:g} ({self.date})"

    @property
    def area(self):
        return self.line.promise.area


class Meeting(models.Model):
    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("weekly meeting")
        TERTIAL = "tertial", _("tertial meeting")
        FOLLOWUP = "followup", _("annual follow-up")

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WEEKLY)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"
