"""Demo step: the real police events (Västra Götaland with page text first, then the national
file), Brå's figures for Göteborg, and a clearly labelled synthetic set of EST reports. The
gazetteer that places the police events came with the demo's municipality (``trygg.areas.demo``)."""

import hashlib
from pathlib import Path

from django.db.models import Max
from django.utils import timezone

from trygg.accounts.models import Organisation
from trygg.areas.models import Area

from .bra import import_bra_csv
from .importing import municipality_of_all, summary_line
from .models import ImportRun, Incident, Source
from .placing import replace_police_events
from .police import import_police_file
from .synthetic import load_synthetic

SYNTHETIC = {"n": 3000, "seed": 7}

DEMO = Path(__file__).parent / "data" / "demo"


def _once(path: Path, importer, stdout) -> None:
    """Import a demo file unless exactly this file (same SHA-256) was imported before; the explicit
    ``trygg import …`` commands always re-check every record."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if ImportRun.objects.filter(file_name=path.name, checksum=digest, status=ImportRun.Status.DONE).exists():
        stdout.write(f"{path.name}: already imported, unchanged\n")
        return
    run = importer(path)
    ImportRun.objects.filter(pk=run.pk).update(checksum=digest)
    stdout.write(summary_line(run) + "\n")


def load(stdout):
    for name in ("polisen_events_vastra_gotaland_2022-09_2026-08.json.gz", "polisen_events_sweden_2022-09_2026-08.json.gz"):
        _once(DEMO / name, import_police_file, stdout)
    moves = replace_police_events()  # a changed gazetteer applies to events imported before
    stdout.write(f"Police events placed again by text: {moves.changed} changed, {moves.placed_after} placed\n")
    _once(DEMO / "bra_anmalda_brott_goteborg_stadsomraden_2023_2025.csv", import_bra_csv, stdout)
    last = Incident.objects.filter(source=Source.POLICE).aggregate(d=Max("date"))["d"]
    if last:
        _synthetic_once(last, stdout)


def _synthetic_once(last, stdout) -> None:
    """Generate the synthetic EST set ending at ``last`` unless exactly this set was made before
    (recorded as a done import run named after its parameters)."""
    name = f"synthetic EST n={SYNTHETIC['n']} seed={SYNTHETIC['seed']} up to {last.isoformat()}"
    if ImportRun.objects.filter(source=Source.EST, file_name=name, status=ImportRun.Status.DONE).exists():
        stdout.write(f"EST: synthetic reports up to {last}: already generated\n")
        return
    org = Organisation.objects.filter(kind="other").first()
    n = load_synthetic(last, organisation=org, **SYNTHETIC)
    areas = Area.objects.filter(pk__in=Incident.objects.filter(source=Source.EST, synthetic=True).values("area_id"))
    ImportRun.objects.create(source=Source.EST, file_name=name, status=ImportRun.Status.DONE, new=n,
                             placed_in_district=n, finished_at=timezone.now(),
                             municipality=municipality_of_all(areas.defer("geometry")),
                             message="Synthetic demo EST reports (synthetic=True), not real observations.")
    stdout.write(f"EST: {n} synthetic reports (labelled synthetic) up to {last}\n")
