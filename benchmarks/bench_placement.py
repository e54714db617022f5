"""Speed of text placement on the national feed (85,011 events) and the Västra Götaland file,
then precision and coverage on the labelled sets (trygg/incidents/tests/data/placement_labels_1480*).

    python benchmarks/bench_placement.py     (needs a database with Göteborg's areas: trygg demo)

Every event's text is run through Göteborg's gazetteer (the worst case: the importer only places
events of municipalities with areas). Results in benchmarks/README-placement.md.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")

import django  # noqa: E402

django.setup()

from trygg.areas.models import Area  # noqa: E402
from trygg.incidents.demo import DEMO  # noqa: E402
from trygg.incidents.gazetteer import Gazetteer  # noqa: E402
from trygg.incidents.placement_eval import LABELS, evaluate, read_labels  # noqa: E402
from trygg.incidents.placing import load_gazetteer, replace_police_events  # noqa: E402
from trygg.incidents.police import read_events  # noqa: E402


def main():
    t = time.perf_counter()
    load_gazetteer()
    print(f"load gazetteer (8 municipalities): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    gaz = Gazetteer(Area.objects.get(code="1480"))
    print(f"build Göteborg gazetteer ({len(gaz.targets)} names): {time.perf_counter() - t:.2f} s")
    for name in ("polisen_events_sweden_2022-09_2026-08.json.gz", "polisen_events_vastra_gotaland_2022-09_2026-08.json.gz"):
        texts = [f"{e.get('summary') or ''}\n{e.get('html_body') or ''}" for e in read_events(DEMO / name)]
        best = min(_time(gaz, texts) for _ in range(3))
        chars = sum(map(len, texts))
        print(f"{name}: {len(texts):,} texts, {chars / 1e6:.1f} M chars: {best:.2f} s ({len(texts) / best:,.0f} events/s)")
    t = time.perf_counter()
    moves = replace_police_events(dry_run=True)
    print(f"trygg place police-events --dry-run: {moves.checked} events, {time.perf_counter() - t:.2f} s")
    events = {str(e["id"]): {"summary": e.get("summary") or "", "body": e.get("html_body") or ""}
              for e in read_events(DEMO / "polisen_events_vastra_gotaland_2022-09_2026-08.json.gz")}
    sets = {p.stem: read_labels("1480", p) for p in sorted(LABELS.glob("placement_labels_1480*.csv"))}
    sets["all labelled events"] = {k: v for labels in list(sets.values()) for k, v in labels.items()}
    for name, labels in sets.items():
        print(f"\n{name}:\n  " + "\n  ".join(evaluate(gaz, events, labels).lines()))


def _time(gaz, texts):
    t = time.perf_counter()
    for text in texts:
        gaz.find(text)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
