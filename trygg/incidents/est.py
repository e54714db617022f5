"""EST reports (observations by staff in the area): from the form and from CSV files.

CSV columns (UTF-8, comma): ``occurred_at`` (YYYY-MM-DD HH:MM, local time), ``category`` (an EST
checklist slug), ``lon``/``lat`` (WGS84) or ``area_code``, ``place`` (optional address or place),
``description`` (optional), ``organisation`` (optional, an organisation's name). Each row is keyed
by a hash of its content, so importing a file twice adds nothing.
"""

import hashlib
import re
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from trygg.accounts.models import Organisation
from trygg.areas.models import Area
from trygg.textfile import TextFileError, iter_csv

from .categories import EST_CATEGORIES, theme_of
from .importing import (
    BATCH_SIZE,
    REDACT,
    ImportFileError,
    Screen,
    import_run,
    municipality_of_all,
    personal_data_policy,
    progress,
    write_phase,
)
from .loader import insert_rows
from .models import Incident, Placement, Source
from .placement import MunicipalityIndex, PointLocator

COLUMNS = ["occurred_at", "category", "lon", "lat", "area_code", "place", "description", "organisation"]
REQUIRED = ["occurred_at", "category"]


def content_key(row: dict) -> str:
    text = "\x1f".join((row.get(c) or "").strip() for c in COLUMNS)
    return "csv-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")  # the forms accepted, local time


def _parse_time(value, where):
    text = value.strip()
    if _TIME.fullmatch(text):
        try:
            # ~10× strptime on 100,000 rows; the site's zone given (no lookup of the active zone per row)
            return timezone.make_aware(datetime.fromisoformat(text), timezone.get_default_timezone())
        except ValueError:
            pass  # e.g. 2024-02-30 10:00
    raise ImportFileError(f"{where}, field 'occurred_at': not a date and time (YYYY-MM-DD HH:MM): {value!r}")


def derived_fields(category, occurred_at, area, municipalities: MunicipalityIndex | None = None) -> dict:
    """What an EST report's theme, date, area path and municipality are, from its category, time
    and area (``municipalities``: an index shared by many reports, else one is read for this one)."""
    local = timezone.localtime(occurred_at, timezone.get_default_timezone())
    out = {"source": Source.EST, "theme": theme_of(category), "date": local.date()}
    if area is not None:
        out["area_path"] = area.path
        out["municipality_id"] = (municipalities or MunicipalityIndex()).of(area.path)
    return out


def placed_incident(municipalities: MunicipalityIndex | None = None, **fields) -> Incident:
    """An EST Incident with area_path, theme and municipality filled in from its area."""
    return Incident(**fields, **derived_fields(fields["category"], fields["occurred_at"], fields.get("area"),
                                               municipalities))


class _Places:
    """Where the file's reports are, resolved a batch at a time without a query per row: points by
    point-in-polygon over polygons prepared once (``PointLocator``), area codes by one query per
    batch for the codes not seen before."""

    def __init__(self):
        self.locate = PointLocator()
        self.by_code: dict[str, Area | None] = {}

    def areas(self, codes) -> dict[str, Area | None]:
        new = {c for c in codes if c not in self.by_code}
        if new:
            found = {a.code: a for a in Area.objects.filter(code__in=new).defer("geometry")}
            self.by_code.update({c: found.get(c) for c in new})
        return self.by_code


def _parse(line, row, path, orgs, organisation) -> dict:
    """One row checked: an :class:`ImportFileError` names the line and the field."""
    where = f"{path.name} line {line}"
    for c in REQUIRED:
        if not (row.get(c) or "").strip():
            raise ImportFileError(f"{where}, field '{c}': missing")
    category = row["category"].strip()
    if category not in EST_CATEGORIES:
        raise ImportFileError(f"{where}, field 'category': {category!r} is not one of {', '.join(EST_CATEGORIES)}")
    occurred = _parse_time(row["occurred_at"], where)
    lon = lat = None
    code = ""
    if (row.get("lon") or "").strip() or (row.get("lat") or "").strip():
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
        except (TypeError, ValueError):
            raise ImportFileError(f"{where}, field 'lon'/'lat': not numbers: {row.get('lon')!r}, {row.get('lat')!r}")
    elif (row.get("area_code") or "").strip():
        code = row["area_code"].strip()
    else:
        raise ImportFileError(f"{where}, field 'lon'/'lat' or 'area_code': the report has no place")
    org = organisation
    if (row.get("organisation") or "").strip():
        org = orgs.get(row["organisation"].strip().casefold())
        if org is None:
            raise ImportFileError(f"{where}, field 'organisation': unknown organisation {row['organisation']!r}")
    return dict(where=where, row=row, category=category, occurred=occurred, lon=lon, lat=lat, code=code, area=None,
                org=org)


