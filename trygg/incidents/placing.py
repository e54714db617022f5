"""Placing police events from their text: the shipped gazetteer data, the fields one placement
sets on an incident, and re-placing stored events after the gazetteer changed.

A municipality's gazetteer is named in its configuration (``[gazetteer]`` in its
``municipality.toml``, loaded by ``trygg setup municipality``): a register of stops, localities and
landmarks (``register``: CSV, gzipped or not, one row per name and municipality, with the code of
the area holding the point in column ``area_column`` where the municipality has areas; it may name
the neighbouring municipalities' places too) and a curated list (``names``: name, area code, note)
that adds names and corrects the register. A municipality without one is placed by its area names
alone. The analyst's own names (origin "analyst") are never overwritten by a reload.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from trygg.areas import schemes
from trygg.areas.models import Area, Level

from . import daily, dataversion
from .gazetteer import Gazetteer, Result, _common_path, _parent_path, name_key
from .models import Incident, Placement, PlaceName, Source

_KIND = {("stop", "street"): PlaceName.Kind.STREET, ("stop", "square"): PlaceName.Kind.SQUARE,
         ("locality", None): PlaceName.Kind.LOCALITY, ("landmark", None): PlaceName.Kind.LANDMARK}
NOT_PLACED = {"sammanfattning"}


class GazetteerDataError(ValueError):
    pass


@dataclass(frozen=True)
class Sources:
    """Gazetteer files: registers ``(file, area column)`` and curated lists by municipality code."""

    registers: tuple[tuple[Path, str], ...] = ()
    names: dict[str, Path] = field(default_factory=dict)

    def __add__(self, other: Sources) -> Sources:
        return Sources(tuple(dict.fromkeys(self.registers + other.registers)), {**self.names, **other.names})

    def covers(self, municipality: Area) -> bool:
        """Whether these files name places of ``municipality`` (its curated list, or register rows)."""
        name = municipality.name.casefold()
        return municipality.code in self.names or any(
            (row.get("municipality") or "").strip().casefold() == name for *_at, row, _c in _register_rows(self.registers))


def config_sources(path: Path, code: str) -> Sources:
    """The ``[gazetteer]`` table of the configuration at ``path`` (municipality ``code``), checked:
    ``register`` and ``names`` are files relative to it, ``area_column`` the register's column of
    area codes (default ``area``)."""
    raw = schemes.read_config(path).get("gazetteer")
    if raw is None:
        return Sources()
    where = schemes.locator(path, "gazetteer")
    if not isinstance(raw, dict):
        raise schemes.SchemeError(f"{where('gazetteer')}: expected a table")
    unknown = set(raw) - {"register", "area_column", "names"}
    if unknown:
        raise schemes.SchemeError(f"{where(sorted(unknown)[0])}: unknown field")
    files = {}
    for key in ("register", "names", "area_column"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key]):
            raise schemes.SchemeError(f"{where(key)}: expected text")
    for key in ("register", "names"):
        if key in raw:
            files[key] = path.parent / raw[key]
            if not files[key].exists():
                raise schemes.SchemeError(f"{where(key)}: {files[key]} does not exist")
    registers = ((files["register"], raw.get("area_column", "area")),) if "register" in files else ()
    return Sources(registers, {code: files["names"]} if "names" in files else {})


def shipped_sources() -> Sources:
    """The gazetteers of every configuration shipped with Trygg (``trygg import gazetteer``)."""
    found = Sources()
    for path in sorted(schemes.SHIPPED.glob(f"*/{schemes.CONFIG_NAME}")):
        found = found + config_sources(path, schemes.scheme_from_file(path).code)
    return found


def _register_rows(registers):
    for path, column in registers:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                yield path.name, line, row, column


def _curated_rows(path):
    if path is None:
        return
    text = path.read_text("utf-8-sig") if hasattr(path, "read_text") else path.read()
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name", "area"} - set(reader.fieldnames or [])
    if missing:
        raise GazetteerDataError(f"{getattr(path, 'name', path)}: missing column(s) {', '.join(sorted(missing))}")
    for line, row in enumerate(reader, start=2):
        yield getattr(path, "name", str(path)), line, row


@transaction.atomic
def load_gazetteer(municipalities=None, *, curated_file=None, stdout=None, sources: Sources | None = None
                   ) -> dict[str, int]:
    """(Re)load the names of ``municipalities`` (default: every municipality the files name) from
    ``sources`` (default: the shipped configurations' gazetteers). Atomic; returns
    ``{municipality code: names}``. ``curated_file`` replaces the configured curated list (for one
    municipality)."""
    sources = shipped_sources() if sources is None else sources
    all_munis = {a.name.casefold(): a for a in Area.objects.filter(level=Level.MUNICIPALITY)}
    wanted = {m.pk for m in municipalities} if municipalities else None
    by_muni: dict[int, dict[str, dict]] = defaultdict(dict)
    paths = {}
    for _fname, _line, row, column in _register_rows(sources.registers):
        muni = all_munis.get((row.get("municipality") or "").strip().casefold())
        if muni is None or (wanted is not None and muni.pk not in wanted):
            continue
        name = (row.get("name") or "").strip()
        key = name_key(name)
        if not key or key == name_key(muni.name):
            continue
        code = (row.get(column) or "").strip()
        if code:
            if code not in paths:
                paths[code] = Area.objects.filter(code=code).values_list("path", flat=True).first()
            path = paths[code] if paths[code] and paths[code].startswith(muni.path) else muni.path
        else:
            path = muni.path
        kind = _KIND.get((row.get("kind"), row.get("name_type") if row.get("kind") == "stop" else None),
                         PlaceName.Kind.STOP)
        entry = by_muni[muni.pk].setdefault(key, {"name": name, "paths": set(), "kind": kind, "note": ""})
        entry["paths"].add(path)
        if kind == PlaceName.Kind.STREET:
            entry["kind"] = kind
    named = Area.objects.filter(level=Level.MUNICIPALITY, code__in=list(sources.names)) if wanted is None else []
    munis = {m.pk: m for m in Area.objects.filter(pk__in=[*by_muni, *(wanted or []), *(m.pk for m in named)])}
    counts = {}
    for muni in munis.values():
        rows = by_muni.get(muni.pk, {})
        street_up = schemes.scheme_for_code(muni.code).street_up_levels
        for e in rows.values():
            path = _common_path(e["paths"]) if len(e["paths"]) > 1 else next(iter(e["paths"]))
            if e["kind"] == PlaceName.Kind.STREET and path != muni.path:
                # a stop shows one point of the street: place the street one level coarser
                if Area.objects.filter(path=path, level__in=street_up).exists():
                    path = _parent_path(path)
            e["path"] = path
            e["origin"] = PlaceName.Origin.REGISTER
        curated = curated_file if curated_file and len(munis) == 1 else sources.names.get(muni.code)
        for fname, line, row in _curated_rows(curated) or ():
            name, code = (row.get("name") or "").strip(), (row.get("area") or "").strip()
            if not name:
                raise GazetteerDataError(f"{fname} line {line}: field 'name' is empty")
            if code:
                path = Area.objects.filter(code=code).values_list("path", flat=True).first()
                if path is None:
                    raise GazetteerDataError(f"{fname} line {line}: field 'area': no area with code {code!r}")
            else:
                path = ""
            rows[name_key(name)] = {"name": name, "path": path, "kind": PlaceName.Kind.NAME,
                                    "origin": PlaceName.Origin.CURATED, "note": (row.get("note") or "").strip()[:500]}
        analyst = {name_key(n) for n in PlaceName.objects.filter(municipality=muni, origin=PlaceName.Origin.ANALYST)
                   .values_list("name", flat=True)}
        PlaceName.objects.filter(municipality=muni).exclude(origin=PlaceName.Origin.ANALYST).delete()
        area_ids = dict(Area.objects.filter(path__in={e["path"] for e in rows.values() if e["path"]})
                        .values_list("path", "pk"))
        PlaceName.objects.bulk_create([
            PlaceName(municipality=muni, name=e["name"][:200], area_id=area_ids.get(e["path"]) if e["path"] else None,
                      kind=e["kind"], origin=e["origin"], note=e["note"])
            for key, e in rows.items() if key not in analyst
        ], batch_size=1000)
        counts[muni.code] = PlaceName.objects.filter(municipality=muni).count()
        if stdout:
            stdout.write(f"Gazetteer {muni.name}: {counts[muni.code]} names\n")
    return counts


# -- one placement ----------------------------------------------------------------------------

def municipalities_with_areas() -> set[int]:
    """Ids of the municipalities that have areas below them (only these are placed by text)."""
    return set(Area.objects.filter(parent__level=Level.MUNICIPALITY).values_list("parent_id", flat=True).distinct())


class Placer:
    """Gazetteers built on demand, one per municipality with areas; ``fields`` gives the
    placement fields of one police event."""

    def __init__(self, overrides: dict[int, Gazetteer] | None = None):
        self.with_areas = municipalities_with_areas()
        self.gazetteers: dict[int, Gazetteer] = dict(overrides or {})
        self.areas_by_path: dict[str, Area] = {}

    def gazetteer(self, municipality: Area) -> Gazetteer | None:
        if municipality.pk not in self.with_areas:
            return None
        if municipality.pk not in self.gazetteers:
            self.gazetteers[municipality.pk] = Gazetteer(municipality)
        return self.gazetteers[municipality.pk]

    def area(self, path: str) -> Area | None:
        if path not in self.areas_by_path:
            self.areas_by_path[path] = Area.objects.filter(path=path).defer("geometry").first()
        return self.areas_by_path[path]

    def result(self, reported: Area | None, category: str, text: str) -> Result | None:
        if reported is None or category in NOT_PLACED:
            return None
        gaz = self.gazetteer(reported)
        return gaz.find(text) if gaz else None

    def fields(self, reported: Area | None, category: str, text: str) -> dict:
        """``municipality, area, placement, place_text, place_level`` for an event the source filed
        under ``reported`` (None: county only)."""
        base = {"municipality": reported, "area": reported,
                "placement": Placement.MUNICIPALITY if reported else Placement.COUNTY,
                "place_text": "", "place_level": ""}
        res = self.result(reported, category, text)
        if res is None:
            return base
        area = self.area(res.path)
        if area is None:
            return base
        municipality = area if res.outside else reported
        if res.outside and area.level != Level.MUNICIPALITY:
            municipality = next((a for a in area.ancestors() if a.level == Level.MUNICIPALITY), area)
        return {"municipality": municipality, "area": area, "placement": Placement.TEXT,
                "place_text": "; ".join(res.names)[:200], "place_level": area.level}


def incident_text(summary: str, body: str) -> str:
    return f"{summary or ''}\n{body or ''}"


# -- re-placing stored events -----------------------------------------------------------------

@dataclass
class Moves:
    checked: int = 0
    changed: int = 0
    placed_before: int = 0
    placed_after: int = 0
    moved_out: int = 0
    transitions: dict = field(default_factory=lambda: defaultdict(int))  # (from, to) → n
    examples: list = field(default_factory=list)  # (incident, old area, new area, names)


def _label(area: Area | None) -> str:
    return f"{area.name} ({area.get_level_display()})" if area else "–"


def replace_police_events(*, dry_run: bool = False, placer: Placer | None = None, queryset=None,
                          examples: int = 50) -> Moves:
    """Place every stored police event again with the current gazetteer; atomic. Only events
    the source filed under a municipality with areas are looked at."""
    placer = placer or Placer()
    qs = queryset if queryset is not None else Incident.objects.filter(source=Source.POLICE)
    qs = (qs.filter(reported_municipality_id__in=placer.with_areas | set(placer.gazetteers))
          .select_related("area", "municipality", "reported_municipality").order_by("pk"))
    moves, changed = Moves(), []
    for inc in qs.iterator(chunk_size=2000):
        moves.checked += 1
        new = placer.fields(inc.reported_municipality, inc.category, incident_text(inc.summary, inc.body))
        before_placed = inc.placement == Placement.TEXT
        moves.placed_before += before_placed
        moves.placed_after += new["placement"] == Placement.TEXT
        moves.moved_out += new["municipality"] != inc.reported_municipality
        if (new["area"].pk if new["area"] else None) == inc.area_id and new["placement"] == inc.placement \
                and new["place_text"] == inc.place_text and new["place_level"] == inc.place_level \
                and (new["municipality"].pk if new["municipality"] else None) == inc.municipality_id:
            continue
        moves.changed += 1
        if (new["area"].pk if new["area"] else None) != inc.area_id:
            moves.transitions[(_label(inc.area), _label(new["area"]))] += 1
            if len(moves.examples) < examples:
                moves.examples.append((inc, inc.area, new["area"], new["place_text"]))
        for k, v in new.items():
            setattr(inc, k, v)
        inc.area_path = inc.area.path if inc.area else ""
        changed.append(inc)
    if not dry_run and changed:
        with transaction.atomic():
            Incident.objects.bulk_update(changed, ["municipality", "area", "area_path", "placement", "place_text",
                                                   "place_level"], batch_size=500)
            daily.refresh_days({inc.date for inc in changed})
            dataversion.bump()  # bulk_update sends no signals
    return moves
