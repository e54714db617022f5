"""Inserting many rows of one model with a single prepared statement (``executemany``), without
building a model instance per row: what imports use for their new incidents.

Django's ``bulk_create`` compiles one multi-row INSERT per ~43 rows on SQLite (its bound-parameter
limit) and prepares every value through the field API, which made it most of an import's time. Here
each row is a dict of field attnames (``area_id``, not ``area``) to Python values; a field that is not
given gets its default (``auto_now``/``auto_now_add``: the time of the call). Only the values that
need it are converted for the database (dates and times, JSON, decimals, UUIDs, via the field's
``get_db_prep_save``). Like ``bulk_create``, this sends no signals: callers raise the data version.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections
from django.utils import timezone

# field types whose Python values the database drivers take as they are
PLAIN = {"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "EmailField", "FloatField",
         "ForeignKey", "IntegerField", "OneToOneField", "PositiveBigIntegerField", "PositiveIntegerField",
         "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField", "URLField"}


def insert_rows(model, rows: Iterable[dict], using: str = "default", batch_size: int = 2000) -> int:
    """INSERT ``rows`` into ``model``'s table; returns how many. Primary keys come from the database."""
    connection = connections[using]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_default()  # "" or None where the field has none
    convert = [(i, f) for i, f in enumerate(fields) if f.get_internal_type() not in PLAIN]
    # a default (e.g. the time of the call for every row's ``imported_at``) is converted once
    converted_default = {i: f.get_db_prep_save(defaults[f.attname], connection) for i, f in convert}
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    names = [f.attname for f in fields]
    unknown = None
    done = 0
    batch: list[list] = []

    def flush():
        with connection.cursor() as cursor:
            cursor.executemany(sql, batch)

    for row in rows:
        if unknown is None:
            unknown = set(row) - set(names)
            if unknown:
                raise ValueError(f"{model.__name__} has no field(s) {', '.join(sorted(unknown))}")
        values = [row.get(n, defaults[n]) for n in names]
        for i, f in convert:
            values[i] = converted_default[i] if names[i] not in row else f.get_db_prep_save(values[i], connection)
        batch.append(values)
        if len(batch) >= batch_size:
            flush()
            done += len(batch)
            batch = []
    if batch:
        flush()
        done += len(batch)
    return done
