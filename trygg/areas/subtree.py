"""Filtering rows to an area's subtree by its materialised path, written so the database can use an
index on the path column on SQLite and on PostgreSQL.

``LIKE '/SE/1234/1/%'`` cannot use a B-tree index on SQLite (case-insensitive LIKE) nor on
PostgreSQL under a non-"C" default collation such as C.UTF-8 (only ``text_pattern_ops`` indexes
serve LIKE there, and the (area_path, date) index is not one). The same set is the range
``path >= '/SE/1234/1/' AND path < '/SE/1234/10'`` wherever strings compare by code point ('/' is
followed directly by '0', so every path below the area sorts inside it and no other path does):
SQLite's binary collation, and PostgreSQL databases whose collation is C, POSIX or C.UTF-8. On a
database with a linguistic collation the prefix match is kept (correct, if slower).
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Q

BYTE_ORDER_COLLATIONS = ("C", "POSIX", "C.UTF-8", "C.utf8")
# PostgreSQL: whether the current database orders strings by code point (checked once per database;
# ICU default collations report a libc datcollate too, hence the ordering probe).
_PG_PROBE = ("SELECT datcollate = ANY(%s) AND 'B/' < 'a' AND '/1/9' < '/10' "
             "FROM pg_database WHERE datname = current_database()")
_byte_order: dict[tuple[str, str], bool] = {}


def _key(connection) -> tuple[str, str]:
    return connection.alias, str(connection.settings_dict.get("NAME"))


def _probe(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_PG_PROBE, [list(BYTE_ORDER_COLLATIONS)])
        row = cursor.fetchone()
    return bool(row and row[0])


def _on_connect(sender, connection, **kwargs):
    """Learn the collation when the first connection to a PostgreSQL database opens (so the check
    never runs inside a request's own queries)."""
    if connection.vendor == "postgresql" and _key(connection) not in _byte_order:
        _byte_order[_key(connection)] = _probe(connection)


connection_created.connect(_on_connect, dispatch_uid="trygg.areas.subtree")


def ranges_work(using: str = "default") -> bool:
    """Whether a path prefix may be written as a range on database ``using``."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        return True
    if connection.vendor != "postgresql":
        return False
    key = _key(connection)
    if key not in _byte_order:
        connection.ensure_connection()  # fires _on_connect on a fresh connection
        if key not in _byte_order:
            _byte_order[key] = _probe(connection)
    return _byte_order[key]


def prefix_upper(path: str) -> str:
    """The smallest string above every path that starts with ``path`` (which ends with "/")."""
    return path[:-1] + chr(ord("/") + 1)


def subtree_q(path: str, field: str = "path", using: str = "default") -> Q:
    """``Q`` for rows whose ``field`` (a materialised area path, or a lookup ending in one such as
    ``area__path``) lies at or below ``path``: the index-friendly range where the database orders by
    code point, else the prefix match."""
    if path.endswith("/") and ranges_work(using):
        return Q(**{f"{field}__gte": path, f"{field}__lt": prefix_upper(path)})
    return Q(**{f"{field}__startswith": path})


def within_area(qs, area, field: str = "path"):
    """``qs`` restricted to ``area`` and everything below it (``field`` as in :func:`subtree_q`)."""
    return qs.filter(subtree_q(area.path, field, qs.db))
