"""Precision and coverage of text placement on a labelled set of real events.

The labels (``tests/data/placement_labels_<code>.csv``: id, stadsomrade, primaromrade,
outside_municipality, note) were written by reading each event's text: the stadsområde code,
"none" (the text names no place a reader could use), "outside" (another municipality) or
"unknown" (the text names a street the labeller could not locate: counted in coverage, left
out of precision, which cannot be judged for it).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .gazetteer import Gazetteer
from .placing import incident_text

LABELS = Path(__file__).parent / "tests" / "data"


def read_labels(code: str, path: Path | None = None) -> dict[str, dict]:
    with (path or LABELS / f"placement_labels_{code}.csv").open(encoding="utf-8", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


@dataclass
class Evaluation:
    events: int = 0  # every labelled event (unknown included)
    unknown: int = 0
    unknown_placed: int = 0
    placeable: int = 0  # labelled with a stadsområde
    placed: int = 0  # placed in a stadsområde (or finer) of the municipality
    placed_correct: int = 0
    primar_checked: int = 0  # placed at a primärområde where the label gives one
    primar_correct: int = 0
    outside_labelled: int = 0
    outside_moved: int = 0
    outside_correct: int = 0
    errors: list = field(default_factory=list)

    @property
    def coverage(self) -> float:
        """Events placed in a stadsområde (or finer), of every sampled event."""
        return (self.placed + self.unknown_placed) / self.events if self.events else 0.0

    @property
    def recall(self) -> float:
        return self.placed_correct / self.placeable if self.placeable else 0.0

    @property
    def precision(self) -> float:
        return self.placed_correct / self.placed if self.placed else 0.0

    @property
    def primar_precision(self) -> float:
        return self.primar_correct / self.primar_checked if self.primar_checked else 0.0

    def lines(self) -> list[str]:
        return [
            f"sampled events: {self.events} ({self.placeable} name a place in a stadsområde, "
            f"{self.unknown} a street the labeller could not locate)",
            f"placed in a stadsområde: {self.placed + self.unknown_placed} = {self.coverage:.1%} of the sampled events",
            f"stadsområde precision: {self.placed_correct}/{self.placed} = {self.precision:.1%}",
            f"recall of the placeable: {self.placed_correct}/{self.placeable} = {self.recall:.1%}",
            f"primärområde precision (label gives one): {self.primar_correct}/{self.primar_checked}"
            f" = {self.primar_precision:.1%}",
            f"outside: {self.outside_labelled} labelled, {self.outside_moved} moved, {self.outside_correct} right",
        ]


def evaluate(gazetteer: Gazetteer, events: dict[str, dict], labels: dict[str, dict]) -> Evaluation:
    """``events``: id → {"summary", "body"} (the feed's texts)."""
    mun = gazetteer.municipality.path
    depth = mun.count("/") - 1  # segments of the municipality path
    ev = Evaluation()
    for eid, label in labels.items():
        so = label["stadsomrade"]
        if eid not in events:
            continue
        ev.events += 1
        text = incident_text(events[eid].get("summary", ""), events[eid].get("body", ""))
        res = gazetteer.find(text)
        if so == "unknown":
            ev.unknown += 1
            ev.unknown_placed += res is not None and not res.outside
            continue
        got_so = got_po = None
        if res is not None and not res.outside:
            segs = res.path.strip("/").split("/")[depth:]
            got_so = segs[0] if segs else None
            got_po = segs[2] if len(segs) >= 3 else None
        if so == "outside":
            ev.outside_labelled += 1
        if res is not None and res.outside:
            ev.outside_moved += 1
            ev.outside_correct += so == "outside"
            if so != "outside":
                ev.errors.append((eid, so, "outside", res.names))
        if so not in ("none", "outside"):
            ev.placeable += 1
        if got_so is not None:
            ev.placed += 1
            ok = got_so == so
            ev.placed_correct += ok
            if not ok:
                ev.errors.append((eid, so, got_so, res.names))
            if got_po is not None and label["primaromrade"]:
                ev.primar_checked += 1
                ev.primar_correct += got_po == label["primaromrade"]
                if got_po != label["primaromrade"]:
                    ev.errors.append((eid, label["primaromrade"], got_po, res.names))
    return ev
