"""Göteborg's official statistical areas and Sweden's municipalities, shipped with Trygg.

Sources and licences: ``data/goteborg/SOURCE.md`` and ``data/sweden/SOURCE.md``.
"""

import csv
import json
from pathlib import Path

from django.db import transaction

from .loading import load_layer
from .models import Area, Level, Population

DATA = Path(__file__).resolve().parent / "data"
GOTEBORG_CODE = "1480"
POPULATION_YEAR = 2025  # the shipped figures are for 2025-12-31
BANDS = {"": "pop_total", "0-18": "pop_0_18", "19-65": "pop_19_65", "66+": "pop_66plus"}
SOURCE_GBG = "Göteborgs Stad / SCB, befolkning 2025-12-31"


@transaction.atomic
def load_sweden(stdout=None) -> int:
    """Sweden and its 290 municipalities, with SCB population 2024."""
    sweden, _ = Area.objects.update_or_create(
        code="SE", defaults={"name": "Sverige", "level": Level.COUNTRY, "parent": None}
    )
    res = load_layer(
        DATA / "sweden" / "swedish_municipalities.geojson.gz", level=Level.MUNICIPALITY,
        code_field="id", name_field="kom_namn", parent_code="SE", invalid_geometry="keep",
    )
    with open(DATA / "sweden" / "kommun_population_scb_2024.csv", encoding="utf-8") as fh:
        by_code = {a.code: a for a in Area.objects.filter(level=Level.MUNICIPALITY)}
        for row in csv.DictReader(fh):
            area = by_code.get(row["kommun_kod"])
            if area:
                Population.objects.update_or_create(
                    area=area, year=2024, age_band="",
                    defaults={"count": int(row["population"]), "source": "SCB 2024"},
                )
    total = sum(Population.objects.filter(area__level=Level.MUNICIPALITY, year=2024).values_list("count", flat=True))
    Population.objects.update_or_create(area=sweden, year=2024, age_band="", defaults={"count": total, "source": "SCB 2024"})
    if stdout:
        stdout.write(f"Sweden: {res.created} municipalities created, {res.updated} updated, {res.unchanged} unchanged")
    return res.created + res.updated + res.unchanged


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
