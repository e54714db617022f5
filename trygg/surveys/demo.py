"""Demo step: the illustrative survey file for Göteborg and its 4 stadsområden (2021–2025), and
collaboration-survey rounds 2023–2025 answered by the demo coordinators and community police."""

import datetime as dt
import random
from pathlib import Path

from django.db import transaction

from .collaboration import send_round
from .importing import import_survey
from .models import CollaborationAnswer

EXAMPLE = Path(__file__).parent / "data" / "example_survey.csv"
COMMENTS = ["Bra samverkan kring lägesbilden, men uppföljningen av åtgärder behöver bli tätare.",
            "Gemensamma möten varannan vecka fungerar väl.", "",
            "Svårt att hinna med uppföljning när personalen byts ut.", ""]


@transaction.atomic
def load(stdout):
    run = import_survey(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE.name)
    stdout.write(f"surveys: {EXAMPLE.name}: {run.message}\n")
    rng = random.Random(2025)
    answered = 0
    for year in (2023, 2024, 2025):
        rnd, _new = send_round(year, dt.date(year, 11, 30))
        for i, inv in enumerate(rnd.invitations.select_related("user").order_by("user__username")):
            if year < 2025 and i % 3 == 2:  # not everyone answers every year
                continue
            level = 3 + (year - 2023) * 0.4
            scores = {q: max(1, min(5, round(level + rng.gauss(0, 0.8)))) for q in
                      ("collaboration", "agreement", "shared_picture", "follow_up")}
            scores["follow_up"] = max(1, scores["follow_up"] - 1)
            _a, created = CollaborationAnswer.objects.get_or_create(
                invitation=inv, defaults={**scores, "comment": COMMENTS[(i + year) % len(COMMENTS)]})
            answered += created
    stdout.write(f"surveys: collaboration rounds 2023–2025, {answered} new answers\n")
