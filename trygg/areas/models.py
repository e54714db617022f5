"""The area hierarchy: municipality → stadsområde → mellanområde → primärområde → basområde.

Geometry is stored as GeoJSON (WGS84) in a JSON field with its bounding box, so the app runs on
plain SQLite and PostgreSQL without GIS extensions; spatial work is done in ``trygg.analysis``.
"""

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    COUNTRY = "country", _("country")
    MUNICIPALITY = "municipality", _("municipality")
    STADSOMRADE = "stadsomrade", _("stadsområde")
    MELLANOMRADE = "mellanomrade", _("mellanområde")
    PRIMAROMRADE = "primaromrade", _("primärområde")
    BASOMRADE = "basomrade", _("basområde")


LEVEL_ORDER = [c.value for c in Level]
# The levels that carry a work cycle (problems, goals, actions); basområden roll up to their primary area.
CYCLE_LEVELS = (Level.MUNICIPALITY, Level.STADSOMRADE, Level.MELLANOMRADE, Level.PRIMAROMRADE)


class AreaQuerySet(models.QuerySet):
    def at_level(self, level):
        return self.filter(level=level)

    def municipalities(self):
        return self.filter(level=Level.MUNICIPALITY)


class Area(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="children",
    )
    geometry = models.JSONField(_("geometry (GeoJSON, WGS84)"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    # Materialised path of codes ("/1480/1/10/610/") so that descendants are one indexed LIKE.
    path = models.CharField(max_length=400, db_index=True, editable=False, default="")

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("areas:detail", args=[self.code])

    def compute_path(self, using: str | None = None) -> str:
        """The path from the parent's path as stored (not as an instance in memory may hold it)."""
        if not self.parent_id:
            return f"/{self.code}/"
        qs = Area.objects.using(using or router.db_for_read(Area)).filter(pk=self.parent_id)
        return f"{qs.values_list('path', flat=True).get()}{self.code}/"

    def clean(self):
        super().clean()
        if self.pk and self.parent_id:
            below = Area.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            parent = Area.objects.filter(pk=self.parent_id).values_list("path", flat=True).first()
            if below and parent and parent.startswith(below):
                raise ValidationError({"parent": _("An area cannot lie below itself.")})

    def save(self, *args, **kwargs):
        """Save, and when the path changes (new parent or code) move every path below it and every
        copy of them in the same transaction (see :mod:`trygg.areas.paths`)."""
        from .paths import move_subtree

        using = kwargs.get("using") or router.db_for_write(Area, instance=self)
        with transaction.atomic(using=using):
            old = None
            if not self._state.adding and self.pk:
                old = Area.objects.using(using).filter(pk=self.pk).values_list("path", flat=True).first()
            self.path = self.compute_path(using)
            if old and self.path != old and self.path.startswith(old):
                raise ValueError(f"area {self.code} cannot be moved below itself")
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
            super().save(*args, **kwargs)
            if old and old != self.path:
                move_subtree(self, old, using)

    def ancestors(self):
        """Areas above this one, from the top down (without their geometry, loaded when asked for:
        a municipality's outline is large and breadcrumbs and scopes need only names and paths)."""
        codes = [c for c in self.path.strip("/").split("/") if c][:-1]
        by_code = {a.code: a for a in Area.objects.filter(code__in=codes).defer("geometry")}
        return [by_code[c] for c in codes if c in by_code]

    def descendants(self, include_self=False):
        qs = Area.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_within(self, other: "Area") -> bool:
        return self.path.startswith(other.path)

    def population(self, year: int | None = None) -> int | None:
        """Total population for ``year`` (or the latest year known)."""
        qs = self.populations.filter(age_band="")
        if year is not None:
            exact = qs.filter(year=year).first()
            if exact:
                return exact.count
            qs = qs.filter(year__lte=year) or self.populations.filter(age_band="")
        latest = qs.order_by("-year").first()
        return latest.count if latest else None


class Population(models.Model):
    """Population of an area for a year; ``age_band`` empty means the total."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveIntegerField(_("year"))
    age_band = models.CharField(_("age band"), max_length=20, blank=True, default="")
    count = models.PositiveIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "age_band"], name="population_unique_cell")
        ]
        ordering = ["area", "year", "age_band"]
        verbose_name = _("population")
        verbose_name_plural = _("population")

    def __str__(self):
        return f"{self.area} {self.year} {self.age_band or 'total'}: {self.count}"


class LocalPoliceArea(models.Model):
    """A local police area (lokalpolisområde, LPO), a unit of the police partner.

    There are no public LPO boundaries: which city areas an LPO covers is configuration.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("police organisation"), on_delete=models.PROTECT,
        related_name="local_police_areas",
    )
    areas = models.ManyToManyField(Area, verbose_name=_("city areas covered"), related_name="police_areas")

    class Meta:
        ordering = ["name"]
        verbose_name = _("local police area")
        verbose_name_plural = _("local police areas")

    def __str__(self):
        return self.name


def partnership_area(area: Area) -> Area | None:
    """The area that carries the local partnership for ``area``: itself or its nearest ancestor
    that an LPO covers."""
    chain = [area, *reversed(area.ancestors())]
    covered = set(
        LocalPoliceArea.areas.through.objects.filter(area__in=chain).values_list("area_id", flat=True)
    )
    for a in chain:
        if a.pk in covered:
            return a
    return None
