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
  (:func:`refresh_cells`); a deletion of many at once (``IncidentQuerySet.delete``: the admin's
  action, a script) the days of all of them, once;
- an area move (``area_paths.follow_area_move``): the old and the new subtree;
- the data retention, for the EST reports it places by area: the days of each batch.

The data retention empties texts and coordinates; an EST report it empties is placed by its area
from then on, so it recomputes the cells of the days it changed (``trygg.ops.retention``).

Each refresh also recomputes the sums over the subtrees of the country, of each municipality and of
each area directly below one (:class:`~trygg.incidents.models.SubtreeDailyCount`) from the fine cells it wrote: the days'
(:func:`refresh_days`, :func:`refresh_cells`), or all days of the subtrees an area move touched
(:func:`refresh_paths`). A root's fine cells are named by their exact paths (``area_path IN …``,
found among the distinct paths), never by a range or LIKE, so no collation can move a cell in or out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import Count, Q

from trygg.areas.paths import prefix_q

from .models import DailyCount, Incident, SubtreeDailyCount

FIELDS = ("day", "area_path", "source", "category", "theme", "synthetic", "placement", "place_level")
KEY = ("source", "category", "theme", "synthetic", "placement", "place_level")  # a cell's key besides day and place
DAYS_PER_STATEMENT = 200
DAY_GAP = 7  # the subtree sums of runs of days this close together ...
DENSE_RUN = 28  # ... and at least this long are recomputed as one range (``day_groups``)
PATHS_PER_STATEMENT = 5000  # a root with more fine paths is summed in parts (its cells then in several rows)


def _fill(incidents, using: str) -> int:
    """INSERT the cells of ``incidents`` (a queryset) into the daily table; the number of cells."""
    rows = (incidents.order_by().values("date", "area_path", "source", "category", "theme", "synthetic", "placement",
                                        "place_level").annotate(n=Count("id")))
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
        _refresh_subtrees(using, days=days)


def refresh_cells(cells: Iterable[tuple], using: str = "default") -> None:
    """Recompute the cells of each ``(day, area_path)`` in ``cells`` (one incident saved or deleted)."""
    with transaction.atomic(using=using):
        cells = sorted(set(cells))
        for day, path in cells:
            DailyCount.objects.using(using).filter(day=day, area_path=path).delete()
            _fill(Incident.objects.using(using).filter(date=day, area_path=path), using)
        roots = _roots(using)
        for day in sorted({day for day, _path in cells}):
            touched = {r for d, path in cells if d == day for r in _roots_above(path, roots)}
            if touched:
                _refresh_subtrees(using, days=[day], roots=touched, all_roots=roots)


def refresh_paths(paths: Iterable[str], using: str = "default") -> None:
    """Recompute every cell at or below any of ``paths`` (area paths ending in "/"): one DELETE and
    one INSERT whatever the number of paths."""
    paths = sorted(set(paths))
    if paths:
        with transaction.atomic(using=using, savepoint=False):
            DailyCount.objects.using(using).filter(_below(paths)).delete()
            _fill(Incident.objects.using(using).filter(_below(paths)), using)
            # the sums of every root above a moved subtree, and of the roots in it (their paths moved)
            SubtreeDailyCount.objects.using(using).filter(_below(paths)).delete()
            roots = _roots(using)
            touched = ({r for p in paths for r in _roots_above(p, roots)}
                       | {r for r in roots if any(r.startswith(p) for p in paths)})
            if touched:
                _refresh_subtrees(using, roots=touched, all_roots=roots)


def _below(paths) -> Q:
    cond = Q()
    for p in paths:
        cond |= prefix_q("area_path", p)
    return cond


def rebuild(using: str = "default") -> int:
    """Recompute the whole table and the subtree sums; the number of (fine) cells."""
    with transaction.atomic(using=using):
        DailyCount.objects.using(using).all().delete()
        cells = _fill(Incident.objects.using(using).all(), using)
        SubtreeDailyCount.objects.using(using).all().delete()
        _refresh_subtrees(using)
        return cells


# -- the subtree sums ---------------------------------------------------------------------------

def _roots(using: str) -> set[str]:
    """The paths of the areas whose subtrees are summed (the country, the municipalities, the areas
    directly below them: ``SubtreeDailyCount.is_root``)."""
    from trygg.areas.models import Area

    return set(SubtreeDailyCount.roots(Area.objects.using(using)).values_list("path", flat=True))


def _roots_above(path: str, roots: set[str]) -> list[str]:
    """The roots at or above ``path`` ("/SE/1234/5/" → "/SE/", "/SE/1234/")."""
    return [path[:i + 1] for i, ch in enumerate(path) if ch == "/" and path[:i + 1] in roots]


