"""Materialised paths: the one place that moves them.

An area's ``path`` ("/SE/1234/1/12/") is the codes from the top down; other apps keep copies of it
(``Incident.area_path``) so that "everything below an area" is one indexed prefix match, for
figures and for access control alike. When an area moves (a new parent or a new code),
:func:`move_subtree` rewrites the prefix of every descendant's path in one UPDATE and sends
:data:`area_moved` so that each copy is rewritten the same way, inside the caller's transaction.
"""

from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.db.models.lookups import Exact
from django.dispatch import Signal

# Sent after an area's subtree moved from ``old_path`` to ``new_path``; receivers rewrite their
# copies (with :func:`replace_prefix`) on the connection ``using``.
area_moved = Signal()


def codes(path: str) -> list[str]:
    return [c for c in path.strip("/").split("/") if c]


def prefix_q(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, exactly: the LIKE keeps the index, the comparison of the
    leading characters keeps it case-sensitive (SQLite's LIKE is not)."""
    return Q(**{f"{field}__startswith": prefix}) & Q(Exact(Substr(F(field), 1, len(prefix)), prefix))


def with_prefix(queryset, field: str, prefix: str):
    """Rows whose ``field`` starts with ``prefix``, exactly (:func:`prefix_q`)."""
    return queryset.filter(prefix_q(field, prefix))


def replace_prefix(queryset, field: str, old: str, new: str) -> int:
    """``UPDATE … SET field = new || SUBSTR(field, len(old) + 1) WHERE field starts with old``."""
    return with_prefix(queryset, field, old).update(**{field: Concat(Value(new), Substr(F(field), len(old) + 1))})


def move_subtree(area, old_path: str, using: str) -> None:
    """Rewrite the paths below ``area`` (already saved with its new path) and every copy of them."""
    from .models import Area

    if old_path == area.path:
        return
    replace_prefix(Area.objects.using(using), "path", old_path, area.path)
    area_moved.send(sender=Area, area=area, old_path=old_path, new_path=area.path, using=using)
