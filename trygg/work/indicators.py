"""A problem's indicator as the situation picture passes it ("source/theme/category", e.g.
``bra/egendom/stold_ur_fordon``, see ``picture.problem_links.indicator_of``): read it back, name
it for people, and turn it into a goal's prefill on the same indicator."""

from __future__ import annotations

from dataclasses import dataclass

from trygg.incidents.categories import (
    CATEGORIES,
    CRIME_TYPES,
    THEMES,
    category_label,
    crime_type_label,
    theme_label,
)
from trygg.numbers.figures import SOURCE_LABELS

SOURCE_CODES = ("all", "police", "est", "bra")


@dataclass(frozen=True)
class Indicator:
    source: str
    theme: str = ""
    category: str = ""

    @property
    def label(self) -> str:
        """"Theft from vehicles · Reported crimes (Brå)": what is counted, then the source."""
        if self.category:
            what = crime_type_label(self.category) if self.source == "bra" else category_label(self.category)
        else:
            what = theme_label(self.theme) if self.theme else ""
        source = str(SOURCE_LABELS.get(self.source, self.source))
        return f"{what} · {source}" if what else source

    def goal_initial(self) -> dict:
        """Goal form fields that count the same indicator."""
        out = {"sources": self.source, "theme": self.theme}
        if self.category:
            out["crime_type" if self.source == "bra" else "category"] = self.category
        return out


def parse(code: str) -> Indicator | None:
    """The indicator of a "source/theme/category" code (empty parts left out), or None for free text."""
    parts = [p for p in (code or "").strip().split("/") if p]
    if not parts or parts[0] not in SOURCE_CODES or len(parts) > 3:
        return None
    source, rest = parts[0], parts[1:]
    theme = rest.pop(0) if rest and rest[0] in THEMES else ""
    category = rest.pop(0) if rest else ""
    known = CRIME_TYPES if source == "bra" else CATEGORIES
    if rest or (category and category not in known):
        return None
    return Indicator(source, theme, category)


def label(code: str) -> str:
    """A readable name for a problem's indicator: the label of a code, free text as it is."""
    ind = parse(code)
    return ind.label if ind else code
