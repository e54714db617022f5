"""Incidents from every source, where they happened, and the import runs that brought them."""

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from trygg.areas.subtree import subtree_q, within_area

from .categories import NOT_COUNTED, category_label, in_language, theme_label


class Source(models.TextChoices):
    POLICE = "police", _("Police events")
    EST = "est", _("EST reports")


class Placement(models.TextChoices):
    POINT = "point", _("exact point")
    TEXT = "text", _("place name in the text")
    AREA = "area", _("chosen area")
    MUNICIPALITY = "municipality", _("municipality only")
    COUNTY = "county", _("county only")


class Unindexed(Func):
    """The value of a column written so that no index on it serves a condition or an ORDER BY /
    MIN / MAX on it (SQLite ``+date``, PostgreSQL ``date + 0``): for queries that must read the
    (area_path, date, …) index, where a planner would otherwise walk the date index in order and
    test the area of each row (every row of the table for an area with no data)."""

    template = "(%(expressions)s + 0)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def dated_by_area(qs, field: str, start=None, end=None, *, sqlite: bool = True):
    """``qs`` (incidents or daily cells, read by an area-first index) from ``start`` to ``end``
    inclusive on the date column ``field``; on SQLite (unless ``sqlite`` is False) the date terms
    are written so that no index serves them (:class:`Unindexed`), so that its planner keeps to the
    area-first index."""
    if start is None and end is None:
        return qs
    day = field
    if sqlite and connections[qs.db].vendor == "sqlite":
        qs = qs.alias(day_unindexed=Unindexed(F(field), output_field=models.DateField()))
        day = "day_unindexed"
    if start is not None:
        qs = qs.filter(**{f"{day}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{day}__lte": end})
    return qs


class IncidentQuerySet(models.QuerySet):
    def delete(self):
        """Delete these incidents and recompute the daily cells of their days once, in the same
        transaction (``trygg.incidents.daily``), instead of once per deleted row (the per-row signal
        is what a single deletion uses: 100,000 rows took minutes)."""
        from . import daily

        with transaction.atomic(using=self.db):
            days = set(self.order_by().values_list("date", flat=True).distinct())
            with daily.one_refresh():
                result = super().delete()
            if days:
                daily.refresh_days(days, self.db)
        return result

    def counted(self):
        """Incidents that count as one event each (police summaries and updates left out)."""
        return self.exclude(category__in=sorted(NOT_COUNTED))

    def within(self, area, start=None, end=None, *, date_first: bool | None = None):
        """Incidents in ``area`` or any area below it, as an index-friendly range on ``area_path``
        (``trygg.areas.subtree``), optionally from ``start`` to ``end`` inclusive, so that the
        (area_path, date, …) index serves area-and-period counts, and the (date, area_path, …) index
        the whole country's. PostgreSQL's planner picks between the two by its statistics (both
        hold every column a count reads). SQLite's picked the date-first index for an area's counts
        (even after ANALYZE; 20–36× slower at country scale), so there one term is written so that no
        index can serve it (:class:`Unindexed`): the date for an area, the path for the country or
        when ``date_first`` says so (a few days of a large area: the latest list of a municipality
        with 1.4 M incidents reads 40–100 ms of the date-first index instead of 0.6–0.8 s of its
        area's entries)."""
        sqlite = connections[self.db].vendor == "sqlite"
        if date_first is None:
            date_first = area.path.count("/") == 2  # "/SE/": every placed incident
        if sqlite and date_first and (start is not None or end is not None):
            qs = self.alias(path_unindexed=Unindexed(F("area_path"), output_field=models.CharField()))
            qs = qs.filter(subtree_q(area.path, "path_unindexed", self.db))
        else:
            qs = within_area(self, area, "area_path")
        return qs.dated(start, end, by_area=not date_first)

    def dated(self, start=None, end=None, *, by_area: bool = True):
        """From ``start`` to ``end`` inclusive (either may be None), for counts read by area
        (``by_area``: on SQLite the date terms then serve no index, see :meth:`within`) or for the
        whole country."""
        return dated_by_area(self, "date", start, end, sqlite=by_area)

    def latest_date(self):
        """The latest ``date`` of these incidents (None when there are none), read from the rows the
        other filters select: never from the date index walked backwards (see :class:`Unindexed`)."""
        return self.aggregate(d=models.Max(Unindexed(F("date"), output_field=models.DateField())))["d"]

    def within_q(self, area) -> models.Q:
        """The area condition of :meth:`within`, for filtered aggregates over several areas at once."""
        return subtree_q(area.path, "area_path", self.db)


