"""Place an incident in a district from the place names in its text.

The police feed gives only the municipality's centre as coordinates; the district or street is in
the free text. The gazetteer holds the names of the home municipality's stadsområden,
mellanområden and primärområden (from the Area table) plus well-known squares and neighbourhoods
(``data/places_<municipality code>.csv``: name, primaromrade). All names are compiled into one
regular expression (longest first, word boundaries, Swedish letters, an optional genitive "s"), so
a text is scanned once. The finest match wins (a listed place or a primärområde over a
mellanområde over a stadsområde); among equals the first in the text.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from trygg.areas.models import Area, Level

DATA = Path(__file__).parent / "data"
_RANK = {"place": 0, Level.PRIMAROMRADE: 0, Level.BASOMRADE: 0, Level.MELLANOMRADE: 1, Level.STADSOMRADE: 2}


@dataclass(frozen=True)
class Match:
    area: Area
    name: str


def _variants(name: str) -> set[str]:
    """The name as written plus each later word with its first letter in the other case
    ("Frölunda Torg" ↔ "Frölunda torg"); the first word keeps its capital (place names are proper
    nouns, which keeps "heden"/"backa" as common words from matching)."""
    words = name.split(" ")
    out = {name}
    if len(words) > 1:
        out.add(" ".join([words[0]] + [w[:1].lower() + w[1:] for w in words[1:]]))
        out.add(" ".join([words[0]] + [w[:1].upper() + w[1:] for w in words[1:]]))
    return out


class Gazetteer:
    def __init__(self, municipality: Area):
        self.municipality = municipality
        areas = Area.objects.filter(
            path__startswith=municipality.path,
            level__in=[Level.STADSOMRADE, Level.MELLANOMRADE, Level.PRIMAROMRADE],
        )
        by_code = {a.code: a for a in areas}
        entries: dict[str, tuple[int, Area]] = {}

        def add(name, area, rank):
            for v in _variants(name.strip()):
                if v and (v not in entries or entries[v][0] > rank):
                    entries[v] = (rank, area)

        for a in areas:
            add(a.name, a, _RANK[a.level])
        places = DATA / f"places_{municipality.code}.csv"
        if places.exists():
            with places.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    area = by_code.get(row["primaromrade"].strip())
                    if area is not None:
                        add(row["name"], area, _RANK["place"])
        self.entries = entries
        names = sorted(entries, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")s?(?!\w)"
        ) if names else None

    def find(self, text: str) -> Match | None:
        if not text or self.pattern is None:
            return None
        best = None
        for m in self.pattern.finditer(text):
            rank, area = self.entries[m.group(1)]
            if best is None or rank < best[0]:
                best = (rank, Match(area, m.group(1)))
                if rank == 0:
                    break
        return best[1] if best else None
