"""Import the police's public events feed (polisen.se/api/events JSON, or an archive of it).

Quirks handled (see docs/data-import.md): hours without zero padding in ``datetime``; ``gps`` is
the municipality's or county's centre (not stored as a point); since 2026 ``location.name`` is the
county, so the municipality comes from the end of ``name``; "Sammanfattning …" and "Uppdatering"
records (category sammanfattning/uppdatering, not counted as incidents); optional ``html_body``
(the event page text). The event time is taken from ``name`` ("13 oktober 05:15"), the publication
time ``datetime`` is the fallback.
"""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

from django.utils import timezone

from trygg.areas.models import Area, Level
from trygg.jsonfile import JsonFileError, read_json

from .categories import theme_of
from .event_types import category_of_police_type
from .importing import (
    BATCH_SIZE,
    REDACT,
    ImportFileError,
    Screen,
    import_run,
    personal_data_policy,
    progress,
    write_phase,
)
from .loader import insert_rows
from .models import Incident, Placement, Source
from .placing import Placer, incident_text

BASE_URL = "https://polisen.se"
_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2}) ?([+-])(\d{2}):?(\d{2})$")
_NAME_TIME = re.compile(r"^\s*(\d{1,2}) (\w+) (\d{1,2})[:.](\d{2})\b")
MONTHS = {m: i for i, m in enumerate(
    "januari februari mars april maj juni juli augusti september oktober november december".split(), start=1)}


def read_events(path) -> list:
    """The list of event records in a .json or .json.gz file."""
    path = Path(path)
    try:
        data = read_json(path)
    except JsonFileError as exc:
        raise ImportFileError(str(exc).replace(str(path), path.name, 1))
    if not isinstance(data, list):
        raise ImportFileError(f"{path.name}: expected a JSON list of events")
    return data


_OFFSETS: dict[tuple, dt_timezone] = {}
_ONE_DAY = timedelta(days=1)


def parse_published(value, where: str) -> datetime:
    """``"2022-10-16 6:13:32 +02:00"`` (hour not zero-padded) → aware datetime."""
    m = _DATETIME.match(str(value or "").strip())
    if not m:
        raise ImportFileError(f"{where}, field 'datetime': not a date and time: {value!r}")
    y, mo, d, h, mi, s, sign, oh, om = m.groups()
    try:
        zone = _OFFSETS.get((sign, oh, om))
        if zone is None:  # a feed has two offsets (+01:00, +02:00): one tzinfo each, not one per event
            zone = dt_timezone(timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1))
            _OFFSETS[sign, oh, om] = zone
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=zone)
    except ValueError as exc:
        raise ImportFileError(f"{where}, field 'datetime': {exc}: {value!r}")


def event_time(name: str, published: datetime) -> datetime:
    """The event's own time from ``name`` ("16 oktober 03:25, …") in local time, in the year of
    publication (or the year before, for an event published after new year); else ``published``."""
    m = _NAME_TIME.match(name or "")
    if not m:
        return published
    day, month_name, hour, minute = m.groups()
    month = MONTHS.get(month_name.lower())
    if not month:
        return published
    # the site's zone, given; ``published`` is aware (``parse_published``), so Django's localtime and
    # make_aware come down to these two steps (their checks cost 0.3 s over the national feed)
    zone = timezone.get_default_timezone()
    local = published.astimezone(zone)
    try:
        candidate = datetime(local.year, month, int(day), int(hour), int(minute), tzinfo=zone)
    except ValueError:
        return published
    if candidate > published + _ONE_DAY:
        try:
            candidate = candidate.replace(year=candidate.year - 1)
        except ValueError:
            return published
    return candidate


class MunicipalityResolver:
    """Municipality from ``name``'s suffix or ``location.name`` (case-insensitive); county names → None."""

    def __init__(self):
        self.by_name = {a.name.casefold(): a for a in Area.objects.filter(level=Level.MUNICIPALITY)}

    def __call__(self, name: str, location_name: str) -> Area | None:
        suffix = (name or "").rsplit(",", 1)[-1].strip().casefold()
        return self.by_name.get(suffix) or self.by_name.get((location_name or "").strip().casefold())


def _record(raw, index: int, file_name: str) -> dict:
    where = f"{file_name}: record {index + 1}"
    if not isinstance(raw, dict):
        raise ImportFileError(f"{where}: expected an object")
    if raw.get("id") in (None, ""):
        raise ImportFileError(f"{where}: field 'id' is missing")
    where = f"{file_name}: record {index + 1} (id {str(raw['id'])[:40]})"
    for field in ("datetime", "name", "type"):
        if not raw.get(field):
            raise ImportFileError(f"{where}: field '{field}' is missing")
    validate_record_fields(raw, where)
    location = raw.get("location") or {}
    if not isinstance(location, dict):
        raise ImportFileError(f"{where}: field 'location' must be an object")
    return {"where": where, "location": location}


# Field → (types allowed, longest allowed, whether empty/None is allowed). Longer text fields are
# capped by the personal-data guard (TRYGG_MAX_TEXT_LENGTH) when they are screened.
FIELD_RULES = {
    "id": ((str, int), 100, False),
    "datetime": ((str,), 40, False),
    "name": ((str,), 300, False),
    "type": ((str,), 120, False),
    "summary": ((str,), None, True),
    "html_body": ((str,), None, True),
    "url": ((str,), 400, True),
}
LOCATION_RULES = {"name": ((str,), 200, True), "gps": ((str,), 60, True)}


