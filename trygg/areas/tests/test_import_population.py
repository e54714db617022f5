import json
import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from trygg.areas.models import Population
from trygg.testing.personas import BaseTestCase


class ImportPopulationTestCase(BaseTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_it_works_and_is_idempotent(self):
        f = self.tmp / "pop.csv"
        f.write_text("area_code,year,age_band,count\n612,2026,,8100\n612,2026,0-17,2500\n1,2024,,110000\n")
        call_command("import_population", str(f))
        call_command("import_population", str(f))
        self.assertEqual(Population.objects.get(area=self.hjallbo, year=2026, age_band="").count, 8100)
        self.assertEqual(Population.objects.get(area=self.hjallbo, year=2026, age_band="0-17").count, 2500)
        self.assertEqual(self.nordost.population(2024), 110000)

    def test_pxweb_json_sums_both_sexes_and_needs_known_codes(self):
        data = {"columns": [], "data": [
            {"key": ["612_RegSO2025", "totalt", "1+2", "2024"], "values": ["8000"]},
            {"key": ["612_RegSO2025", "totalt", "1", "2024"], "values": ["4000"]},
            {"key": ["612_RegSO2025", "5-9", "1+2", "2024"], "values": ["700"]}]}
        f = self.tmp / "px.json"
        f.write_text(json.dumps(data))
        call_command("import_population", str(f))
        self.assertEqual(Population.objects.get(area=self.hjallbo, year=2024, age_band="5-9").count, 700)
        data["data"][0]["key"][0] = "1480R001_RegSO2025"
        f.write_text(json.dumps(data))
        with self.assertRaisesMessage(CommandError, "unknown area code(s): 1480R001"):
            call_command("import_population", str(f))

    def test_it_rejects_bad_input(self):
        f = self.tmp / "bad.csv"
        f.write_text("area_code,year,age_band,count\n612,2026,,8100\n612,20x6,,1\n")
        with self.assertRaisesMessage(CommandError, "bad.csv line 3, field 'year'/'count'"):
            call_command("import_population", str(f))
        f.write_text("area_code,year,count\n612,2026,1\n")
        with self.assertRaisesMessage(CommandError, "missing column(s): age_band"):
            call_command("import_population", str(f))
        self.assertFalse(Population.objects.filter(year=2026).exists())
