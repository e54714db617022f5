"""Keeping :class:`~trygg.incidents.models.DailyCount` in step with the incident table.

A refresh recomputes whole cells from the incident rows, inside the writer's transaction: the cells
of some days (:func:`refresh_days`: imports, re-placing), of an area
subtree (:func:`refresh_paths`: an area move rewrites the paths) or of everything
(:func:`rebuild`: ``trygg rebuild-daily``, the migration that creates the table, bulk loads). It
deletes the cells and inserts ``SELECT … COUNT(*) … GROUP BY`` of the same rows, one statement
each, so it is right whatever the write did (new rows, changed areas, categories or dates,
deletions) as long as every day or path the write touched is refreshed. Who calls what:

- every import, through ``importing.write_phase``: the days of the run's incidents (new and updated);
- ``synthetic.load_synthetic`` and ``placing.replace_police_events``: the days of their rows;
- a saved or deleted incident (EST form, API, admin, cascades): signals, its old and new cell
  (:func:`refresh_cells`);
- an area move (``area_paths.follow_area_move``): the old and the new subtree.

The data retention only empties texts and coordinates, nothing a cell counts.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, transaction
from django.db.models import Count, Q

from trygg.areas.paths import prefix_q

from .models import DailyCount, Incident

FIELDS = ("day", "area_path", "source", "category", "theme", "synthetic")
DAYS_PER_STATEMENT = 200


def _fill(incidents, using: str) -> int:
    """INSERT the cells of ``incidents`` (a queryset) into the daily table; the number of cells."""
    rows = (incidents.order_by().values("date", "area_path", "source", "category", "theme", "synthetic")
            .annotate(n=Count("id")))
    sql, params = rows.query.sql_with_params()
    connection = connections[using]
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(DailyCount._meta.get_field(f).column) for f in (*FIELDS, "n"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return cursor.rowcount


def refresh_days(days: Iterable, using: str = "default") -> None:
    """Recompute every cell of ``days``."""
    days = sorted(set(days))
    with transaction.atomic(using=using):
        for i in range(0, len(days), DAYS_PER_STATEMENT):
            chunk = days[i:i + DAYS_PER_STATEMENT]
            DailyCount.objects.using(using).filter(day__in=chunk).delete()
            _fill(Incident.objects.using(using).filter(date__in=chunk), using)


def refresh_cells(cells: Iterable[tuple], using: str = "default") -> None:
    """Recompute the cells of each ``(day, area_path)`` in ``cells`` (one incident saved or deleted)."""
    with transaction.atomic(using=using):
        for day, path in sorted(set(cells)):
            DailyCount.objects.using(using).filter(day=day, area_path=path).delete()
            _fill(Incident.objects.using(using).filter(date=day, area_path=path), using)


def refresh_paths(paths: Iterable[str], using: str = "default") -> None:
    """Recompute every cell at or below any of ``paths`` (area paths ending in "/"): one DELETE and
    one INSERT whatever the number of paths."""
    paths = sorted(set(paths))
    if paths:
        with transaction.atomic(using=using, savepoint=False):
            DailyCount.objects.using(using).filter(_below(paths)).delete()
            _fill(Incident.objects.using(using).filter(_below(paths)), using)


def _below(paths) -> Q:
    cond = Q()
    for p in paths:
        cond |= prefix_q("area_path", p)
    return cond


def rebuild(using: str = "default") -> int:
    """Recompute the whole table; the number of cells."""
    with transaction.atomic(using=using):
        DailyCount.objects.using(using).all().delete()
        return _fill(Incident.objects.using(using).all(), using)


def refresh_run(run, using: str = "default") -> None:
    """The days of the incidents an import run wrote (new rows and updated ones point at it)."""
    refresh_days(Incident.objects.using(using).filter(import_run=run).order_by()
                 .values_list("date", flat=True).distinct(), using)


# -- per-row writes (signals) -------------------------------------------------------------------

def _cell(instance) -> tuple | None:
    return (instance.date, instance.area_path) if instance.date else None


def _cell_before(sender, instance, raw=False, using="default", **kwargs):
    instance._daily_before = None
    if not raw and instance.pk is not None:
        instance._daily_before = (Incident.objects.using(using).filter(pk=instance.pk)
                                  .values_list("date", "area_path").first())


def _saved(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        refresh_cells({c for c in (getattr(instance, "_daily_before", None), _cell(instance)) if c}, using)


def _deleted(sender, instance, using="default", **kwargs):
    if _cell(instance):
        refresh_cells([_cell(instance)], using)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(_cell_before, sender=Incident, dispatch_uid="trygg.daily.pre_save")
    post_save.connect(_saved, sender=Incident, dispatch_uid="trygg.daily.post_save")
    post_delete.connect(_deleted, sender=Incident, dispatch_uid="trygg.daily.post_delete")
