"""The area hierarchy: country → municipality → the municipality's own levels.

Each municipality names its own levels (stadsområde → mellanområde → primärområde → basområde in
one, statistikområde → delområde in another) in its configuration (:class:`Municipality`,
:mod:`trygg.areas.schemes`). ``Level`` holds the two levels every installation shares and the
levels of the default scheme used where a municipality has no configuration of its own.

Geometry is stored as GeoJSON (WGS84) in a JSON field with its bounding box, so the app runs on
plain SQLite and PostgreSQL without GIS extensions; spatial work is done in ``trygg.analysis``.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
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
LEVEL_KEY = r"[a-z][a-z0-9_]{0,19}"


class AreaQuerySet(models.QuerySet):
    def at_level(self, level):
        return self.filter(level=level)

    def municipalities(self):
        return self.filter(level=Level.MUNICIPALITY)


class Area(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # A level key of the municipality's configuration (``Level`` for the shared and default ones).
    level = models.CharField(_("level"), max_length=20, db_index=True,
                             validators=[RegexValidator(f"^{LEVEL_KEY}$")])
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
    # Materialised path of codes ("/SE/1234/1/10/610/") so that descendants are one indexed LIKE.
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

    @property
    def is_district(self) -> bool:
        """Whether this area is at its municipality's district level (partnerships, public pages)."""
        from .schemes import is_district

        return is_district(self)

    @property
    def has_public_page(self) -> bool:
        from .schemes import has_public_page

        return has_public_page(self)

    def get_level_display(self) -> str:
        """The level's name in this area's municipality ("stadsområde", "delområde")."""
        from .schemes import level_name

        return level_name(self)

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


class Municipality(models.Model):
    """A municipality's configuration: its partners, area levels, metropolitan peers and report
    cover. Loaded from a file with ``trygg setup municipality`` (see docs/municipalities.md) and
    editable in the admin; :mod:`trygg.areas.schemes` reads it."""

    code = models.CharField(_("SCB code"), max_length=4, unique=True,
                            validators=[RegexValidator(r"^[0-9]{4}$")])
    name = models.CharField(_("name"), max_length=200)
    city_organisation = models.CharField(_("city organisation"), max_length=200)
    police_organisation = models.CharField(_("police organisation"), max_length=200)
    # [{"key": "stadsomrade", "name": "stadsområde", "plural": "stadsområden", "work_cycle": true,
    #   "named_in_texts": true}, …]
    # from the top (below the municipality) down.
    levels = models.JSONField(_("area levels, top down"), default=list)
    district_level = models.CharField(
        _("district level"), max_length=20,
        help_text=_("The level whose areas form partnerships with the police and have public pages."))
    metro_peers = models.JSONField(_("metropolitan peers (SCB codes)"), default=list, blank=True)
    report_cover = models.CharField(_("report cover line"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality configuration")
        verbose_name_plural = _("municipality configurations")

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        super().clean()
        from .schemes import SchemeError, scheme_from_dict

        try:
            scheme_from_dict({"code": self.code, "name": self.name, "city_organisation": self.city_organisation,
                              "police_organisation": self.police_organisation, "levels": self.levels,
                              "district_level": self.district_level, "metro_peers": self.metro_peers,
                              "report_cover": self.report_cover})
        except SchemeError as exc:
            raise ValidationError(str(exc)) from exc


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
