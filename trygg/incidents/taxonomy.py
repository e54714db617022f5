"""The themes, categories, police event types and Brå crime types as files: the installation-wide
defaults (``data/themes.toml``, ``data/police_event_types.csv``) and a municipality's own additions
and renamings (``[[themes]]``, ``[[categories]]``, ``[[bra_crime_types]]`` and
``[police_event_types]`` in its ``municipality.toml``), checked, and loaded into the tables that
the admin edits.

Loading is idempotent: a default creates a row only where none is (an edit in the admin wins); an
entry in the municipality's file creates or updates its row; a second run changes nothing.
The data migration and ``trygg setup municipality`` load with :func:`load`.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
DEFAULTS = DATA / "themes.toml"
EVENT_TYPES = DATA / "police_event_types.csv"
THEME_FIELDS = {"slug", "sv", "en", "order"}
CATEGORY_FIELDS = {"slug", "sv", "en", "theme", "counted", "est_order", "order"}
CRIME_TYPE_FIELDS = {"slug", "sv", "en", "theme", "order"}


class TaxonomyError(ValueError):
    """A themes or categories file that cannot be used; the message names the file and entry."""


@dataclass
class Spec:
    """slug → the row's fields (as the tables name them; a category's theme as its slug)."""

    themes: dict[str, dict] = field(default_factory=dict)
    categories: dict[str, dict] = field(default_factory=dict)
    event_types: dict[str, str] = field(default_factory=dict)  # police event type → category slug
    crime_types: dict[str, dict] = field(default_factory=dict)  # Brå crime type → fields (theme "" = none)


def _entries(rows, table: str, allowed: set, where: str, base: dict, required: tuple) -> dict[str, dict]:
    """``[[table]]`` entries → slug → fields; an entry whose slug is in ``base`` changes only
    the fields it names (a renaming), a new one needs ``required``."""
    if rows is None:
        return {}
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise TaxonomyError(f"{where}: {table}: a list of tables ([[{table}]])")
    out = {}
    for i, raw in enumerate(rows):
        here = f"{where}: {table}[{i}]"
        unknown = set(raw) - allowed
        if unknown:
            raise TaxonomyError(f"{here}.{sorted(unknown)[0]}: unknown field")
        slug = raw.get("slug")
        if not isinstance(slug, str) or not slug.strip():
            raise TaxonomyError(f"{here}.slug: missing")
        for name in required if slug not in base else ():
            if raw.get(name) in (None, ""):
                raise TaxonomyError(f"{here}.{name}: missing")
        for name in ("sv", "en", "theme"):
            if name in raw and not isinstance(raw[name], str):
                raise TaxonomyError(f"{here}.{name}: text")
        for name in ("order", "est_order"):
            if name in raw and (not isinstance(raw[name], int) or isinstance(raw[name], bool) or raw[name] < 0):
                raise TaxonomyError(f"{here}.{name}: a whole number, 0 or more")
        if "counted" in raw and not isinstance(raw["counted"], bool):
            raise TaxonomyError(f"{here}.counted: true or false")
        fields = {{"sv": "name_sv", "en": "name_en"}.get(k, k): v for k, v in raw.items() if k != "slug"}
        out[slug.strip()] = {**base.get(slug.strip(), {}), **fields}
    return out


def spec_from_config(config: dict, where: str, base: Spec | None = None) -> Spec:
    """The tables ``[[themes]]``, ``[[categories]]`` and ``[police_event_types]`` (type = category) of
    a configuration file, over ``base`` (the defaults): what it adds or renames, checked against the
    whole (every category's theme, every event type's category known)."""
    base = base or Spec()
    themes = _entries(config.get("themes"), "themes", THEME_FIELDS, where, base.themes, ("sv",))
    start = max([t.get("order", 0) for t in base.themes.values()], default=0)
    for n, t in enumerate(themes.values(), 1):
        t.setdefault("order", start + 10 * n)
        t.setdefault("name_en", "")
    categories = _entries(config.get("categories"), "categories", CATEGORY_FIELDS, where, base.categories,
                          ("sv", "theme"))
    start = max([c.get("order", 0) for c in base.categories.values()], default=0)
    for n, c in enumerate(categories.values(), 1):
        c.setdefault("order", start + 10 * n)
        c.setdefault("name_en", "")
        c.setdefault("counted", True)
        c.setdefault("est_order", None)
    crime_types = _entries(config.get("bra_crime_types"), "bra_crime_types", CRIME_TYPE_FIELDS, where,
                           base.crime_types, ("sv",))
    start = max([c.get("order", 0) for c in base.crime_types.values()], default=0)
    for n, c in enumerate(crime_types.values(), 1):
        c.setdefault("order", start + 10 * n)
        c.setdefault("name_en", "")
        c.setdefault("theme", "")
    types = config.get("police_event_types") or {}
    if not isinstance(types, dict) or not all(isinstance(v, str) for v in types.values()):
        raise TaxonomyError(f"{where}: police_event_types: a table of \"event type\" = \"category\"")
    own = Spec(themes, categories, {k.strip(): v.strip() for k, v in types.items()}, crime_types)
    _check(merged(base, own), where)
    return own


def merged(base: Spec, own: Spec) -> Spec:
    return Spec({**base.themes, **own.themes}, {**base.categories, **own.categories},
                {**base.event_types, **own.event_types}, {**base.crime_types, **own.crime_types})


def _check(spec: Spec, where: str) -> None:
    for slug, c in spec.categories.items():
        if c["theme"] not in spec.themes:
            raise TaxonomyError(f"{where}: category {slug!r}: unknown theme {c['theme']!r}")
    for slug, c in spec.crime_types.items():
        if c["theme"] and c["theme"] not in spec.themes:
            raise TaxonomyError(f"{where}: Brå crime type {slug!r}: unknown theme {c['theme']!r}")
    for event_type, category in spec.event_types.items():
        if category not in spec.categories:
            raise TaxonomyError(f"{where}: police event type {event_type!r}: unknown category {category!r}")


def read_event_types(path: Path = EVENT_TYPES) -> dict[str, str]:
    """A CSV of ``type,category`` rows → event type (stripped) → category slug."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["type"].strip(): row["category"].strip() for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def defaults() -> Spec:
    """The installation-wide defaults shipped with Trygg (files do not change while it runs)."""
    config = tomllib.loads(DEFAULTS.read_text("utf-8"))
    spec = spec_from_config(config, DEFAULTS.name)
    types = read_event_types()
    _check(Spec(spec.themes, spec.categories, types, spec.crime_types), EVENT_TYPES.name)
    spec.event_types = types
    return spec


