"""Sweden and its 290 municipalities with SCB population, shipped with Trygg (``data/sweden``,
sources and licences in its SOURCE.md)."""

import csv
from pathlib import Path

from django.db import transaction

from .loading import load_layer
from .models import Area, Level, Population

DATA = Path(__file__).resolve().parent / "data"


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