def _place(batch: list[dict], places: _Places) -> None:
    """Fill in each parsed row's area (the whole batch at once)."""
    by_code = places.areas({p["code"] for p in batch if p["code"]})
    points = [p for p in batch if p["lon"] is not None]
    for p, area in zip(points, places.locate([p["lon"] for p in points], [p["lat"] for p in points]), strict=True):
        if area is None:
            raise ImportFileError(f"{p['where']}, field 'lon'/'lat': ({p['lon']}, {p['lat']}) is outside the "
                                  "municipality's areas")
        p["area"] = area
    for p in batch:
        if p["code"]:
            p["area"] = by_code[p["code"]]
            if p["area"] is None:
                raise ImportFileError(f"{p['where']}, field 'area_code': unknown area {p['code']!r}")


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _stored_keys(keys) -> set[str]:
    """The content keys of ``keys`` already imported (queried in chunks)."""
    keys, out = list(keys), set()
    for i in range(0, len(keys), 500):
        out.update(Incident.objects.filter(source=Source.EST, source_id__in=keys[i:i + 500])
                   .values_list("source_id", flat=True))
    return out


def import_est_csv(path, user=None, personal_data=None, organisation=None):
    """Import an EST CSV file. The rows are read, checked, placed and screened a batch at a time
    (no query per row, areas in bulk); only what is stored is kept, as plain tuples, until the one
    write transaction inserts it with one prepared statement (``loader.insert_rows``). Any bad
    row: nothing is stored."""
    path = Path(path)
    try:
        fieldnames, rows = iter_csv(path, REQUIRED + ["description"])
    except TextFileError as exc:
        raise ImportFileError(str(exc))
    if not ({"lon", "lat"} <= set(fieldnames) or "area_code" in fieldnames):
        raise ImportFileError(f"{path.name}: needs columns lon and lat, or area_code")
    policy = personal_data_policy("est", personal_data)
    screen = Screen(policy)
    orgs = {o.name.casefold(): o for o in Organisation.objects.all()}
    places, municipalities = _Places(), MunicipalityIndex()
    seen: set[str] = set()
    keep = []  # (key, occurred, category, area, lon, lat, place, description, organisation), what is stored
    rejected = []
    with import_run("est", path.name, user) as run:
        try:
            for batch in _batches(progress(rows, desc="EST reports"), BATCH_SIZE):
                parsed = [_parse(line, row, path, orgs, organisation) for line, row in batch]
                _place(parsed, places)
                for p in parsed:
                    p["key"] = content_key(p["row"])
                stored = _stored_keys({p["key"] for p in parsed} - seen)
                for p in parsed:
                    key = p["key"]
                    if key in seen or key in stored:
                        run.unchanged += 1
                        seen.add(key)
                        continue
                    seen.add(key)
                    texts, offending, _n = screen(
                        {"place": p["row"].get("place") or "", "description": p["row"].get("description") or ""})
                    if offending:
                        if policy != REDACT:
                            run.rejected += 1
                            rejected.append(f"{p['where']} ({', '.join(offending)})")
                            continue
                        run.redacted += 1
                    keep.append((key, p["occurred"], p["category"], p["area"], p["lon"], p["lat"],
                                 texts["place"][:200], texts["description"], p["org"]))
        except TextFileError as exc:
            raise ImportFileError(str(exc))
        # written in the order of the area-first index: the indexes' pages then fill in order
        # (100,000 reports at random places and times: 4.4 → 3.1 s of inserting on SQLite)
        keep.sort(key=lambda k: (k[3].path, k[1]))
        with write_phase(run):
            insert_rows(Incident, ({
                "source_id": key, "occurred_at": occurred, "event_type": "EST", "category": category,
                "area_id": area.pk, "placement": Placement.POINT if lon is not None else Placement.AREA,
                "lon": lon, "lat": lat, "place_text": place, "body": body, "organisation_id": org.pk if org else None,
                "import_run_id": run.pk, "created_by_id": user.pk if user else None,
                **derived_fields(category, occurred, area, municipalities),
            } for key, occurred, category, area, lon, lat, place, body, org in keep), batch_size=BATCH_SIZE)
            run.new = len(keep)
            run.placed_in_district = len(keep)
            run.municipality = municipality_of_all(row[3] for row in keep)  # one municipality's file, or national
            if rejected:
                run.message = "Rejected for personal data: " + "; ".join(rejected[:50])
    return run
