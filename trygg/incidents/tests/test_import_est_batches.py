"""The EST import works through a file in batches without a query per row: areas are resolved in
bulk (prepared polygons, one query per batch for area codes), and a bad row in a later batch still
stores nothing."""

import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from trygg.incidents import est
from trygg.incidents.importing import ImportFileError
from trygg.incidents.models import ImportRun, Incident
from trygg.testing.personas import BaseTestCase

HEADER = "occurred_at,category,lon,lat,area_code,place,description,organisation\n"


def rows(n, start=0):
    """``n`` distinct reports in Hjällbo: every third by area code, the rest by point."""
    out = []
    for i in range(start, start + n):
        where = ",,,612" if i % 3 == 0 else ",11.965,57.7655,"
        out.append(f"2025-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d},klotter{where},Torget,Klotter nr {i},"
                   f"{'Bostadsbolaget' if i % 2 else ''}\n")
    return "".join(out)


class EstBatchesTestCase(BaseTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def write(self, text, name="est.csv"):
        path = self.tmp / name
        path.write_text(HEADER + text, encoding="utf-8")
        return path

    def queries_for(self, path):
        """(statements other than the incident INSERTs, the import run)."""
        with CaptureQueriesContext(connection) as ctx:
            run = est.import_est_csv(path)
        inserts = [q for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "incidents_incident"')]
        self.assertLessEqual(len(inserts), 1 + run.new // 40)  # multi-row INSERTs (SQLite: ~43 rows each)
        return len(ctx.captured_queries) - len(inserts), run

    def test_it_works_without_a_query_per_row(self):
        small, run_small = self.queries_for(self.write(rows(30), "small.csv"))
        large, run_large = self.queries_for(self.write(rows(300, start=30), "large.csv"))
        self.assertEqual((run_small.new, run_large.new), (30, 300))
        self.assertEqual(large, small)  # ten times the rows, not one query more
        by_code = Incident.objects.filter(placement="area")
        self.assertEqual(by_code.count(), 110)
        self.assertEqual(set(by_code.values_list("area", flat=True)), {self.hjallbo.pk})
        self.assertEqual(set(Incident.objects.values_list("municipality", flat=True)), {self.goteborg.pk})
        self.assertEqual(set(Incident.objects.values_list("area_path", flat=True)), {self.hjallbo.path})
        self.assertEqual(Incident.objects.filter(organisation=self.housing).count(), 165)

    def test_batches_keep_the_results(self):
        text = rows(25) + rows(10)  # ten rows twice: the second time they are unchanged
        with mock.patch.object(est, "BATCH_SIZE", 4):
            run = est.import_est_csv(self.write(text))
            again = est.import_est_csv(self.write(rows(27), "again.csv"))
        self.assertEqual((run.new, run.unchanged), (25, 10))
        self.assertEqual((again.new, again.unchanged), (2, 25))
        self.assertEqual(Incident.objects.count(), 27)

    def test_it_rejects_bad_input(self):
        bad = rows(20) + "2025-03-07 21:30,klotter,18.0,59.3,,,x,\n"  # Stockholm: outside, line 22
        with mock.patch.object(est, "BATCH_SIZE", 4), self.assertRaisesMessage(ImportFileError, "line 22, field 'lon'/'lat'"):
            est.import_est_csv(self.write(bad))
        bad = rows(20) + "2025-03-07 21:30,klotter,,,9999,,x,\n"
        with mock.patch.object(est, "BATCH_SIZE", 4), self.assertRaisesMessage(ImportFileError, "line 22, field 'area_code'"):
            est.import_est_csv(self.write(bad))
        self.assertEqual(Incident.objects.count(), 0)
        self.assertEqual(ImportRun.objects.count(), 0)
