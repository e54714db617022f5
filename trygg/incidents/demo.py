"""Demo step: the real police events (Västra Götaland with page text first, then the national
file), Brå's figures for Göteborg, and a clearly labelled synthetic set of EST reports."""

from pathlib import Path

from django.db.models import Max

from trygg.accounts.models import Organisation

from .bra import import_bra_csv
from .importing import summary_line
from .models import Incident, Source
from .police import import_police_file
from .synthetic import load_synthetic

DEMO = Path(__file__).parent / "data" / "demo"


def load(stdout):
    for name in ("polisen_events_vastra_gotaland_2022-09_2026-08.json.gz", "polisen_events_sweden_2022-09_2026-08.json.gz"):
        stdout.write(summary_line(import_police_file(DEMO / name)) + "\n")
    stdout.write(summary_line(import_bra_csv(DEMO / "bra_anmalda_brott_goteborg_stadsomraden_2023_2025.csv")) + "\n")
    last = Incident.objects.filter(source=Source.POLICE).aggregate(d=Max("date"))["d"]
    if last:
        org = Organisation.objects.filter(kind="other").first()
        n = load_synthetic(last, organisation=org)
        stdout.write(f"EST: {n} synthetic reports (labelled synthetic) up to {last}\n")
