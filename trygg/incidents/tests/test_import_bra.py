import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from trygg.incidents.models import CrimeStatistic
from trygg.testing.personas import BaseTestCase

SAMPLE = Path(__file__).parent / "data" / "bra_sample.csv"


class BraImportTestCase(BaseTestCase):
    def test_it_works_and_is_idempotent(self):
        call_command("import_bra", str(SAMPLE))
        call_command("import_bra", str(SAMPLE))
        self.assertEqual(CrimeStatistic.objects.count(), 4)
        city = CrimeStatistic.objects.get(area=self.goteborg, year=2023, crime_type="alla_brott")
        self.assertEqual(city.count, 90659)
        nordost = CrimeStatistic.objects.get(area=self.centrum, year=2023, crime_type="misshandel")
        self.assertEqual(nordost.theme, "vald")

    def test_it_rejects_bad_input(self):
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        bad = tmp / "bad.csv"
        bad.write_text("year,area,crime_type,count\n2023,Nordost,misshandel,12\n2023,Atlantis,misshandel,3\n")
        with self.assertRaisesMessage(CommandError, "bad.csv line 3, field 'area'"):
            call_command("import_bra", str(bad))
        bad.write_text("year,area,count\n2023,Nordost,3\n")
        with self.assertRaisesMessage(CommandError, "missing column(s): crime_type"):
            call_command("import_bra", str(bad))
        self.assertEqual(CrimeStatistic.objects.count(), 0)
