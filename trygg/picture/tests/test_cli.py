"""``trygg picture``: the same figures as the page (one code path), bad input exits 2."""

import csv
import io
import json

from django.core.management import call_command
from django.core.management.base import CommandError

from trygg.numbers import figures
from trygg.testing.personas import BaseTestCase

from .world import PERIOD, busy_world


def run(*args):
    out = io.StringIO()
    call_command("picture", *args, stdout=out)
    return out.getvalue()


class PictureCommandTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def test_it_works(self):
        data = json.loads(run("--area", "1", "--from", "2025-03-01", "--to", "2025-03-28", "--format", "json"))
        self.assertEqual(data, json.loads(json.dumps(figures.compute_picture(self.nordost, *PERIOD).as_dict(), default=str)))
        self.login("alice")  # the page shows the very same rows
        page = self.client.get("/lagesbild/1/?from=2025-03-01&to=2025-03-28").context["fig"].as_dict()
        self.assertEqual(data["rows"], page["rows"])
        api = self.client.get("/api/omraden/1/lagesbild.json?from=2025-03-01&to=2025-03-28").json()
        self.assertEqual(api["rows"], data["rows"])
        rows = list(csv.DictReader(io.StringIO(run("--area", "Nordost", "--from", "2025-03-01", "--to", "2025-03-28",
                                                   "--format", "csv"))))
        self.assertEqual([int(r["count"]) for r in rows], [r["count"] for r in data["rows"]])
        table = run("--area", "1", "--from", "2025-03-01", "--to", "2025-03-28", "--theme", "narkotika")
        self.assertIn("Drug offences", table)
        self.assertIn(" up", table)

    def test_it_rejects_bad_input(self):
        for args, needle in [
            (("--area", "nowhere"), "--area"),
            (("--area", "1", "--from", "2025-02-30"), "from"),
            (("--area", "1", "--from", "2025-03-10", "--to", "2025-03-01"), "after"),
            (("--area", "1", "--compare", "ever"), "compare"),
            (("--area", "1", "--format", "xml"), "--format"),
        ]:
            with self.assertRaises(CommandError) as cm:
                run(*args)
            self.assertEqual(cm.exception.returncode, 2, args)
            self.assertIn(needle, str(cm.exception))
