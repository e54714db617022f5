"""EST reports (observations by staff in the area): from the form and from CSV files.

CSV columns (UTF-8, comma): ``occurred_at`` (YYYY-MM-DD HH:MM, local time), ``category`` (an EST
checklist slug), ``lon``/``lat`` (WGS84) or ``area_code``, ``place`` (optional address or place),
``description`` (optional), ``organisation`` (optional, an organisation's name). Each row is keyed
by a hash of its content, so importing a file twice adds nothing.
"""

import hashlib
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from trygg.accounts.models import Organisation
from trygg.areas.models import Area
from trygg.textfile import TextFileError, read_csv

from .categories import EST_CATEGORIES, theme_of
from .importing import (
    BATCH_SIZE,
    REDACT,
    ImportFileError,
    import_run,
    personal_data_policy,
    progress,
    screen_text,
    write_phase,
)
from .models import Incident, Placement, Source
from .placement import locate_points

COLUMNS = ["occurred_at", "category", "lon", "lat", "area_code", "place", "description", "organisation"]
REQUIRED = ["occurred_at", "category"]


def content_key(row: dict) -> str:
    text = "\x1f".join((row.get(c) or "").strip() for c in COLUMNS)
    return "csv-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def _parse_time(value, where):
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return timezone.make_aware(datetime.strptime(value.strip(), fmt))
        except ValueError:
            continue
    raise ImportFileError(f"{where}, field 'occurred_at': not a date and time (YYYY-MM-DD HH:MM): {value!r}")


def placed_incident(**fields) -> Incident:
    """An EST Incident with area_path, theme and municipality filled in from its area."""
    inc = Incident(source=Source.EST, theme=theme_of(fields["category"]), **fields)
    inc.date = timezone.localtime(inc.occurred_at).date()
    if inc.area is not None:
        inc.area_path = inc.area.path
        codes = [c for c in inc.area.path.strip("/").split("/")]
        inc.municipality = Area.objects.filter(code__in=codes, level="municipality").first()
    return inc


def import_est_csv(path, user=None, personal_data=None, organisation=None):
    path = Path(path)
    try:
        fieldnames, rows = read_csv(path, REQUIRED + ["description"])
    except TextFileError as exc:
        raise ImportFileError(str(exc))
    if not ({"lon", "lat"} <= set(fieldnames) or "area_code" in fieldnames):
        raise ImportFileError(f"{path.name}: needs columns lon and lat, or area_code")
    policy = personal_data_policy("est", personal_data)
    orgs = {o.name.casefold(): o for o in Organisation.objects.all()}
    parsed, points = [], []
    for line, row in rows:
        where = f"{path.name} line {line}"
        for c in REQUIRED:
            if not (row.get(c) or "").strip():
                raise ImportFileError(f"{where}, field '{c}': missing")
        category = row["category"].strip()
        if category not in EST_CATEGORIES:
            raise ImportFileError(f"{where}, field 'category': {category!r} is not one of {', '.join(EST_CATEGORIES)}")
        occurred = _parse_time(row["occurred_at"], where)
        lon, lat, area = None, None, None
        if (row.get("lon") or "").strip() or (row.get("lat") or "").strip():
            try:
                lon, lat = float(row["lon"]), float(row["lat"])
            except (TypeError, ValueError):
                raise ImportFileError(f"{where}, field 'lon'/'lat': not numbers: {row.get('lon')!r}, {row.get('lat')!r}")
            points.append(len(parsed))
        elif (row.get("area_code") or "").strip():
            area = Area.objects.filter(code=row["area_code"].strip()).first()
            if area is None:
                raise ImportFileError(f"{where}, field 'area_code': unknown area {row['area_code']!r}")
        else:
            raise ImportFileError(f"{where}, field 'lon'/'lat' or 'area_code': the report has no place")
        org = organisation
        if (row.get("organisation") or "").strip():
            org = orgs.get(row["organisation"].strip().casefold())
            if org is None:
                raise ImportFileError(f"{where}, field 'organisation': unknown organisation {row['organisation']!r}")
        parsed.append(dict(where=where, row=row, category=category, occurred=occurred, lon=lon, lat=lat,
                           area=area, org=org))
    located = locate_points([parsed[i]["lon"] for i in points], [parsed[i]["lat"] for i in points])
    for i, area in zip(points, located, strict=False):
        if area is None:
            p = parsed[i]
            raise ImportFileError(f"{p['where']}, field 'lon'/'lat': ({p['lon']}, {p['lat']}) is outside the "
                                  "municipality's areas")
        parsed[i]["area"] = area
    existing = set(Incident.objects.filter(source=Source.EST, source_id__startswith="csv-")
                   .values_list("source_id", flat=True))
    new, rejected = [], []
    with import_run("est", path.name, user) as run:
        for p in progress(parsed, total=len(parsed), desc="EST reports"):
            key = content_key(p["row"])
            if key in existing:
                run.unchanged += 1
                continue
            existing.add(key)
            texts, offending, _n = screen_text(
                {"place": p["row"].get("place") or "", "description": p["row"].get("description") or ""}, policy)
            if offending:
                if policy != REDACT:
                    run.rejected += 1
                    rejected.append(f"{p['where']} ({', '.join(offending)})")
                    continue
                run.redacted += 1
            new.append(placed_incident(
                source_id=key, occurred_at=p["occurred"], event_type="EST", category=p["category"],
                area=p["area"], placement=Placement.POINT if p["lon"] is not None else Placement.AREA,
                lon=p["lon"], lat=p["lat"], place_text=texts["place"][:200], body=texts["description"],
                organisation=p["org"], import_run=run, created_by=user,
            ))
        with write_phase(run):
            Incident.objects.bulk_create(new, batch_size=BATCH_SIZE)
            run.new = len(new)
            run.placed_in_district = len(new)
            if rejected:
                run.message = "Rejected for personal data: " + "; ".join(rejected[:50])
    return run
