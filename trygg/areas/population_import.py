"""Import population per area and year: atomic and idempotent.

Formats:
* CSV with columns ``area_code,year,age_band,count`` (age_band empty = total; UTF-8).
* SCB PxWeb JSON (``{"columns", "data": [{"key": [region, age, sex, year], "values": [n]}]}``), as
  in the RegSO export: rows for both sexes ("1+2") are summed per age band, "totalt" is the total.
  Region codes like ``1234R001_RegSO2025`` are used without the suffix; they must be Trygg area
  codes, otherwise the file is refused naming the unknown codes (Trygg has no RegSO areas today).
"""

import json
from pathlib import Path

from django.db import transaction

from trygg.textfile import TextFileError, read_csv, read_text

from .models import Area, Population


class PopulationImportError(ValueError):
    pass


def _read_csv(path: Path):
    try:
        _fields, rows = read_csv(path, ("area_code", "year", "age_band", "count"))
    except TextFileError as exc:
        raise PopulationImportError(str(exc))
    for line, row in rows:
        try:
            year, count = int(row["year"]), int(row["count"])
        except (TypeError, ValueError):
            raise PopulationImportError(f"{path.name} line {line}, field 'year'/'count': not whole numbers")
        if count < 0:
            raise PopulationImportError(f"{path.name} line {line}, field 'count': negative")
        code, band = (row["area_code"] or "").strip(), (row["age_band"] or "").strip()
        if not code or len(code) > 40 or len(band) > 20:
            raise PopulationImportError(f"{path.name} line {line}, field 'area_code'/'age_band': empty or too long")
        yield f"{path.name} line {line}", code, year, band, count


def _read_pxweb(path: Path, data: dict):
    rows = data.get("data") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise PopulationImportError(f"{path.name}: not a PxWeb table (no 'data' list)")
    sums: dict[tuple, int] = {}
    for i, r in enumerate(rows, start=1):
        try:
            region, age, sex, year = r["key"]
            value = int(r["values"][0])
            year = int(year)
            region, age = str(region), str(age)
        except (KeyError, ValueError, TypeError, IndexError):
            raise PopulationImportError(f"{path.name}: data row {i}: expected key [region, age, sex, year] and a value")
        if sex != "1+2":
            continue
        key = (region.split("_")[0], year, "" if age == "totalt" else age)
        sums[key] = sums.get(key, 0) + value
    for (code, year, band), count in sums.items():
        yield f"{path.name} region {code}", code, year, band, count


def import_population(path, source="") -> dict:
    """Returns counts {new, updated, unchanged}; raises PopulationImportError on a bad file."""
    path = Path(path)
    if path.suffix == ".json":
        try:
            records = list(_read_pxweb(path, json.loads(read_text(path))))
        except TextFileError as exc:
            raise PopulationImportError(str(exc))
        except json.JSONDecodeError as exc:
            raise PopulationImportError(f"{path.name}: not valid JSON ({exc})")
        except RecursionError:
            raise PopulationImportError(f"{path.name}: not valid JSON (nested too deeply)")
    else:
        records = list(_read_csv(path))
    areas = {a.code: a for a in Area.objects.filter(code__in={r[1] for r in records})}
    unknown = sorted({r[1] for r in records} - set(areas))
    if unknown:
        first = next(r[0] for r in records if r[1] in unknown)
        raise PopulationImportError(f"{first}, field 'area_code': {len(unknown)} unknown area code(s): "
                                    f"{', '.join(unknown[:10])}")
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for _where, code, year, band, count in records:
            obj, created = Population.objects.get_or_create(
                area=areas[code], year=year, age_band=band, defaults={"count": count, "source": source or path.name})
            if created:
                counts["new"] += 1
            elif obj.count != count:
                obj.count = count
                obj.save(update_fields=["count"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts
