from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trygg.surveys.importing import SurveyImportError, import_survey


class Command(BaseCommand):
    help = "Import safety-survey results per area and year from a CSV file (see docs/surveys.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file: indicator,area_code,year,respondents,value[,ci_low,ci_high,sd,source]")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="cp1252")
        try:
            run = import_survey(text, path.name)
        except SurveyImportError as exc:
            raise CommandError("\n".join([f"{exc.file_name}: rejected, nothing imported"] + exc.errors)) from exc
        self.stdout.write(f"{path.name}: {run.message}")
