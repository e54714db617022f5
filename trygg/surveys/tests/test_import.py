from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from trygg.incidents.models import ImportRun
from trygg.surveys.importing import SurveyImportError, import_survey
from trygg.surveys.models import SurveyResult
from trygg.testing.personas import BaseTestCase

HEADER = "indicator,area_code,year,respondents,value,ci_low,ci_high,sd,source\n"


class ImportSurveyTestCase(BaseTestCase):
    def test_it_works(self):
        text = HEADER + "unsafe_night,1,2024,500,30,,,,Polisen\nunsafe_night,1,2025,520,25.5,22,29,,Polisen\n" \
            "problem_index,2,2025,400,1.8,,,1.2,Polisen\n"
        run = import_survey(text, "s.csv")
        self.assertEqual((run.new, run.unchanged, run.status), (3, 0, "done"))
        r = SurveyResult.objects.get(area=self.nordost, year=2024)
        self.assertTrue(r.ci_computed)
        self.assertAlmostEqual(r.ci_low, 26.148, places=2)  # Wilson: centre .30153, half .04005
        self.assertAlmostEqual(r.ci_high, 34.157, places=2)
        given = SurveyResult.objects.get(area=self.nordost, year=2025)
        self.assertEqual((given.ci_low, given.ci_high, given.ci_computed), (22, 29, False))
        idx = SurveyResult.objects.get(area=self.centrum)
        self.assertAlmostEqual(idx.ci_high - idx.value, 1.959964 * 1.2 / 400 ** 0.5, places=3)

    def test_it_is_idempotent(self):
        text = HEADER + "unsafe_night,1,2024,500,30,,,,\n"
        import_survey(text, "s.csv")
        run = import_survey(text, "s.csv")
        self.assertEqual((run.new, run.unchanged), (0, 1))
        self.assertEqual(SurveyResult.objects.count(), 1)

    def test_it_rejects_bad_input(self):
        text = HEADER + "unsafe_night,1,2024,500,30,,,,\nunsafe_night,1,2025,abc,130,,,,\nnope,99,2025,10,1,,,,\n"
        with self.assertRaises(SurveyImportError) as ctx:
            import_survey(text, "bad.csv")
        errors = "\n".join(ctx.exception.errors)
        self.assertIn("line 3, column respondents: 'abc' is not a number", errors)
        self.assertIn("line 3, column value: 130.0 is outside 0–100", errors)
        self.assertIn("line 4, column indicator: unknown indicator 'nope'", errors)
        self.assertIn("line 4, column area_code: unknown area code '99'", errors)
        self.assertEqual(SurveyResult.objects.count(), 0)  # atomic: the good line 2 is not saved either
        self.assertEqual(ImportRun.objects.get().status, "failed")

    def test_it_rejects_missing_columns_and_index_without_sd(self):
        with self.assertRaisesMessage(SurveyImportError, "missing column(s) respondents"):
            import_survey("indicator,area_code,year,value\n", "x.csv")
        with self.assertRaisesMessage(SurveyImportError, "column sd"):
            import_survey(HEADER + "problem_index,1,2025,400,1.8,,,,\n", "x.csv")

    def test_semicolon_and_decimal_comma(self):
        import_survey("indicator;area_code;year;respondents;value\nunsafe_night;1;2025;400;27,5\n", "sv.csv")
        self.assertEqual(SurveyResult.objects.get().value, 27.5)


@pytest.mark.django_db
def test_command_imports_example_file_and_names_errors(tmp_path):
    from trygg.testing.personas import build_world

    build_world()
    from trygg.areas.models import Area, Level

    g = Area.objects.get(code="1480")
    for code, name in (("3", "Sydväst"), ("4", "Hisingen")):
        Area.objects.create(code=code, name=name, level=Level.STADSOMRADE, parent=g, geometry={})
    example = Path(__file__).resolve().parents[1] / "data" / "example_survey.csv"
    out = StringIO()
    call_command("import_survey", str(example), stdout=out)
    assert "125 new" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "unsafe_night,1,2025,500,30,40,,,\n")
    with pytest.raises(CommandError, match=r"bad.csv: rejected.*\n.*line 2, column ci_high"):
        call_command("import_survey", str(bad))
