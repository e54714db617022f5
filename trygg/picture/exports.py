"""CSV and Excel files of the picture's figures (the same rows as the page and the CLI).

The CSV keeps machine-readable codes (one row per figure, stable column names); the Excel file is
for people: Swedish sheet and column names, labels instead of codes, rounded numbers with number
formats, local dates, a frozen header row, filters, column widths and a sheet "Om uttaget" with the
sources, how current they are and the method. Text cells that a spreadsheet would read as a
formula are escaped in both (``trygg.web.spreadsheet.safe_text``)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.incidents.categories import theme_label
from trygg.web.spreadsheet import about_sheet, safe_text, write_table

COLUMNS = ["kind", "source", "theme", "category", "label", "period", "count", "rate", "comparison_count",
           "comparison_rate", "ratio", "ci_low", "ci_high", "p_value", "p_adj", "significant", "direction",
           "data_up_to", "incomplete", "synthetic", "expected", "test"]

# (field, header, number kind) of the Excel sheet
XLSX_COLUMNS = [
    ("kind", gettext_lazy("Level"), "text"), ("source", gettext_lazy("Source"), "text"),
    ("theme", gettext_lazy("Theme"), "text"), ("label", gettext_lazy("Category / crime type"), "text"),
    ("period", gettext_lazy("Period"), "text"), ("count", gettext_lazy("Count"), "int"),
    ("rate", gettext_lazy("per 1,000 inhabitants"), "float2"),
    ("comparison_count", gettext_lazy("Count, comparison period"), "int"),
    ("comparison_rate", gettext_lazy("per 1,000, comparison period"), "float2"),
    ("expected", gettext_lazy("Expected count"), "float2"),
    ("ratio", gettext_lazy("Ratio to expected"), "float2"), ("ci_low", gettext_lazy("95 percent CI, low"), "float2"),
    ("ci_high", gettext_lazy("95 percent CI, high"), "float2"), ("p_value", gettext_lazy("p-value"), "float4"),
    ("p_adj", gettext_lazy("p-value after FDR"), "float4"),
    ("significant", gettext_lazy("Significant change"), "bool"), ("direction", gettext_lazy("Direction"), "text"),
]
KIND_LABELS = {"category": gettext_lazy("category"), "theme": gettext_lazy("theme"), "total": gettext_lazy("total")}
DIRECTION_LABELS = {"up": gettext_lazy("increase"), "down": gettext_lazy("decrease"), "": ""}


def table(fig) -> list[list]:
    d = fig.as_dict()
    return [[safe_text(r[c]) for c in COLUMNS] for r in d["rows"]]


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


def _xlsx_row(r) -> list:
    from trygg.picture.figures import SOURCE_LABELS

    out = []
    for key, _h, _k in XLSX_COLUMNS:
        v = getattr(r, key)
        if key == "kind":
            v = str(KIND_LABELS.get(v, v))
        elif key == "source":
            v = str(SOURCE_LABELS.get(v, v))
        elif key == "theme":
            v = str(theme_label(v)) if v else ""
        elif key == "label" and r.kind != "category":
            v = ""
        elif key == "direction":
            v = str(DIRECTION_LABELS.get(v, v))
        elif key == "ratio" and not r.comparable:
            v = None
        out.append(v)
    return out


def to_xlsx(fig) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("Situation picture")[:31]
    write_table(ws, [(str(h), k) for _f, h, k in XLSX_COLUMNS], [_xlsx_row(r) for r in fig.rows])
    lines = [
        (_("Area"), f"{fig.area_name} ({fig.area_code})"),
        (_("Period"), f"{fig.start.isoformat()} – {fig.end.isoformat()}"),
        (_("Compared with"), f"{fig.comparison_start.isoformat()} – {fig.comparison_end.isoformat()}"),
        (_("Theme"), str(theme_label(fig.theme)) if fig.theme else _("all themes")),
        (_("Population"), f"{fig.population or '–'} ({fig.population_year or '–'})"),
    ]
    for c in fig.currency:  # the same "data up to" as the page (trygg.incidents.coverage)
        lines.append((f"{_('Data up to')} – {c['label']}", c["up_to"]))
    if fig.bra_year:
        lines.append((_("Reported crimes (Brå)"), _("statistics year %(y)s against the year before") % {"y": fig.bra_year}))
    lines += [
        (_("Method"), _("Counts of police events and EST reports in the area and period; rates per 1,000 inhabitants; "
                        "change as the ratio to the count expected from the comparison period and the equal periods "
                        "before it, with the quasi-Poisson baseline test of Farrington et al. (1996) (a row with a "
                        "short history: against the comparison period alone, the mid-p value of the exact "
                        "conditional test on the counts divided by the dispersion of its own history); rows with "
                        "fewer than %(n)s events in the two periods are not tested; Benjamini–Hochberg "
                        "false-discovery-rate control at 5 percent over all tested rows of the file. A source not "
                        "yet collected in the comparison period has no ratio or test.") % {"n": fig.min_events}),
        (_("Exported"), timezone.localtime(timezone.now())),
    ]
    about_sheet(wb, _("About this export"), lines)
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
