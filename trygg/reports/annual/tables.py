"""A table of the annual analysis: shown in the HTML/PDF and written as one Excel sheet, so the
web page, the PDF and the workbook carry the same numbers."""

from dataclasses import dataclass, field


@dataclass
class Table:
    sheet: str  # Excel sheet name (≤ 31 characters)
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
