"""Themes and categories shared by every source (police events, EST reports, Brå statistics).

A theme gathers categories across sources, e.g. "narkotika" holds police narcotics events, EST
observations of drug dealing and syringes, and Brå's narkotikabrott. They live in the tables
Theme, Category, PoliceEventType and BraCrimeType (edited in the admin; defaults in ``data/themes.toml`` and
``data/police_event_types.csv``, loaded by a migration and ``trygg setup municipality``:
:mod:`.taxonomy`).

Pages read them through one snapshot per process (four queries when it is built, none per row).
A save or delete in any of the tables drops the snapshot of this process at once and, after the
commit, tells the other processes through a token in the shared ("figures") cache, which each
process looks at every few seconds. ``THEMES``, ``CATEGORIES``, ``NOT_COUNTED`` and
``EST_CATEGORIES`` read the current snapshot whenever they are used; labels follow the language
of the request (Swedish, or English where the English name is filled in and English is chosen).
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils.functional import lazy
from django.utils.translation import get_language

RECHECK_S = 5.0  # how often a process looks for other processes' changes
TOKEN_KEY = "trygg:taxonomy-token"


def _in_language(sv: str, en: str) -> str:
    return en if en and (get_language() or "sv").startswith("en") else sv


in_language = lazy(_in_language, str)  # the label in the language of the moment it is shown


@dataclass(frozen=True)
class Taxonomy:
    themes: dict  # slug → label, in order
    categories: dict  # slug → (label, theme slug), in order
    not_counted: frozenset
    est: tuple  # the EST checklist, in its order
    police_types: dict  # police event type → category slug
    crime_types: dict  # Brå crime type → (label, theme slug or "")
    token: str | None = None


def _build(themes, categories, police_types, crime_types, token=None) -> Taxonomy:
    """themes: (slug, sv, en); categories: (slug, sv, en, theme, counted, est_order); crime types:
    (slug, sv, en, theme or None), each in order."""
    return Taxonomy(
        {slug: in_language(sv, en) for slug, sv, en in themes},
        {slug: (in_language(sv, en), theme) for slug, sv, en, theme, _c, _e in categories},
        frozenset(slug for slug, _sv, _en, _t, counted, _e in categories if not counted),
        tuple(c[0] for c in sorted((c for c in categories if c[5] is not None), key=lambda c: (c[5], c[0]))),
        dict(police_types), {slug: (in_language(sv, en), theme or "") for slug, sv, en, theme in crime_types}, token)


def _from_defaults() -> Taxonomy:
    from .taxonomy import defaults

    spec = defaults()
    return _build([(s, t["name_sv"], t["name_en"]) for s, t in spec.themes.items()],
                  [(s, c["name_sv"], c["name_en"], c["theme"], c["counted"], c["est_order"])
                   for s, c in spec.categories.items()], spec.event_types,
                  [(s, c["name_sv"], c["name_en"], c["theme"]) for s, c in spec.crime_types.items()])


def _from_tables(token) -> Taxonomy | None:
    from .models import BraCrimeType, Category, PoliceEventType, Theme

    themes = list(Theme.objects.values_list("slug", "name_sv", "name_en"))
    if not themes:
        return None
    categories = list(Category.objects.values_list("slug", "name_sv", "name_en", "theme__slug", "counted", "est_order"))
    types = PoliceEventType.objects.values_list("event_type", "category__slug")
    crime_types = BraCrimeType.objects.values_list("slug", "name_sv", "name_en", "theme__slug")
    return _build(themes, categories, types, crime_types, token)


_state = {"snapshot": None, "checked": 0.0, "generation": 0}


def _token():
    from django.core.cache import caches

    try:
        return caches["figures"].get(TOKEN_KEY)
    except Exception:  # noqa: BLE001 – an unreachable shared cache must not break pages
        return None


def current() -> Taxonomy:
    """The snapshot of the tables (built on first use; the shipped defaults while the tables are
    empty or cannot be read, e.g. before the first migration)."""
    snap, now = _state["snapshot"], time.monotonic()
    if snap is not None and now - _state["checked"] < RECHECK_S:
        return snap
    token = _token()
    if snap is not None and snap.token == token:
        _state["checked"] = now
        return snap
    try:
        snap = _from_tables(token)
    except (DatabaseError, RuntimeError):  # no tables yet, or no database access (tests without one)
        return _from_defaults()
    if snap is None:
        snap = _from_defaults()
        snap = dataclasses.replace(snap, token=token)
    _state.update(snapshot=snap, checked=now)
    return snap


def forget(**_kwargs) -> None:
    """Drop this process's snapshot now, and the other processes' after the commit."""
    _state["snapshot"] = None
    _state["generation"] += 1

    def tell_others():
        from django.core.cache import caches

        _state["snapshot"] = None
        try:
            caches["figures"].set(TOKEN_KEY, uuid.uuid4().hex, None)
        except Exception:  # noqa: BLE001 – they see the change when their cache works again
            pass

    transaction.on_commit(tell_others)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import BraCrimeType, Category, PoliceEventType, Theme

    for model in (Theme, Category, PoliceEventType, BraCrimeType):
        post_save.connect(forget, sender=model, dispatch_uid=f"trygg.categories.save.{model.__name__}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"trygg.categories.delete.{model.__name__}")


class _LiveMapping(Mapping):
    def __init__(self, part):
        self._part = part

    def __getitem__(self, key):
        return getattr(current(), self._part)[key]

    def __iter__(self):
        return iter(getattr(current(), self._part))

    def __len__(self):
        return len(getattr(current(), self._part))

    def __contains__(self, key):
        return key in getattr(current(), self._part)

    def __repr__(self):
        return repr(getattr(current(), self._part))


class _LiveSet(Set):
    def __contains__(self, value):
        return value in current().not_counted

    def __iter__(self):
        return iter(current().not_counted)

    def __len__(self):
        return len(current().not_counted)

    @classmethod
    def _from_iterable(cls, it):
        return frozenset(it)


class _LiveSequence(Sequence):
    def __getitem__(self, index):
        return current().est[index]

    def __len__(self):
        return len(current().est)


# slug → label, in order
THEMES = _LiveMapping("themes")
# category slug → (label, theme)
CATEGORIES = _LiveMapping("categories")
# Police records that summarise or update other events: not counted as incidents
# (``Incident.objects.counted()`` leaves them out).
NOT_COUNTED = _LiveSet()
# The EST checklist, in the order the form shows it.
EST_CATEGORIES = _LiveSequence()
# Brå crime type → (label, theme or "")
CRIME_TYPES = _LiveMapping("crime_types")


def theme_of(category: str) -> str:
    return current().categories.get(category, (None, "ovrigt"))[1]


def categories_of(theme: str) -> list[str]:
    """The categories a theme gathers (summaries and updates are not incidents: never listed)."""
    snap = current()
    return [slug for slug, (_label, t) in snap.categories.items() if t == theme and slug not in snap.not_counted]


def category_label(category: str) -> str:
    return str(current().categories.get(category, (category, ""))[0])


def theme_label(theme: str) -> str:
    return str(current().themes.get(theme, theme))


def theme_choices() -> list[tuple[str, str]]:
    """(slug, label) of every theme, in order: the choices of a form's theme field."""
    return [(slug, str(label)) for slug, label in current().themes.items()]


def category_of_police_type(event_type: str) -> str:
    """The category of a police event type; types not in the table are "ovrigt"."""
    return current().police_types.get((event_type or "").strip(), "ovrigt")


def crime_type_label(crime_type: str) -> str:
    """Readable name of a Brå crime type (the raw type when it is not known)."""
    known = current().crime_types.get(crime_type)
    return str(known[0]) if known else crime_type.replace("_", " ")


def crime_type_theme(crime_type: str) -> str:
    """The theme a Brå crime type counts under ("" for none, and for types not in the table)."""
    return current().crime_types.get(crime_type, (None, ""))[1]
