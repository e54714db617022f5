import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from trygg.incidents.models import ImportRun, Incident
from trygg.testing.personas import BaseTestCase

SAMPLE = Path(__file__).parent / "data" / "est_sample.csv"
HEADER = "occurred_at,category,lon,lat,area_code,place,description,organisation\n"


class EstImportTestCase(BaseTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def write(self, rows, name="est.csv", header=HEADER):
        path = self.tmp / name
        path.write_text(header + rows, encoding="utf-8")
        return path

    def test_it_works_and_is_idempotent(self):
        call_command("import_est", str(SAMPLE))
        call_command("import_est", str(SAMPLE))
        self.assertEqual(Incident.objects.filter(source="est").count(), 3)
        first = Incident.objects.get(category="klotter")
        self.assertEqual((first.area, first.placement, first.organisation), (self.hjallbo, "point", self.housing))
        self.assertEqual(first.municipality, self.goteborg)
        self.assertEqual(first.area_path, self.hjallbo.path)
        self.assertTrue(first.source_id.startswith("csv-"))
        by_area = Incident.objects.get(category="narkotika-fynd")
        self.assertEqual((by_area.area, by_area.placement), (self.hjallbo, "area"))
        self.assertEqual(Incident.objects.get(category="otrygg-plats").area, self.vallgraven)
        runs = list(ImportRun.objects.order_by("started_at"))
        self.assertEqual([(r.new, r.unchanged) for r in runs], [(3, 0), (0, 3)])

    def test_it_rejects_bad_input(self):
        cases = [
            (self.write("2025-03-07 21:30,klotter,11.965,57.7655,,,x,\n2025-03-07,klotter,11.965,57.7655,,,x,\n", "a.csv"),
             "a.csv line 3, field 'occurred_at'"),
            (self.write("2025-03-07 21:30,klotter,18.0,59.3,,,x,\n", "b.csv"), "b.csv line 2, field 'lon'/'lat'"),
            (self.write("2025-03-07 21:30,graffiti,11.965,57.7655,,,x,\n", "c.csv"), "c.csv line 2, field 'category'"),
            (self.write("2025-03-07 21:30,klotter\n", "d.csv", header="occurred_at,category\n"), "missing column(s): description"),
        ]
        for path, message in cases:
            with self.assertRaisesMessage(CommandError, message):
                call_command("import_est", str(path))
        self.assertEqual(Incident.objects.count(), 0)
        self.assertEqual(ImportRun.objects.count(), 0)

    def test_it_rejects_rows_with_personal_data(self):
        path = self.write("2025-03-07 21:30,klotter,11.965,57.7655,,,Ring mig 0701234567,\n"
                          "2025-03-07 22:30,klotter,11.965,57.7655,,,Klotter,\n")
        call_command("import_est", str(path))
        self.assertEqual(Incident.objects.count(), 1)
        run = ImportRun.objects.get()
        self.assertEqual(run.rejected, 1)
        self.assertIn("line 2 (description)", run.message)


def test_the_time_forms_accepted():
    import datetime as dt

    import pytest

    from trygg.incidents.est import ImportFileError, _parse_time

    for text in ("2025-03-10 14:05", " 2025-03-10 14:05:30 ", "2025-03-10T14:05", "2025-03-10T14:05:30"):
        got = _parse_time(text, "row 2")
        assert (got.date(), got.hour, got.minute) == (dt.date(2025, 3, 10), 14, 5), text
        assert got.utcoffset() == dt.timedelta(hours=1)  # Stockholm's winter time
    for text in ("2025-03-10", "2025-02-30 10:00", "10/03/2025 14:05", "2025-03-10 14:05+02:00", ""):
        with pytest.raises(ImportFileError, match="row 2, field 'occurred_at'"):
            _parse_time(text, "row 2")
