"""The query plans of what a piece of code runs, on SQLite (``EXPLAIN QUERY PLAN``) and on
PostgreSQL (``EXPLAIN (FORMAT JSON)``), reduced to how each table is read: for query-plan tests."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Access:
    """One read of a table: ``kind`` "scan" (every row), "index" (through ``index``) or
    "covering" (from ``index`` alone, no row looked up); ``detail`` is the plan's own line."""

    table: str
    kind: str
    index: str | None
    detail: str


@contextmanager
def statements(table: str):
    """Collect the ``(sql, params)`` of every SELECT that names ``table`` run inside the block."""
    seen: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):
        if not many and sql.lstrip().upper().startswith("SELECT") and f'"{table}"' in sql:
            seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def explain(sql: str, params=()) -> list[Access]:
    """How each table is read by ``sql`` under the planner's own choice (no planner settings)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return [_sqlite_access(row[-1]) for row in cursor.fetchall() if row[-1].startswith(("SCAN", "SEARCH"))]
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    plan = json.loads(raw) if isinstance(raw, str) else raw
    out: list[Access] = []
    _walk(plan[0]["Plan"], out)
    return out


def _sqlite_access(detail: str) -> Access:
    words = detail.split()
    table = words[1]
    if " USING COVERING INDEX " in detail:
        return Access(table, "covering", words[words.index("COVERING") + 2], detail)
    if " USING INDEX " in detail:
        return Access(table, "index", words[words.index("INDEX") + 1], detail)
    if " USING INTEGER PRIMARY KEY" in detail:
        return Access(table, "index", "pk", detail)
    return Access(table, "scan", None, detail)


def _walk(node: dict, out: list[Access], table: str | None = None) -> None:
    kind = node["Node Type"]
    rel = node.get("Relation Name", table)
    if kind == "Seq Scan":
        out.append(Access(rel, "scan", None, kind))
    elif kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan"):
        out.append(Access(rel or "", "covering" if kind == "Index Only Scan" else "index", node["Index Name"],
                          f"{kind} using {node['Index Name']}"))
    for child in node.get("Plans", ()):
        # a Bitmap Index Scan names no relation: its Bitmap Heap Scan parent does
        _walk(child, out, rel if kind in ("Bitmap Heap Scan", "BitmapOr", "BitmapAnd") else None)
