"""CSV and Excel files of the picture's figures (the same rows as the page and the CLI)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

COLUMNS = ["kind", "source", "theme", "category", "label", "period", "count", "rate", "comparison_count",
           "comparison_rate", "ratio", "ci_low", "ci_high", "p_value", "p_adj", "significant", "direction",
           "data_up_to", "incomplete", "synthetic"]


def table(fig) -> list[list]:
    d = fig.as_dict()
    return [[r[c] for c in COLUMNS] for r in d["rows"]]


def header_lines(fig) -> list[list]:
    return [
        ["area", fig.area_code, fig.area_name],
        ["period", fig.start.isoformat(), fig.end.isoformat()],
        ["compared with", fig.comparison_start.isoformat(), fig.comparison_end.isoformat(), fig.compare],
        ["theme", fig.theme or "all"],
        ["population", fig.population, fig.population_year],
        *[["source", s["source"], s["latest_import"]] for s in fig.sources],
        *[["data up to", c["source"], c["up_to"], "stale" if c["stale"] else ""] for c in fig.currency],
        *[["incomplete", s, f"data up to {day}: not tested"] for s, day in fig.incomplete.items()],
        *([["synthetic", fig.synthetic_count, "synthetic demo rows, not real observations"]]
          if fig.synthetic_count else []),
    ]


def to_csv(fig) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    w.writerows(table(fig))
    return buf.getvalue()


def to_xlsx(fig) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "figures"
    ws.append(COLUMNS)
    for row in table(fig):
        ws.append(row)
    about = wb.create_sheet("about")
    for line in header_lines(fig):
        about.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def filename(fig, ext) -> str:
    return f"lagesbild-{fig.area_code}-{fig.start}-{fig.end}{'-' + fig.theme if fig.theme else ''}.{ext}"


def response(fig, fmt: str) -> HttpResponse:
    if fmt == "csv":
        resp = HttpResponse(to_csv(fig), content_type="text/csv; charset=utf-8")
    else:
        resp = HttpResponse(to_xlsx(fig), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="{filename(fig, fmt)}"'
    return resp
