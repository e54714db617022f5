"""The police event type → Trygg category table (``data/police_event_types.csv``, editable)."""

import csv
from functools import lru_cache
from pathlib import Path

from .categories import CATEGORIES

TABLE = Path(__file__).parent / "data" / "police_event_types.csv"


@lru_cache(maxsize=1)
def police_type_categories() -> dict[str, str]:
    """Event type (stripped) → category slug; raises ValueError on an unknown category in the table."""
    table = {}
    with TABLE.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            category = row["category"].strip()
            if category not in CATEGORIES:
                raise ValueError(f"{TABLE.name} line {line}: unknown category {category!r}")
            table[row["type"].strip()] = category
    return table


def category_of_police_type(event_type: str) -> str:
    """The category of a police event type; types not in the table are "ovrigt"."""
    return police_type_categories().get((event_type or "").strip(), "ovrigt")
