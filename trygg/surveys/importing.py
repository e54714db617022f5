"""Import safety-survey results from CSV (format: docs/surveys.md, example: data/example_survey.csv).

All or nothing: every line is checked first; one bad line rejects the whole file with messages
naming file, line and column. Re-importing the same file changes nothing (idempotent).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from trygg.areas.models import Area
from trygg.incidents.importing import municipality_of_all
from trygg.incidents.models import ImportRun

from .indicators import INDICATORS
from .models import SurveyResult
from .statistics import mean_interval, wilson_interval

REQUIRED = ["indicator", "area_code", "year", "respondents", "value"]
OPTIONAL = ["ci_low", "ci_high", "sd", "source", "area_name"]


@dataclass
class SurveyImportError(Exception):
    file_name: str
    errors: list[str] = field(default_factory=list)

    def __str__(self):
        return f"{self.file_name}: " + "; ".join(self.errors[:20]) + (" …" if len(self.errors) > 20 else "")


def _number(raw: str, cast=float):
    raw = (raw or "").strip().replace("\u2212", "-").replace(" ", "").replace(",", ".")
    if raw == "":
        return None
    number = float(raw)
    if cast is int:
        if not number.is_integer():
            raise ValueError(raw)
        return int(number)
    return number


def _rows(text: str):
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def parse(text: str, file_name: str) -> list[dict]:
    """Check every line; return clean rows or raise SurveyImportError listing every problem."""
    reader = _rows(text.lstrip("\ufeff"))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise SurveyImportError(file_name, [f"line 1: missing column(s) {', '.join(missing)}"])
    reader.fieldnames = headers
    areas = {a.code: a for a in Area.objects.all()}
    errors, rows, seen = [], [], {}
    for lineno, raw in enumerate(reader, start=2):
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue

        def bad(column, msg, lineno=lineno):
            errors.append(f"line {lineno}, column {column}: {msg}")

        row = {k: (raw.get(k) or "").strip() for k in REQUIRED + OPTIONAL}
        spec = INDICATORS.get(row["indicator"])
        if spec is None:
            bad("indicator", f"unknown indicator '{row['indicator']}' (known: {', '.join(INDICATORS)})")
        area = areas.get(row["area_code"])
        if area is None:
            bad("area_code", f"unknown area code '{row['area_code']}'")
        parsed = {}
        for col, cast in (("year", int), ("respondents", int), ("value", float),
                          ("ci_low", float), ("ci_high", float), ("sd", float)):
            try:
                parsed[col] = _number(row[col], cast)
            except ValueError:
                bad(col, f"'{row[col]}' is not a number")
                parsed[col] = None
        for col in ("year", "respondents", "value"):
            if row[col] == "":
                bad(col, "is required")
        year, n, value = parsed["year"], parsed["respondents"], parsed["value"]
        lo, hi, sd = parsed["ci_low"], parsed["ci_high"], parsed["sd"]
        if year is not None and not 1990 <= year <= 2100:
            bad("year", f"{year} is not a plausible year")
        if n is not None and n <= 0:
            bad("respondents", "must be a positive whole number")
        if spec and value is not None and not spec.low <= value <= spec.high:
            bad("value", f"{value} is outside {spec.low:g}–{spec.high:g} for {spec.slug}")
        if (lo is None) != (hi is None):
            bad("ci_low" if lo is None else "ci_high", "give both ci_low and ci_high, or neither")
        elif lo is not None and value is not None and not lo <= value <= hi:
            bad("ci_low", f"the interval {lo:g}–{hi:g} does not contain the value {value:g}")
        if spec and lo is None and spec.kind == "index" and sd is None and row["sd"] == "":
            bad("sd", "an index without ci_low/ci_high needs sd to compute its interval")
        if spec and area and year is not None:
            key = (area.code, year, spec.slug)
            if key in seen:
                bad("indicator", f"duplicate of line {seen[key]} ({spec.slug}, {area.code}, {year})")
            seen[key] = lineno
        if errors and errors[-1].startswith(f"line {lineno},"):
            continue
        computed = lo is None
        if computed:
            lo, hi = wilson_interval(value, n) if spec.kind == "share" else mean_interval(value, sd, n)
        rows.append({"area": area, "year": year, "indicator": spec.slug, "respondents": n,
                     "value": value, "ci_low": round(lo, 3), "ci_high": round(hi, 3), "ci_computed": computed,
                     "sd": sd, "source": row["source"][:200]})
    if errors:
        raise SurveyImportError(file_name, errors)
    if not rows:
        raise SurveyImportError(file_name, ["the file has no data lines"])
    return rows


FIELDS = ("respondents", "value", "ci_low", "ci_high", "ci_computed", "sd", "source")


def import_survey(text: str, file_name: str, user=None) -> ImportRun:
    """Import survey results; returns the finished ImportRun. Raises SurveyImportError (nothing
    is saved then, but a failed ImportRun is recorded with the messages)."""
    try:
        rows = parse(text, file_name)
    except SurveyImportError as exc:
        ImportRun.objects.create(source="survey", file_name=file_name, status=ImportRun.Status.FAILED, finished_at=timezone.now(),
                                 rejected=len(exc.errors), message=str(exc)[:5000], user=user)
        raise
    with transaction.atomic():
        run = ImportRun.objects.create(source="survey", file_name=file_name, user=user)
        existing = {(r.area_id, r.year, r.indicator): r for r in SurveyResult.objects.filter(
            area__in={r["area"] for r in rows}, year__in={r["year"] for r in rows})}
        for row in rows:
            old = existing.get((row["area"].pk, row["year"], row["indicator"]))
            if old is None:
                SurveyResult.objects.create(import_run=run, **row)
                run.new += 1
            elif all(getattr(old, f) == row[f] for f in FIELDS):
                run.unchanged += 1
            else:
                for f in FIELDS:
                    setattr(old, f, row[f])
                old.import_run = run
                old.save()
                run.new += 1
        run.status = ImportRun.Status.DONE
        run.finished_at = timezone.now()
        run.municipality = municipality_of_all(r["area"] for r in rows)  # one municipality's survey, or national
        run.message = f"{run.new} new or changed, {run.unchanged} unchanged"
        run.save()
    return run