# What the import history calls each ImportRun.source (imports and the scheduled jobs that log there).
IMPORT_SOURCE_LABELS = {
    "police": _("Police events"), "est": _("EST reports"), "bra": _("Reported crimes (Brå)"),
    "survey": _("Safety survey"), "population": _("Population"), "areas": _("Areas"),
    "backup": _("Backup"), "retention": _("Data retention"),
}


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user, capability=None):
        """The runs ``user`` may see in the import history: those of the municipalities where they
        hold ``capability`` (default IMPORT_DATA) and the national ones (no municipality: the
        police feed, Brå's national figures, backups); superusers see every run."""
        from trygg.accounts.municipalities import codes_of
        from trygg.accounts.permissions import Capability

        codes = codes_of(user, capability or Capability.IMPORT_DATA)
        if codes is None:
            return self
        return self.filter(models.Q(municipality__isnull=True) | models.Q(municipality__code__in=codes))


class ImportRun(models.Model):
    """One import or scheduled job. ``municipality``: the one municipality a run's rows all lie in
    (an EST or survey file of one municipality's areas), None for a national run (the police feed,
    Brå, backups, data retention); the import history shows each municipality its own and the
    national runs."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    source = models.CharField(_("source"), max_length=40)  # police, est, bra, population, survey …
    file_name = models.CharField(_("file"), max_length=500, blank=True)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True, db_index=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    new = models.PositiveIntegerField(_("new"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    redacted = models.PositiveIntegerField(_("redacted for personal data"), default=0)
    placed_in_district = models.PositiveIntegerField(_("placed in a district"), default=0)
    message = models.TextField(_("message"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    municipality = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     limit_choices_to={"level": "municipality"}, verbose_name=_("municipality"),
                                     help_text=_("Empty: a national run, shown to every municipality."))

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self):
        return f"{self.source_label} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def source_label(self) -> str:
        """The source's name ("Police events"); an unknown code as it is."""
        return str(IMPORT_SOURCE_LABELS.get(self.source, self.source))


# placed in another municipality than the one the source filed it under (or in none)
MOVED_OUT = Q(reported_municipality__isnull=False) & ~Q(municipality=F("reported_municipality"))