def day_groups(days: Iterable, gap: int = DAY_GAP, run: int = DENSE_RUN) -> list[tuple]:
    """``days`` for the subtree sums: ``("range", first, last)`` for each run of at least ``run``
    days without a gap of more than ``gap`` days, then ``("days", [...])`` for the rest, at most
    ``DAYS_PER_STATEMENT`` a group."""
    runs: list[list] = []
    for d in sorted(set(days)):
        if runs and (d - runs[-1][-1]).days <= gap + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    groups = [("range", r[0], r[-1]) for r in runs if len(r) >= run]
    rest = [d for r in runs if len(r) < run for d in r]
    groups += [("days", rest[i:i + DAYS_PER_STATEMENT]) for i in range(0, len(rest), DAYS_PER_STATEMENT)]
    return groups


def _refresh_subtrees(using: str, days=None, roots=None, all_roots: set[str] | None = None) -> None:
    """Recompute the subtree sums of ``days`` (None: every day) for ``roots`` (None: every root of
    ``all_roots``, default :func:`_roots`) from the fine cells: delete them, then one INSERT …
    SELECT SUM(n) per root, over the root's fine paths by name.

    Runs of many days close together go as one range, ``first ≤ day ≤ last`` (:func:`day_groups`):
    the area-first index then reads a root's cells of the range in one pass per path, where a list
    of days costs one lookup per path and day (a national import: 290 municipalities × 1,400 days).
    The days a range bridges (gaps of up to ``DAY_GAP`` days) are summed again too; their fine
    cells did not change, so their sums come out the same. Scattered days go as lists."""
    all_roots = _roots(using) if all_roots is None else all_roots
    roots = all_roots if roots is None else set(roots) & all_roots
    for group in ([None] if days is None else day_groups(days)):
        _refresh_subtree_days(using, group, roots, all_roots)


def _refresh_subtree_days(using: str, group, roots: set[str], all_roots: set[str]) -> None:
    if group is None:
        dated, day_params = Q(), []
    elif group[0] == "range":
        dated, day_params = Q(day__gte=group[1], day__lte=group[2]), [group[1], group[2]]
    else:
        dated, day_params = Q(day__in=group[1]), list(group[1])
    old = SubtreeDailyCount.objects.using(using).filter(dated)
    (old if roots is all_roots else old.filter(area_path__in=sorted(roots))).delete()
    below: dict[str, list[str]] = {}
    for path in DailyCount.objects.using(using).filter(dated).order_by().values_list("area_path", flat=True).distinct():
        for root in _roots_above(path, roots):
            below.setdefault(root, []).append(path)
    connection = connections[using]
    qn = connection.ops.quote_name

    def cols(model, names):
        return ", ".join(qn(model._meta.get_field(f).column) for f in names)

    # one statement per root, written here once: with the ORM each of a national import's ~2,000
    # statements prepared its day values again (most of the refresh's time)
    day = cols(DailyCount, ["day"])
    day_params = [connection.ops.adapt_datefield_value(d) for d in day_params]
    if group is None:
        where_day = ""
    elif group[0] == "range":
        where_day = f"{day} >= %s AND {day} <= %s AND "
    else:
        where_day = f"{day} IN ({', '.join(['%s'] * len(day_params))}) AND "
    select = (f"INSERT INTO {qn(SubtreeDailyCount._meta.db_table)} ({cols(SubtreeDailyCount, ['day', *KEY, 'n', 'area_path'])}) "
              f"SELECT {day}, {cols(DailyCount, KEY)}, SUM({cols(DailyCount, ['n'])}), %s "
              f"FROM {qn(DailyCount._meta.db_table)} WHERE {where_day}{cols(DailyCount, ['area_path'])} IN ({{paths}}) "
              f"GROUP BY {day}, {cols(DailyCount, KEY)}")
    with connection.cursor() as cursor:
        for root in sorted(below):
            paths = sorted(below[root])
            for i in range(0, len(paths), PATHS_PER_STATEMENT):
                part = paths[i:i + PATHS_PER_STATEMENT]
                cursor.execute(select.format(paths=", ".join(["%s"] * len(part))), [root, *day_params, *part])


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


_bulk = threading.local()


@contextmanager
def one_refresh():
    """Within it, deleted incidents leave their cells alone: the bulk deletion that opened it
    (``IncidentQuerySet.delete``) recomputes the cells of all their days once afterwards."""
    depth = getattr(_bulk, "depth", 0)
    _bulk.depth = depth + 1
    try:
        yield
    finally:
        _bulk.depth = depth


def _deleted(sender, instance, using="default", **kwargs):
    if _cell(instance) and not getattr(_bulk, "depth", 0):
        refresh_cells([_cell(instance)], using)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(_cell_before, sender=Incident, dispatch_uid="trygg.daily.pre_save")
    post_save.connect(_saved, sender=Incident, dispatch_uid="trygg.daily.post_save")
    post_delete.connect(_deleted, sender=Incident, dispatch_uid="trygg.daily.post_delete")
