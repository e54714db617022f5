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
from datetime import date, datetime

from django.db import connections
from django.utils import timezone

# field types whose Python values the database drivers take as they are
PLAIN = {"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "EmailField", "FloatField",
         "ForeignKey", "IntegerField", "OneToOneField", "PositiveBigIntegerField", "PositiveIntegerField",
         "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField", "URLField"}


def _adapter(field, connection):
    """``field.get_db_prep_save(value, connection)``, with a shortcut for the values imports write:
    an aware ``datetime`` or a ``date`` goes straight to the backend's adapter (what the field API
    ends in for them after checks that cannot change them), on SQLite the adapter's own steps for
    an aware time (``make_naive`` in the connection's zone, then ``str``); anything else takes the
    field API. ``incidents/tests/test_loader.py`` checks that both give the same values."""
    kind = field.get_internal_type()
    if kind == "DateTimeField" and connection.vendor == "sqlite" and connection.timezone is not None:
        zone = connection.timezone  # SQLite stores the time as text in this zone (Django's adapter)

        def convert(value):
            if type(value) is datetime and value.tzinfo is not None:
                return str(value.astimezone(zone).replace(tzinfo=None))
            return field.get_db_prep_save(value, connection)
        return convert
    if kind == "DateTimeField":
        adapt = connection.ops.adapt_datetimefield_value

        def convert(value):
            if type(value) is datetime and value.tzinfo is not None:
                return adapt(value)
            return field.get_db_prep_save(value, connection)
        return convert
    if kind == "DateField":
        adapt = connection.ops.adapt_datefield_value

        def convert(value):
            return adapt(value) if type(value) is date else field.get_db_prep_save(value, connection)
        return convert
    return lambda value: field.get_db_prep_save(value, connection)


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
    convert = [(i, f.attname, _adapter(f, connection)) for i, f in enumerate(fields) if f.get_internal_type() not in PLAIN]
    # a default (e.g. the time of the call for every row's ``imported_at``) is converted once
    converted_default = {i: fields[i].get_db_prep_save(defaults[name], connection) for i, name, _a in convert}
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    names = [f.attname for f in fields]
    default_values = [defaults[n] for n in names]
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
        values = list(map(row.get, names, default_values))
        for i, name, adapt in convert:
            values[i] = adapt(values[i]) if name in row else converted_default[i]
        batch.append(values)
        if len(batch) >= batch_size:
            flush()
            done += len(batch)
            batch = []
    if batch:
        flush()
        done += len(batch)
    return done
