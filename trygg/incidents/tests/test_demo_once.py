import datetime as dt
import hashlib
import io
from pathlib import Path
from unittest import mock

from django.test import TestCase

from trygg.incidents import demo
from trygg.incidents.models import ImportRun, Incident
from trygg.testing.personas import BaseTestCase

SAMPLE = Path(__file__).parent / "data" / "police_events_sample.json"


class DemoOnceTestCase(TestCase):
    def test_an_unchanged_demo_file_is_imported_once(self):
        calls = []

        def importer(path):
            calls.append(path)
            return ImportRun.objects.create(source="bra", file_name=path.name, status=ImportRun.Status.DONE)

        path = demo.DEMO / "bra_anmalda_brott_goteborg_stadsomraden_2023_2025.csv"
        out = io.StringIO()
        demo._once(path, importer, out)
        demo._once(path, importer, out)
        self.assertEqual(len(calls), 1)
        self.assertIn("already imported, unchanged", out.getvalue())
        self.assertEqual(len(ImportRun.objects.get().checksum), 64)

    def test_a_failed_run_does_not_count(self):
        path = demo.DEMO / "bra_anmalda_brott_goteborg_stadsomraden_2023_2025.csv"
        ImportRun.objects.create(source="bra", file_name=path.name, status=ImportRun.Status.FAILED,
                                 checksum="x" * 64)
        calls = []
        demo._once(path, lambda p: calls.append(p) or ImportRun.objects.create(source="bra", file_name=p.name),
                   io.StringIO())
        self.assertEqual(len(calls), 1)


class DemoSkipsWhatItHasTestCase(BaseTestCase):
    """A second ``trygg demo`` skips the unchanged police files and the synthetic set; the explicit
    command ``trygg import police-events`` still re-checks every record of the same file."""

    def test_the_demo_skips_an_unchanged_police_file_but_the_command_rechecks_it(self):
        from django.core.management import call_command

        from trygg.incidents.police import import_police_file

        out = io.StringIO()
        demo._once(SAMPLE, import_police_file, out)
        first = ImportRun.objects.get()
        self.assertGreater(first.new, 0)
        self.assertEqual(first.checksum, hashlib.sha256(SAMPLE.read_bytes()).hexdigest())
        n = Incident.objects.count()
        with mock.patch("trygg.incidents.police.read_events", side_effect=AssertionError("file re-read")):
            demo._once(SAMPLE, import_police_file, out)  # skipped before reading the events
        self.assertEqual(ImportRun.objects.count(), 1)
        self.assertIn("already imported, unchanged", out.getvalue())
        call_command("import_police_events", str(SAMPLE), stdout=io.StringIO())
        self.assertEqual(ImportRun.objects.count(), 2)
        again = ImportRun.objects.exclude(pk=first.pk).get()
        self.assertEqual((again.new, again.unchanged), (0, first.new))
        self.assertEqual(Incident.objects.count(), n)

    def test_the_synthetic_set_is_generated_once_per_end_date(self):
        calls = []
        with mock.patch.object(demo, "load_synthetic", side_effect=lambda last, **kw: calls.append(last) or 5):
            out = io.StringIO()
            demo._synthetic_once(dt.date(2026, 8, 22), out)
            demo._synthetic_once(dt.date(2026, 8, 22), out)
            self.assertEqual(calls, [dt.date(2026, 8, 22)])
            self.assertIn("already generated", out.getvalue())
            demo._synthetic_once(dt.date(2026, 8, 29), out)  # newer police data: a new set
        self.assertEqual(len(calls), 2)
        self.assertEqual(ImportRun.objects.filter(source="est", status="done").count(), 2)