class Incident(models.Model):
    """One event or observation. Places and situations only, never identifiable people."""

    # no single-column index on the source nor the theme: the (source, date, …) index and the
    # (source, source_id) constraint serve the source by their prefix, and a one-value-for-most-rows
    # index only lured PostgreSQL into BitmapAnds with the area/date index (migration 0012)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_id = models.CharField(_("source id"), max_length=100)
    occurred_at = models.DateTimeField(_("time"))
    # local (Europe/Stockholm) date of occurred_at; indexed first in (date, area_path, …) below
    date = models.DateField(_("date"))
    event_type = models.CharField(_("event type"), max_length=120, blank=True)  # raw type of the source
    # slugs of the Category and Theme tables (plain text: the tables are edited in the admin, and a
    # category's theme is copied here when it changes, Category.save)
    category = models.CharField(_("category"), max_length=40)
    theme = models.CharField(_("theme"), max_length=40)
    municipality = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("municipality"))
    area = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="incidents", verbose_name=_("area"))
    # no index of its own: the (area_path, date, …) index below serves every area filter by its prefix
    area_path = models.CharField(max_length=400, default="", editable=False)
    placement = models.CharField(_("placed by"), max_length=20, choices=Placement.choices)
    place_text = models.CharField(_("place"), max_length=200, blank=True)  # matched name / address
    # For placement "text": the level of the area the names placed it at (Level value), and the
    # municipality the source filed it under when the text moved it to another one.
    place_level = models.CharField(_("placed at level"), max_length=20, blank=True, default="")
    reported_municipality = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="+", verbose_name=_("municipality in the source"))
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                     verbose_name=_("reporter's organisation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="incident_unique_source_id")]
        indexes = [
            # the area-and-period counts (trygg.numbers.queries) read only these columns: the index
            # covers them (an index-only scan on both databases, no row lookups in a table stored in
            # arrival order); the id last for PostgreSQL's COUNT("id")
            models.Index(fields=["area_path", "date", "source", "category", "theme", "synthetic", "id"],
                         name="incident_area_date_counts"),
            # the same columns date first: the whole country's (or a big area's) short period from the
            # index alone. Both count indexes cover every column a count reads, so whichever the
            # planner takes for an area and a period it reads no row, only the smaller slice
            # (PostgreSQL); SQLite is told which (``IncidentQuerySet.within``). It also serves the
            # coverage rules' daily counts per source (migration 0014: the (source, date, …) index it
            # replaces lured SQLite into skip-scans of the two sources for the country's periods)
            models.Index(fields=["date", "area_path", "source", "category", "theme", "synthetic", "id"],
                         name="incident_date_area_counts"),
            # the events whose text placed them in another municipality than the source's: few, and
            # what a municipality's placement note counts as moved out (``MOVED_OUT``; a query must
            # name this very condition for the planner to take the index)
            models.Index(fields=["reported_municipality", "date"], condition=MOVED_OUT, name="incident_moved_out"),
            # the incidents with a point (the maps, hotspots, the Knox test: EST reports, mostly),
            # with their coordinates: read from the index alone, not row by row from the table
            models.Index(fields=["area_path", "date", "source", "category", "theme", "synthetic", "lon", "lat", "id"],
                         condition=Q(lon__isnull=False, lat__isnull=False), name="incident_points"),
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self):
        return f"{self.get_source_display()} {self.source_id} {self.date}"

    def get_category_display(self) -> str:
        return category_label(self.category)

    def get_theme_display(self) -> str:
        return theme_label(self.theme)

    def save(self, *args, **kwargs):
        self.area_path = self.area.path if self.area_id else ""
        super().save(*args, **kwargs)


class CellCount(models.Model):
    """A count of incidents per day, area path, source, category (with its theme), synthetic flag and
    placement (how the incident was placed, and at which level: the placement note's split)."""

    day = models.DateField()
    area_path = models.CharField(max_length=400)
    source = models.CharField(max_length=10)
    category = models.CharField(max_length=40)
    theme = models.CharField(max_length=40)
    synthetic = models.BooleanField()
    placement = models.CharField(max_length=20, default="")
    place_level = models.CharField(max_length=20, default="")
    n = models.PositiveIntegerField()

    class Meta:
        abstract = True


class DailyCount(CellCount):
    """Incidents per area path, source, category (with its theme), synthetic flag, placement and day: the
    incident table pre-aggregated (every category, the uncounted ones too), kept in step in the
    writer's own transaction by every import and edit (``trygg.incidents.daily``) and rebuilt by
    ``trygg rebuild-daily``. One row per cell with at least one incident; the refresh keeps the
    cells unique (no constraint: its index would be a second copy of the table)."""

    class Meta:
        indexes = [
            # an area's period, read from the index alone (as the incidents' area/date index)
            models.Index(fields=["area_path", "day", "source", "category", "theme", "synthetic", "placement",
                                 "place_level", "n"], name="daily_area_day_cells"),
            models.Index(fields=["day"], name="daily_day"),  # the refresh of a day's cells
        ]

    def __str__(self):
        return f"{self.day} {self.area_path} {self.source} {self.category}: {self.n}"


class SubtreeDailyCount(CellCount):
    """:class:`DailyCount` summed over the whole subtree of each area of the top three levels of the
    tree: the country, each municipality and each area directly below a municipality (a district,
    where a scheme's district level is the first below the municipality). ``area_path`` is that
    area's own path; every incident at or below it is counted. What the counts of those large areas read, a few rows a day instead of one per
    place and category (the country: 27 a day at 4.5 M synthetic incidents, against about 2,000
    fine cells and 4,000 incidents). Kept in step with the fine cells by ``trygg.incidents.daily``,
    in the same transaction."""

    # the depth (path segments: the country 1, a municipality 2, an area directly below it 3) down to
    # which areas are summed
    ROOT_DEPTH = 3

    @classmethod
    def is_root(cls, path: str) -> bool:
        """Whether the area with ``path`` has its subtree summed here."""
        return bool(path) and path.count("/") - 1 <= cls.ROOT_DEPTH

    @classmethod
    def roots(cls, areas):
        """The areas of the queryset ``areas`` that are roots (:meth:`is_root`), by the same count of
        the slashes in their paths, in the database (a few hundred of a country's many areas)."""
        from django.db.models.functions import Length, Replace

        slashes = Length("path") - Length(Replace("path", models.Value("/"), models.Value("")))
        return areas.exclude(path="").alias(slashes=slashes).filter(slashes__lte=cls.ROOT_DEPTH + 1)

    class Meta:
        indexes = [
            models.Index(fields=["area_path", "day", "source", "category", "theme", "synthetic", "placement",
                                 "place_level", "n"], name="subtree_area_day_cells"),
            models.Index(fields=["day"], name="subtree_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.area_path}… {self.source} {self.category}: {self.n}"


class CrimeStatistic(models.Model):
    """Brå reported crimes (anmälda brott) for an area and year."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="crime_statistics")
    year = models.PositiveIntegerField(_("year"))
    crime_type = models.CharField(_("crime type"), max_length=60)
    theme = models.CharField(_("theme"), max_length=40, blank=True)  # a Theme slug ("" = all crimes)
    count = models.PositiveIntegerField(_("reported crimes"))
    source_url = models.URLField(max_length=500, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "year", "crime_type"], name="crimestat_unique")]
        ordering = ["area", "year", "crime_type"]
        verbose_name = _("reported-crime statistic (Brå)")
        verbose_name_plural = _("reported-crime statistics (Brå)")

    def __str__(self):
        return f"{self.area} {self.year} {self.crime_type}: {self.count}"


class Named(models.Model):
    """A row with a slug, a Swedish and an English name (the label: :func:`.categories.in_language`)
    and a place in the order the pages list them."""

    name_sv = models.CharField(_("name (Swedish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "slug"]

    def __str__(self):
        return str(in_language(self.name_sv, self.name_en))


class Theme(Named):
    """A theme gathers categories across sources (e.g. "narkotika": police narcotics events, EST
    observations of drug dealing, Brå's narkotikabrott). Loaded from ``data/themes.toml``, edited
    in the admin; the slug is stored on incidents, goals and reports and never changes."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)

    class Meta(Named.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class ThemeCopied(Named):
    """A row whose theme is copied onto other rows (:meth:`theme_copies`: a category's incidents, a
    Brå crime type's statistics): saving it with another theme moves them too."""

    class Meta(Named.Meta):
        abstract = True

    def theme_copies(self) -> models.QuerySet:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        before = list(type(self).objects.filter(pk=self.pk).values_list("theme__slug", flat=True)) if self.pk else []
        super().save(*args, **kwargs)
        new = self.theme.slug if self.theme_id else ""
        if before and (before[0] or "") != new:
            from .dataversion import bump

            self.theme_copies().exclude(theme=new).update(theme=new)
            self.theme_moved(new)
            bump()

    def theme_moved(self, new: str) -> None:
        """After the copies took theme ``new``: what else holds them (the daily counts)."""


class Category(ThemeCopied):
    """A category of incidents of one or more sources, in one theme. Not counted: police records
    that summarise or update other events (kept, left out of every count). ``est_order``: the
    category's place in the EST checklist (empty: not offered there)."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="categories", verbose_name=_("theme"))
    counted = models.BooleanField(_("counted as incidents"), default=True)
    est_order = models.PositiveSmallIntegerField(_("place in the EST checklist"), null=True, blank=True)

    class Meta(Named.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def theme_copies(self):
        return Incident.objects.filter(category=self.slug)

    def theme_moved(self, new: str) -> None:
        # a cell is one category's: it takes the theme as its incidents did (trygg.incidents.daily)
        DailyCount.objects.filter(category=self.slug).exclude(theme=new).update(theme=new)
        SubtreeDailyCount.objects.filter(category=self.slug).exclude(theme=new).update(theme=new)


class PoliceEventType(models.Model):
    """The police's event type (``type`` of polisen.se's events) → the Trygg category it counts as.
    Types not in the table count as "ovrigt". Loaded from ``data/police_event_types.csv``."""

    event_type = models.CharField(_("police event type"), max_length=120, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="police_event_types",
                                 verbose_name=_("category"))

    class Meta:
        ordering = ["event_type"]
        verbose_name = _("police event type")
        verbose_name_plural = _("police event types")

    def __str__(self):
        return self.event_type

    def save(self, *args, **kwargs):
        self.event_type = self.event_type.strip()
        super().save(*args, **kwargs)


class BraCrimeType(ThemeCopied):
    """A crime type of Brå's statistics (the ``crime_type`` of ``trygg import bra``) and the theme
    it counts under (none: "alla_brott", the total of all the others). Loaded from
    ``data/themes.toml``; types not in the table keep their raw name and no theme."""

    slug = models.CharField(_("crime type"), max_length=60, unique=True)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="bra_crime_types",
                              verbose_name=_("theme"))

    class Meta(Named.Meta):
        verbose_name = _("Brå crime type")
        verbose_name_plural = _("Brå crime types")

    def theme_copies(self):
        return CrimeStatistic.objects.filter(crime_type=self.slug)


class PlaceName(models.Model):
    """One name of a municipality's gazetteer and the area it places an event at (any level of
    that municipality, or another municipality for names of places elsewhere). ``area`` empty
    means: never place by this name. Register and curated rows are reloaded from the files the
    municipality's configuration names (``[gazetteer]``, :mod:`trygg.incidents.placing`); the
    analyst's own rows are kept across reloads."""

    class Kind(models.TextChoices):
        STOP = "stop", _("public-transport stop")
        STREET = "street", _("street (stop named after it)")
        SQUARE = "square", _("square (stop named after it)")
        LOCALITY = "locality", _("locality")
        LANDMARK = "landmark", _("landmark")
        NAME = "name", _("place name")

    class Origin(models.TextChoices):
        REGISTER = "register", _("shipped register")
        CURATED = "curated", _("shipped list (curated)")
        ANALYST = "analyst", _("added by an analyst")

    municipality = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("area"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NAME)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.ANALYST)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["municipality", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="placename_unique_name")]
        verbose_name = _("place name")
        verbose_name_plural = _("place names")

    def __str__(self):
        return self.name


class DataVersion(models.Model):
    """One row: a number that goes up whenever data the figures are computed from changes (every
    import, edit of incidents, re-placement, change of areas, population or Brå statistics), so
    computed figures can be cached until then (``trygg.incidents.dataversion``)."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.number)
