"""Each municipality's scheme: its partners, area levels, district level, metropolitan peers and
report cover, looked up for any area.

Where a municipality's configuration comes from, first found wins:

1. its :class:`~trygg.areas.models.Municipality` row (``trygg setup municipality``, the admin);
2. the configuration shipped for its code (``data/municipalities/*/municipality.toml``);
3. a default: the levels of :class:`~trygg.areas.models.Level`, and as district level the level of
   the municipality's own children.

The rows are read once per request (the cache is emptied when a request starts and when a row is
saved or deleted), so a page that asks for many areas' level names asks the database once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from .models import LEVEL_KEY, Level

SHIPPED = Path(__file__).resolve().parent / "data" / "municipalities"
CONFIG_NAME = "municipality.toml"
_SCB_CODE = re.compile(r"^[0-9]{4}$")
_LEVEL_KEY = re.compile(f"^{LEVEL_KEY}$")
_SHARED = (Level.COUNTRY.value, Level.MUNICIPALITY.value)


class SchemeError(ValueError):
    """A configuration that cannot be used; the message names the field (and file and line)."""


@dataclass(frozen=True)
class LevelSpec:
    key: str
    name: str
    plural: str
    work_cycle: bool = True
    named_in_texts: bool = True  # police texts name its areas by their names (not a code-only level)


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    city_organisation: str
    police_organisation: str
    levels: tuple[LevelSpec, ...]
    district_level: str
    metro_peers: tuple[str, ...] = ()
    report_cover: str = ""
    configured: bool = field(default=True, compare=False)

    def level(self, key: str) -> LevelSpec | None:
        return next((lv for lv in self.levels if lv.key == key), None)

    @property
    def district(self) -> LevelSpec:
        return self.level(self.district_level)

    @property
    def cycle_levels(self) -> tuple[str, ...]:
        """The levels that carry a work cycle: the municipality and every level so marked."""
        return (Level.MUNICIPALITY.value, *(lv.key for lv in self.levels if lv.work_cycle))

    @property
    def finest_first(self) -> tuple[str, ...]:
        """The level keys below the municipality, finest first (the order points and names are
        placed in: the most specific area that holds them)."""
        return tuple(lv.key for lv in reversed(self.levels))

    @property
    def text_levels(self) -> tuple[str, ...]:
        """The levels whose area names are looked for in police texts (every level not marked
        ``named_in_texts = false``), top down."""
        return tuple(lv.key for lv in self.levels if lv.named_in_texts)

    @property
    def street_up_levels(self) -> tuple[str, ...]:
        """The levels too fine for a street found by one point (a stop named after it, a compound
        such as "…vägen"): such a street is placed one level up. The finest level named in texts
        and every level below it."""
        keys = [lv.key for lv in self.levels]
        text = self.text_levels
        return tuple(keys[keys.index(text[-1]):]) if text else ()

    @property
    def large_levels(self) -> tuple[str, ...]:
        """The levels named in texts above the finest one: a street named after one of their
        areas ("Hisingsleden") says nothing about where in it the event was."""
        return self.text_levels[:-1]

    @property
    def nameable_levels(self) -> tuple[str, ...]:
        """The levels a place name may point at: every level but the finest (the smallest
        statistical areas are too fine to be named in a police summary), top down."""
        keys = tuple(lv.key for lv in self.levels)
        return keys[:-1] if len(keys) > 1 else keys

    @property
    def metro_codes(self) -> tuple[str, ...]:
        """The municipality and its metropolitan peers, for comparisons."""
        return (self.code, *(c for c in self.metro_peers if c != self.code))


def scheme_from_dict(data: dict, where=lambda name: name) -> Scheme:
    """A scheme from the ``[municipality]`` table of a configuration with its ``levels`` list.

    ``where(field)`` turns a field name into the place an error message names (file and line).
    """
    def text(name, value=None, required=True):
        value = data.get(name) if value is None else value
        if value is None or value == "":
            if required:
                raise SchemeError(_("%(where)s: missing") % {"where": where(name)})
            return ""
        if not isinstance(value, str):
            raise SchemeError(_("%(where)s: expected text") % {"where": where(name)})
        return value.strip()

    code = text("code")
    if not _SCB_CODE.match(code):
        raise SchemeError(_("%(where)s: an SCB municipality code has four digits, not %(value)r")
                          % {"where": where("code"), "value": code})
    raw_levels = data.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        raise SchemeError(_("%(where)s: at least one area level is needed") % {"where": where("levels")})
    levels, seen = [], set()
    for i, raw in enumerate(raw_levels):
        name = f"levels[{i}]"
        if not isinstance(raw, dict):
            raise SchemeError(_("%(where)s: expected a table") % {"where": where(name)})
        key = text(f"{name}.key", raw.get("key"))
        if not _LEVEL_KEY.match(key) or key in _SHARED:
            raise SchemeError(_("%(where)s: a level key is lower-case letters, digits and _ (at most 20), and "
                                "not country or municipality: %(value)r") % {"where": where(f"{name}.key"), "value": key})
        if key in seen:
            raise SchemeError(_("%(where)s: level %(value)r is listed twice") % {"where": where(f"{name}.key"), "value": key})
        seen.add(key)
        flags = {}
        for flag in ("work_cycle", "named_in_texts"):
            flags[flag] = raw.get(flag, True)
            if not isinstance(flags[flag], bool):
                raise SchemeError(_("%(where)s: expected true or false") % {"where": where(f"{name}.{flag}")})
        levels.append(LevelSpec(key, text(f"{name}.name", raw.get("name")),
                                text(f"{name}.plural", raw.get("plural")), **flags))
    district = text("district_level")
    if district not in seen:
        raise SchemeError(_("%(where)s: %(value)r is not one of the levels (%(levels)s)")
                          % {"where": where("district_level"), "value": district, "levels": ", ".join(lv.key for lv in levels)})
    peers = data.get("metro_peers", [])
    if not isinstance(peers, list) or not all(isinstance(p, str) and _SCB_CODE.match(p) for p in peers):
        raise SchemeError(_("%(where)s: expected a list of four-digit SCB codes") % {"where": where("metro_peers")})
    return Scheme(code=code, name=text("name"), city_organisation=text("city_organisation"),
                  police_organisation=text("police_organisation"), levels=tuple(levels),
                  district_level=district, metro_peers=tuple(peers), report_cover=text("report_cover"))


def scheme_from_row(row) -> Scheme:
    return scheme_from_dict({"code": row.code, "name": row.name, "city_organisation": row.city_organisation,
                             "police_organisation": row.police_organisation, "levels": row.levels,
                             "district_level": row.district_level, "metro_peers": row.metro_peers,
                             "report_cover": row.report_cover})


# ---- the shipped configurations ---------------------------------------------------------------------

def read_config(path: Path) -> dict:
    """A configuration file, parsed; syntax errors name the file and line."""
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise SchemeError(f"{path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SchemeError(_("%(path)s: not UTF-8 text") % {"path": path}) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{path}: {exc}") from exc


def locator(path: Path, table: str = "municipality"):
    """``where(field)`` for :func:`scheme_from_dict`: "file:line: field", the line of the field's
    key in the file where it can be found (the table's header otherwise)."""
    lines = path.read_text("utf-8").splitlines() if path.exists() else []

    def where(name: str) -> str:
        key = name.rsplit(".", 1)[-1].split("[", 1)[0]
        index = int(m.group(1)) if (m := re.match(r"levels\[(\d+)\]", name)) else None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=") if "." in name or index is None else None
        headers = [i for i, line in enumerate(lines, 1) if line.strip() == "[[levels]]"]
        start, end = 1, len(lines)
        if index is not None and index < len(headers):
            start = headers[index]
            end = headers[index + 1] - 1 if index + 1 < len(headers) else len(lines)
        found = None
        if pattern is not None:
            found = next((i for i in range(start, end + 1) if pattern.match(lines[i - 1])), None)
        if found is None and index is not None and index < len(headers):
            found = headers[index]
        if found is None:
            found = next((i for i, line in enumerate(lines, 1) if line.strip() == f"[{table}]"), 1)
        field_name = name if "." in name or index is not None else f"{table}.{name}"
        return f"{path}:{found}: {field_name}"

    return where


def scheme_from_file(path: Path) -> Scheme:
    data = read_config(path)
    table = data.get("municipality")
    if not isinstance(table, dict):
        raise SchemeError(_("%(path)s: the [municipality] table is missing") % {"path": path})
    return scheme_from_dict({**table, "levels": data.get("levels")}, locator(path))


@lru_cache(maxsize=1)
def shipped() -> dict[str, Scheme]:
    """code → the configuration shipped with Trygg (files do not change while it runs)."""
    found = {}
    for path in sorted(SHIPPED.glob(f"*/{CONFIG_NAME}")):
        scheme = scheme_from_file(path)
        found[scheme.code] = scheme
    return found


def shipped_dir(code: str) -> Path | None:
    """The folder of the configuration shipped for ``code``."""
    for path in sorted(SHIPPED.glob(f"*/{CONFIG_NAME}")):
        if scheme_from_file(path).code == code:
            return path.parent
    return None


# ---- lookup ----------------------------------------------------------------------------------------

_rows: dict[str, Scheme] | None = None


def _configured() -> dict[str, Scheme]:
    global _rows
    if _rows is None:
        from .models import Municipality

        _rows = {row.code: scheme_from_row(row) for row in Municipality.objects.all()}
    return _rows


def forget(**_kwargs) -> None:
    """Read the rows again on the next lookup."""
    global _rows
    _rows = None


request_started.connect(forget, dispatch_uid="trygg-schemes-forget")
post_save.connect(forget, sender="areas.Municipality", dispatch_uid="trygg-schemes-saved")
post_delete.connect(forget, sender="areas.Municipality", dispatch_uid="trygg-schemes-deleted")


def default_levels() -> tuple[LevelSpec, ...]:
    below = [c for c in Level if c.value not in _SHARED]
    return tuple(LevelSpec(c.value, str(c.label), str(c.label), work_cycle=c is not below[-1],
                           named_in_texts=c is not below[-1]) for c in below)


def scheme_for_code(code: str) -> Scheme:
    """The scheme of the municipality with SCB code ``code``."""
    if code in (found := _configured()):
        return found[code]
    if code in (ship := shipped()):
        return ship[code]
    from .models import Area

    municipality = Area.objects.filter(code=code).only("name").first()
    name = municipality.name if municipality else code
    levels = default_levels()
    first = (Area.objects.filter(parent__code=code).values_list("level", flat=True).order_by("code").first()
             or levels[0].key)
    if not any(lv.key == first for lv in levels):
        levels = (LevelSpec(first, first, first), *levels)
    return Scheme(code=code, name=name, city_organisation=name, police_organisation=_("the police"),
                  levels=levels, district_level=first, configured=False)


def municipality_code(area) -> str | None:
    """The SCB code of the municipality ``area`` lies in (None for the country, or outside any)."""
    if area.level == Level.MUNICIPALITY:
        return area.code
    if area.level == Level.COUNTRY:
        return None
    above = [c for c in area.path.strip("/").split("/") if c][:-1]
    known = {*_configured(), *shipped()}
    for code in above:
        if code in known:
            return code
    from .models import Area

    return Area.objects.filter(code__in=above, level=Level.MUNICIPALITY).values_list("code", flat=True).first()


def scheme_for(area) -> Scheme | None:
    """The scheme of the municipality ``area`` lies in (None for the country)."""
    code = municipality_code(area)
    return scheme_for_code(code) if code else None


def district_level(area) -> str:
    """The key of the district level (the partnerships' and public pages' level) of ``area``'s
    municipality ("stadsomrade" in one configuration, "statistikomrade" in another)."""
    scheme = scheme_for(area)
    return scheme.district_level if scheme else home().district_level


def known() -> list[Scheme]:
    """Every municipality's scheme known: the home one first, then the configured and shipped ones."""
    return [home(), *_configured().values(), *shipped().values()]


def district_levels() -> tuple[str, ...]:
    """The district level of every municipality known (configured, shipped or the home one)."""
    return tuple(dict.fromkeys(s.district_level for s in known()))


def report_levels() -> tuple[str, ...]:
    """The level an EST report is placed at in every municipality known: the finest level a place
    name may point at (primärområde in one configuration, statistikområde in another)."""
    return tuple(dict.fromkeys(s.nameable_levels[-1] for s in known()))


def levels_of(area) -> tuple[LevelSpec, ...]:
    """The levels below the municipality of ``area``'s municipality, top down; for the country
    every known municipality's (each key once)."""
    scheme = scheme_for(area)
    found: dict[str, LevelSpec] = {}
    for s in [scheme] if scheme else known():
        for lv in s.levels:
            found.setdefault(lv.key, lv)
    return tuple(found.values())


def is_district(area) -> bool:
    return area.level not in _SHARED and area.level == district_level(area)


def cycle_levels(area) -> tuple[str, ...]:
    scheme = scheme_for(area)
    return scheme.cycle_levels if scheme else (Level.MUNICIPALITY.value,)


def level_name(area) -> str:
    """The name of ``area``'s level in its municipality's scheme."""
    if area.level in _SHARED:
        return str(Level(area.level).label)
    scheme = scheme_for(area)
    spec = scheme.level(area.level) if scheme else None
    if spec:
        return spec.name
    return str(Level(area.level).label) if area.level in Level.values else area.level


def home_code() -> str:
    """The installation's own municipality (``TRYGG_MUNICIPALITY_CODE``; else the only one configured)."""
    from django.conf import settings

    code = getattr(settings, "TRYGG_MUNICIPALITY_CODE", "")
    if code:
        return code
    configured = sorted(_configured()) or sorted(shipped())
    return configured[0] if configured else ""


def home() -> Scheme:
    return scheme_for_code(home_code())


def districts(municipality=None):
    """The district areas of ``municipality`` (of every municipality known when None)."""
    from .models import Area
    from .subtree import within_area

    if municipality is not None:
        return within_area(Area.objects.filter(level=district_level(municipality)), municipality)
    return Area.objects.filter(level__in=district_levels(), parent__level=Level.MUNICIPALITY)


def public_levels() -> tuple[str, ...]:
    """The levels that may have a public page: the municipality and every district level."""
    return (Level.MUNICIPALITY.value, *district_levels())


def has_public_page(area) -> bool:
    return area.level == Level.MUNICIPALITY or is_district(area)


def metro_group(code: str) -> tuple[str, ...]:
    """The municipalities that municipality ``code`` is compared with besides its own county: its
    configuration's metropolitan peers, or (without a configuration) the home municipality's group."""
    scheme = scheme_for_code(code)
    return (code, *scheme.metro_codes) if scheme.configured else (code, *home().metro_codes)
