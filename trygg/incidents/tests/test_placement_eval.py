"""Precision and coverage of text placement on 329 + 120 real Göteborg police events, labelled by
reading each text (tests/data/placement_labels_1480.csv, see trygg/incidents/placement_eval.py
and benchmarks/README-placement.md). Real areas, the shipped gazetteer, the shipped event texts."""

from django.test import TestCase

from trygg.areas.goteborg import load_goteborg
from trygg.areas.models import Area
from trygg.incidents.demo import DEMO
from trygg.incidents.gazetteer import Gazetteer
from trygg.incidents.placement_eval import LABELS, evaluate, read_labels
from trygg.incidents.placing import load_gazetteer
from trygg.incidents.police import read_events

EVENTS = DEMO / "polisen_events_vastra_gotaland_2022-09_2026-08.json.gz"


class PlacementEvaluationTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_goteborg(include_basomraden=False)
        load_gazetteer()

    def test_goals_on_the_labelled_set(self):
        labels = read_labels("1480")
        events = {str(e["id"]): {"summary": e.get("summary") or "", "body": e.get("html_body") or ""}
                  for e in read_events(EVENTS) if str(e["id"]) in labels}
        self.assertEqual(len(events), len(labels))  # every labelled event ships with the demo
        ev = evaluate(Gazetteer(Area.objects.get(code="1480")), events, labels)
        report = "\n".join(ev.lines() + [str(e) for e in ev.errors])
        self.assertGreaterEqual(ev.events - ev.unknown, 300, report)
        self.assertGreaterEqual(ev.coverage, 0.75, report)  # placed in a stadsområde
        self.assertGreaterEqual(ev.precision, 0.97, report)
        self.assertGreaterEqual(ev.primar_precision, 0.95, report)
        self.assertGreater(ev.primar_checked, 50, report)
        self.assertEqual(ev.outside_correct, ev.outside_labelled, report)

    def test_goals_on_the_held_out_set(self):
        """120 more events, sampled with another seed and labelled after the rules and names were
        tuned on the first set; never used for tuning."""
        labels = read_labels("1480", LABELS / "placement_labels_1480_holdout.csv")
        events = {str(e["id"]): {"summary": e.get("summary") or "", "body": e.get("html_body") or ""}
                  for e in read_events(EVENTS) if str(e["id"]) in labels}
        self.assertEqual(len(events), len(labels))
        ev = evaluate(Gazetteer(Area.objects.get(code="1480")), events, labels)
        report = "\n".join(ev.lines() + [str(e) for e in ev.errors])
        self.assertGreaterEqual(ev.events, 100, report)
        # 120 events: coverage is known to about ±8 points here; the goal of 75 % is checked on
        # every Göteborg event below. Precision must hold on unseen events too.
        self.assertGreaterEqual(ev.coverage, 0.70, report)
        self.assertGreaterEqual(ev.precision, 0.97, report)
        self.assertGreaterEqual(ev.primar_precision, 0.95, report)

    def test_coverage_of_every_goteborg_event(self):
        """Coverage needs no labels: every counted Göteborg event of the shipped feed, placed the
        way the importer places it (text after the personal-data guard is the same for names)."""
        from trygg.incidents.categories import NOT_COUNTED
        from trygg.incidents.event_types import category_of_police_type

        gaz = Gazetteer(Area.objects.get(code="1480"))
        events = [e for e in read_events(EVENTS)
                  if (e["name"].rsplit(",", 1)[-1].strip() == "Göteborg" or (e.get("location") or {}).get("name") == "Göteborg")
                  and category_of_police_type(e["type"]) not in NOT_COUNTED]
        placed = sum(1 for e in events if (r := gaz.find(f"{e.get('summary') or ''}\n{e.get('html_body') or ''}"))
                     is not None and not r.outside)
        self.assertGreater(len(events), 1500)
        self.assertGreaterEqual(placed / len(events), 0.75, f"{placed} of {len(events)}")
