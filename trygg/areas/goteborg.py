"""Göteborg's official statistical areas, shipped with Trygg (the demo's municipality).

Sources and licences: ``data/goteborg/SOURCE.md``; Sweden's municipalities: :mod:`.sweden`.
"""

import json
from pathlib import Path

from django.db import transaction

from .loading import load_layer
from .models import Area, Level, Population
from .sweden import load_sweden

DATA = Path(__file__).resolve().parent / "data"
GOTEBORG_CODE = "1480"
POPULATION_YEAR = 2025  # the shipped figures are for 2025-12-31
BANDS = {"": "pop_total", "0-18": "pop_0_18", "19-65": "pop_19_65", "66+": "pop_66plus"}
SOURCE_GBG = "Göteborgs Stad / SCB, befolkning 2025-12-31"


@transaction.atomic
def load_goteborg(stdout=None, include_basomraden: bool = True) -> dict[str, int]:
    """Göteborg's stads-, mellan-, primär- and basområden with population 2025."""
    if not Area.objects.filter(code=GOTEBORG_CODE).exists():
        load_sweden(stdout)
    gbg = Area.objects.get(code=GOTEBORG_CODE)
    layers = [
        ("goteborg_stadsomraden", Level.STADSOMRADE, "stadsomrade", "stadsomrade_namn", None),
        ("goteborg_mellanomraden", Level.MELLANOMRADE, "mellanomrade", "mellanomrade_namn", "stadsomrade"),
        ("goteborg_primaromraden", Level.PRIMAROMRADE, "primaromrade", "primaromrade_namn", "mellanomrade"),
    ]
    if include_basomraden:
        layers.append(("goteborg_basomraden_2021", Level.BASOMRADE, "basomrade", "basomrade", "primaromrade"))
    counts = {}
    for filename, level, code_field, name_field, parent_field in layers:
        res = load_layer(
            DATA / "goteborg" / f"{filename}.geojson.gz", level=level, code_field=code_field,
            name_field=name_field, parent_field=parent_field,
            parent_code=None if parent_field else gbg.code,
            population_fields=BANDS, population_year=POPULATION_YEAR, population_source=SOURCE_GBG,
            invalid_geometry="keep",  # as the city publishes them: 85 features self-intersect slightly
        )
        counts[level] = res.created + res.updated + res.unchanged
        if stdout:
            stdout.write(f"Göteborg {level}: {counts[level]} areas ({res.created} new)")
    if include_basomraden:
        # basområden have codes only; show them as "Basområde 61001 (Hjällbo)"
        for area in Area.objects.filter(level=Level.BASOMRADE, name__regex=r"^[0-9]+$").select_related("parent"):
            area.name = f"{area.code} {area.parent.name}"
            area.save(update_fields=["name"])
    # The municipality's own 2025 figures, from the same source as the districts.
    raw = json.loads((DATA / "goteborg" / "goteborg_population_2025-12-31_by_area.json").read_text("utf-8"))
    bands = ["0-18", "19-65", "66+", ""]
    for band, value in zip(bands, raw["gbg"][GOTEBORG_CODE], strict=True):
        Population.objects.update_or_create(
            area=gbg, year=POPULATION_YEAR, age_band=band, defaults={"count": int(value), "source": SOURCE_GBG}
        )
    return counts


__all__ = ["load_goteborg", "load_sweden"]
