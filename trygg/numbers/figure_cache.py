"""Computed figures kept until the data they come from change.

A figure is stored in Django's ``figures`` cache (``settings.CACHES``; local memory by default, a
file, database or Redis cache via ``TRYGG_FIGURE_CACHE``) under a key made of everything its output
depends on: what it is (``kind``), its arguments (area, period, comparison, theme …), the data
version (``trygg.incidents.dataversion``, raised by every import and edit), the language (labels
are translated when computed), today's date (currency and default periods move with the day) and
Trygg's version. Only figures that every viewer of the page may see are cached: nothing that
depends on who is signed in (incident lists, text, permissions) may be passed through here.

The data version only counts up within one database: a new or restored database starts again at
a lower number, so the cache (files under ``var/`` by default, which outlive the process) is
emptied after every ``migrate`` (which a new database, ``trygg demo`` and a restore all go
through) and by ``trygg restore`` itself (:func:`forget_all`).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

import trygg
from trygg.incidents import dataversion

CACHE = "figures"
_MISSING = object()


def key(kind: str, *parts, per_language: bool = True) -> str:
    """The cache key of figure ``kind`` with arguments ``parts`` (reprs of plain values). The
    database's identity is part of it: two databases (e.g. SQLite and PostgreSQL sharing one
    ``var/``) count their data versions separately, so their figures must never meet.
    ``per_language=False`` for what holds no text (counts and dates): one entry for every language."""
    db = connection.settings_dict
    raw = repr((trygg.__version__, connection.vendor, str(db.get("NAME")), db.get("HOST"), db.get("PORT"),
                dataversion.current(), get_language() if per_language else "", dt.date.today().isoformat(),
                timezone.localdate().isoformat(), kind, parts))
    return f"trygg:figures:{kind}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached(kind: str, compute, *parts, per_language: bool = True):
    """``compute()`` – or what it returned before for the same ``kind``, ``parts`` and data version
    (and language, unless ``per_language=False``)."""
    store = caches[CACHE]
    k = key(kind, *parts, per_language=per_language)
    value = store.get(k, _MISSING)
    if value is _MISSING:
        value = compute()
        store.set(k, value)
    return value


def area_part(area) -> tuple:
    """An area as a key part (its id and path: a moved area is another key)."""
    return area.pk, area.path


def forget_all(**_signal_kwargs) -> None:
    """Empty the figure cache (a new or restored database: its data versions mean other data)."""
    caches[CACHE].clear()