def _upsert(model, lookup: dict, values: dict, overwrite: bool) -> str:
    # a migration's historical model may lack fields added later: those are left to their default
    known = {f.attname for f in model._meta.concrete_fields}
    values = {k: v for k, v in values.items() if k in known}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return "created"
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if not overwrite or not changed:
        return "unchanged"
    for k, v in changed.items():
        setattr(obj, k, v)
    obj.save()
    return "updated"


def load(own: Spec | None = None, models=None) -> dict[str, int]:
    """Create the defaults' missing rows and create or update the rows ``own`` names; returns
    {"created": n, "updated": n, "unchanged": n}. ``models``: (Theme, Category, PoliceEventType,
    BraCrimeType), the historical models in a migration."""
    if models is None:
        from .models import BraCrimeType, Category, PoliceEventType, Theme
    else:
        Theme, Category, PoliceEventType, BraCrimeType = models
    own = own or Spec()
    spec = merged(defaults(), own)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for slug, t in spec.themes.items():
        counts[_upsert(Theme, {"slug": slug}, {"name_sv": t["name_sv"], "name_en": t["name_en"], "order": t["order"]},
                       slug in own.themes)] += 1
    theme_ids = dict(Theme.objects.values_list("slug", "id"))
    for slug, c in spec.categories.items():
        values = {"name_sv": c["name_sv"], "name_en": c["name_en"], "theme_id": theme_ids[c["theme"]],
                  "counted": c["counted"], "est_order": c["est_order"], "order": c["order"]}
        counts[_upsert(Category, {"slug": slug}, values, slug in own.categories)] += 1
    category_ids = dict(Category.objects.values_list("slug", "id"))
    for event_type, category in spec.event_types.items():
        counts[_upsert(PoliceEventType, {"event_type": event_type}, {"category_id": category_ids[category]},
                       event_type in own.event_types)] += 1
    for slug, c in spec.crime_types.items():
        values = {"name_sv": c["name_sv"], "name_en": c["name_en"], "order": c["order"],
                  "theme_id": theme_ids[c["theme"]] if c["theme"] else None}
        counts[_upsert(BraCrimeType, {"slug": slug}, values, slug in own.crime_types)] += 1
    return counts
