"""Precision and coverage of text placement on 599 real Göteborg police events, labelled by
reading each text (tests/data/placement_labels_1480*.csv: a tuning set of 329 and two held-out
sets of 120 and 150; see trygg/incidents/placement_eval.py and benchmarks/README-placement.md).
Real areas, the shipped gazetteer, the shipped event texts."""

from django.test import TestCase

from trygg.areas.demo import load_demo_municipality
from trygg.areas.models import Area
from trygg.incidents.demo import DEMO
from trygg.incidents.gazetteer import Gazetteer
from trygg.incidents.placement_eval import LABELS, Evaluation, evaluate, read_labels
from trygg.incidents.police import read_events

EVENTS = DEMO / "polisen_events_vastra_gotaland_2022-09_2026-08.json.gz"
SETS = {"tuning": "placement_labels_1480.csv", "held-out 1": "placement_labels_1480_holdout.csv",
        "held-out 2": "placement_labels_1480_holdout2.csv"}


class PlacementEvaluationTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo_municipality(basomraden=False)  # its gazetteer with it
        cls.labels = {name: read_labels("1480", LABELS / f) for name, f in SETS.items()}
        wanted = set().union(*cls.labels.values())
        cls.events = {str(e["id"]): {"summary": e.get("summary") or "", "body": e.get("html_body") or ""}
                      for e in read_events(EVENTS) if str(e["id"]) in wanted}
        cls.gazetteer = Gazetteer(Area.objects.get(code="1480"))

    def evaluate(self, *names) -> tuple[Evaluation, str]:
        labels = {k: v for n in names for k, v in self.labels[n].items()}
        self.assertTrue(set(labels) <= set(self.events))  # every labelled event ships with the demo
        ev = evaluate(self.gazetteer, self.events, labels)
        return ev, "\n".join([", ".join(names), *ev.lines(), *map(str, ev.errors)])

    def test_the_sets_are_disjoint(self):
        ids = [k for labels in self.labels.values() for k in labels]
        self.assertEqual(len(ids), len(set(ids)))

    def test_goals_on_every_labelled_event(self):
        ev, report = self.evaluate(*SETS)
        self.assertGreaterEqual(ev.events - ev.unknown, 300, report)
        self.assertGreaterEqual(ev.coverage, 0.75, report)  # placed in a stadsområde
        self.assertGreaterEqual(ev.precision, 0.97, report)
        self.assertGreaterEqual(ev.primar_precision, 0.95, report)
        self.assertGreater(ev.primar_checked, 100, report)
        self.assertEqual(ev.outside_correct, ev.outside_labelled, report)

    def test_goals_on_the_held_out_sets(self):
        """Labelled before the rules and names they are checked against were tuned (set 1 before
        the first session's rules, set 2 before this one's); never used for tuning. About 120–150
        events each: coverage is known to about ±8 points, so each set's floor is 70 %; the goal
        of 75 % is checked on every labelled event above and on every Göteborg event below."""
        for name in ("held-out 1", "held-out 2"):
            ev, report = self.evaluate(name)
            self.assertGreaterEqual(ev.events, 100, report)
            self.assertGreaterEqual(ev.coverage, 0.70, report)
            self.assertGreaterEqual(ev.precision, 0.97, report)
            self.assertGreaterEqual(ev.primar_precision, 0.95, report)
            self.assertEqual(ev.outside_correct, ev.outside_labelled, report)

    def test_coverage_of_every_goteborg_event(self):
        """Coverage needs no labels: every counted Göteborg event of the shipped feed, placed the
        way the importer places it (text after the personal-data guard is the same for names)."""
        from trygg.incidents.categories import NOT_COUNTED
        from trygg.incidents.event_types import category_of_police_type

        events = [e for e in read_events(EVENTS)
                  if (e["name"].rsplit(",", 1)[-1].strip() == "Göteborg" or (e.get("location") or {}).get("name") == "Göteborg")
                  and category_of_police_type(e["type"]) not in NOT_COUNTED]
        placed = sum(1 for e in events if (r := self.gazetteer.find(f"{e.get('summary') or ''}\n{e.get('html_body') or ''}"))
                     is not None and not r.outside)
        self.assertGreater(len(events), 1500)
        self.assertGreaterEqual(placed / len(events), 0.75, f"{placed} of {len(events)}")