def _check_fields(obj: dict, rules: dict, where: str, prefix: str = "") -> None:
    for field, (types, longest, optional) in rules.items():
        value = obj.get(field)
        if type(value) is str:  # the usual case (every rule allows text)
            if longest and len(value) > longest:
                raise ImportFileError(f"{where}, field '{prefix}{field}': {len(value):,} characters, "
                                      f"more than the {longest} allowed")
            continue
        if value is None and optional:
            continue
        if isinstance(value, bool) or not isinstance(value, types):
            kind = "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else type(value).__name__
            raise ImportFileError(f"{where}, field '{prefix}{field}': expected text, not {kind}")
        if longest and len(str(value)) > longest:
            raise ImportFileError(f"{where}, field '{prefix}{field}': {len(str(value)):,} characters, "
                                  f"more than the {longest} allowed")


def validate_record_fields(raw: dict, where: str) -> None:
    """Types and lengths of one feed record, so that a malformed record is refused with its file,
    record and field (never a traceback, never a DataError from a database column)."""
    _check_fields(raw, FIELD_RULES, where)
    if isinstance(raw.get("location"), dict):
        _check_fields(raw["location"], LOCATION_RULES, where, "location.")


def check_duplicate(seen: dict, source_id: str, raw: dict, where: str) -> bool:
    """True when ``source_id`` came earlier in the same file with the same content (skip it); a
    repeated id with *different* content is refused, naming both records."""
    if source_id not in seen:
        seen[source_id] = (where, raw)
        return False
    first_where, first = seen[source_id]
    if first == raw:
        return True
    fields = sorted(k for k in set(first) | set(raw) if first.get(k) != raw.get(k))
    raise ImportFileError(f"{where}: id {source_id} was already in {first_where.split(': ', 1)[-1]} with "
                          f"different content (field(s) {', '.join(repr(f) for f in fields)})")


def import_police_events(records, file_name="", user=None, personal_data=None, stdout=None):
    """Import ``records`` (a list of feed objects) atomically; returns the ImportRun."""
    policy = personal_data_policy("police", personal_data)
    screen = Screen(policy)
    resolve = MunicipalityResolver()
    placer = Placer()
    existing = {sid: (body, kind) for sid, body, kind in
                Incident.objects.filter(source=Source.POLICE).values_list("source_id", "body", "event_type")}
    zone = timezone.get_default_timezone()
    seen: dict[str, tuple] = {}
    new, to_update, rejected_ids = [], [], []
    with import_run("police", file_name, user) as run:
        for i, raw in enumerate(progress(records, total=len(records), desc="police events")):
            meta = _record(raw, i, file_name)
            source_id = str(raw["id"]).strip()
            published = parse_published(raw["datetime"], meta["where"])
            body = raw.get("html_body") or ""
            if check_duplicate(seen, source_id, raw, meta["where"]):
                run.unchanged += 1
                continue
            event_type = raw["type"].strip()[:120]
            # unchanged unless the feed brings what the stored row lacks: the event page's text, or
            # the event type (rows imported by stop 23's code were written without it)
            if source_id in existing and (existing[source_id][0] or not body) and \
                    (existing[source_id][1] or not event_type):
                run.unchanged += 1
                continue
            texts, offending, _found = screen(
                {"title": raw["name"], "summary": raw.get("summary") or "", "body": body}, meta["where"])
            if offending:
                if policy == REDACT:
                    run.redacted += 1
                else:
                    run.rejected += 1
                    rejected_ids.append(f"{source_id} ({', '.join(offending)})")
                    continue
            category = category_of_police_type(raw["type"])
            municipality = resolve(raw["name"], meta["location"].get("name"))
            occurred = event_time(raw["name"], published)
            placed = placer.fields(municipality, category, incident_text(texts["summary"], texts["body"]))
            if placed["placement"] == Placement.TEXT and placed["place_level"] != Level.MUNICIPALITY:
                run.placed_in_district += 1
            area, placed_in = placed.pop("area"), placed.pop("municipality")
            row = dict(
                source=Source.POLICE, source_id=source_id, occurred_at=occurred,
                date=occurred.astimezone(zone).date(),  # aware: parsed with its offset (``event_time``)
                event_type=event_type,
                category=category, theme=theme_of(category),
                reported_municipality_id=municipality.pk if municipality else None,
                title=texts["title"][:300], summary=texts["summary"], body=texts["body"],
                url=_absolute(raw.get("url")), area_id=area.pk if area else None,
                area_path=area.path if area else "", municipality_id=placed_in.pk if placed_in else None, **placed,
            )
            if source_id in existing:
                to_update.append(Incident(**row, import_run=run))
            else:
                new.append(row)  # a plain row: no model instance per event (``loader.insert_rows``)
        with write_phase(run):  # the run is stored first: its id is the rows' provenance
            insert_rows(Incident, ({**row, "import_run_id": run.pk} for row in new))
            run.new = len(new)
            if to_update:
                _enrich(to_update)
                run.updated = len(to_update)
            if rejected_ids:
                run.message = "Rejected for personal data: " + "; ".join(rejected_ids[:50])
    return run


def _enrich(incidents):
    """Records seen before without the event page text or the event type: add them, and the district
    found in the text."""
    pks = dict(Incident.objects.filter(source=Source.POLICE, source_id__in=[i.source_id for i in incidents])
               .values_list("source_id", "pk"))
    for inc in incidents:
        inc.pk = pks[inc.source_id]
    Incident.objects.bulk_update(
        incidents, ["body", "summary", "title", "event_type", "municipality", "area", "area_path", "placement",
                    "place_text", "place_level", "import_run"],
        batch_size=BATCH_SIZE)


def _absolute(url) -> str:
    url = (url or "").strip()
    if url.startswith("/"):
        return BASE_URL + url
    return url[:500]


def import_police_file(path, **kwargs):
    return import_police_events(read_events(path), file_name=Path(path).name, **kwargs)
