import io

from django.test import TestCase

from trygg.incidents import demo
from trygg.incidents.models import ImportRun


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
