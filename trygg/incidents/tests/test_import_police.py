import gzip
import json
import shutil
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from trygg.incidents.models import ImportRun, Incident
from trygg.incidents.police import parse_published
from trygg.testing.personas import BaseTestCase

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "police_events_sample.json"


def gbg(id_, summary, body=None, when="2024-05-03 9:05:00 +02:00", type_="Narkotikabrott"):
    r = {"id": id_, "datetime": when, "name": f"03 maj 08:40, {type_}, Göteborg", "summary": summary,
         "url": f"/aktuellt/handelser/x/{id_}/", "type": type_,
         "location": {"name": "Västra Götalands län", "gps": "58.252793,13.059643"}}
    if body is not None:
        r["html_body"] = body
    return r


class PoliceImportTestCase(BaseTestCase):
    def write(self, records, name="events.json"):
        path = Path(self.tmp) / name
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        return path

    def setUp(self):
        import tempfile

        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_it_imports_the_real_sample_with_its_quirks(self):
        call_command("import_police_events", str(SAMPLE))
        self.assertEqual(Incident.objects.count(), 5)
        county_only = Incident.objects.get(source_id="650272")  # 2026: location is the county
        self.assertEqual(county_only.municipality, self.goteborg)
        self.assertIn("Allmänhet", county_only.body)  # html_body kept
        self.assertEqual(county_only.url, "https://polisen.se/aktuellt/handelser/2026/augusti/22/22-augusti-07.20-misshandel-goteborg/")
        unpadded = Incident.objects.get(source_id="376321")  # "6:13:32"; event time from the name
        self.assertEqual(unpadded.occurred_at.isoformat(), "2022-10-16T01:25:00+00:00")
        self.assertEqual(unpadded.category, "mord-drap")
        self.assertEqual(unpadded.theme, "organiserad-brottslighet")
        summary = Incident.objects.get(source_id="410683")
        self.assertEqual(summary.category, "sammanfattning")
        self.assertFalse(Incident.objects.counted().filter(pk=summary.pk).exists())
        sthlm = Incident.objects.get(source_id="409636")
        self.assertEqual((sthlm.municipality, sthlm.area, sthlm.placement), (self.stockholm, self.stockholm, "municipality"))
        county = Incident.objects.get(source_id="377453")
        self.assertEqual((county.municipality, county.placement), (None, "county"))
        run = ImportRun.objects.get()
        self.assertEqual((run.new, run.status, run.source), (5, "done", "police"))
        self.assertEqual(county_only.import_run, run)  # provenance

    def test_it_is_idempotent_and_reads_gzip(self):
        gz = Path(self.tmp) / "sample.json.gz"
        with gzip.open(gz, "wb") as fh:
            fh.write(SAMPLE.read_bytes())
        call_command("import_police_events", str(gz))
        call_command("import_police_events", str(gz))
        self.assertEqual(Incident.objects.count(), 5)
        self.assertEqual(ImportRun.objects.first().unchanged, 5)

    def test_it_places_events_in_districts_from_the_text(self):
        from trygg.incidents.models import PlaceName

        PlaceName.objects.create(municipality=self.goteborg, name="Hjällbo torg", area=self.hjallbo)
        PlaceName.objects.create(municipality=self.goteborg, name="Brunnsparken", area=self.vallgraven)
        path = self.write([
            gbg(1, "Narkotikaförsäljning vid Hjällbo torg."),
            gbg(2, "Misshandel i Centrum.", body="Det hände på Brunnsparken i centrala stan."),
            gbg(3, "Bråk i Hjällbos centrum."),
            gbg(4, "Ingen plats angiven."),
            gbg(5, "Misshandel i Nordost.", body="Det hände på Brunnsparken."),
        ])
        call_command("import_police_events", str(path))
        self.assertEqual((Incident.objects.get(source_id="1").area, Incident.objects.get(source_id="1").place_text),
                         (self.hjallbo, "Hjällbo torg"))
        self.assertEqual(Incident.objects.get(source_id="2").area, self.vallgraven)  # the finer of one chain
        self.assertEqual(Incident.objects.get(source_id="3").area, self.hjallbo)  # genitive
        four = Incident.objects.get(source_id="4")
        self.assertEqual((four.area, four.placement), (self.goteborg, "municipality"))
        five = Incident.objects.get(source_id="5")  # names that contradict: no guess
        self.assertEqual((five.area, five.placement), (self.goteborg, "municipality"))
        self.assertEqual(ImportRun.objects.get().placed_in_district, 3)
        self.assertEqual(Incident.objects.within(self.nordost).count(), 2)

    def test_body_from_a_later_file_enriches_the_record(self):
        from trygg.incidents.models import PlaceName

        PlaceName.objects.create(municipality=self.goteborg, name="Hjällbo torg", area=self.hjallbo)
        call_command("import_police_events", str(self.write([gbg(7, "Något hände.")])))
        call_command("import_police_events", str(self.write([gbg(7, "Något hände.", body="Vid Hjällbo torg.")])))
        inc = Incident.objects.get(source_id="7")
        self.assertEqual((inc.area, inc.body), (self.hjallbo, "Vid Hjällbo torg."))
        self.assertEqual(ImportRun.objects.first().updated, 1)

    def test_it_stores_the_event_type_and_a_later_import_adds_a_missing_one(self):
        path = self.write([gbg(8, "Något hände."), gbg(9, "Något annat.", type_="Rån")])
        call_command("import_police_events", str(path))
        self.assertEqual(dict(Incident.objects.values_list("source_id", "event_type")),
                         {"8": "Narkotikabrott", "9": "Rån"})
        Incident.objects.filter(source_id="9").update(event_type="")  # as stop 23's code wrote it
        call_command("import_police_events", str(path))
        self.assertEqual(Incident.objects.get(source_id="9").event_type, "Rån")
        run = ImportRun.objects.order_by("-pk").first()
        self.assertEqual((run.updated, run.unchanged), (1, 1))

    def test_it_redacts_personal_data_by_default(self):
        call_command("import_police_events", str(self.write([gbg(8, "Mannen 19811218-9876 greps, ring 070-123 45 67.")])))
        inc = Incident.objects.get()
        self.assertNotIn("19811218", inc.summary)
        self.assertIn("[borttaget]", inc.summary)
        self.assertEqual(ImportRun.objects.get().redacted, 1)

    @override_settings(TRYGG_IMPORT_PERSONAL_DATA="reject")
    def test_it_rejects_records_with_personal_data_when_configured(self):
        call_command("import_police_events", str(self.write([gbg(8, "Mejla a.b@example.com"), gbg(9, "Inget.")])))
        self.assertEqual(list(Incident.objects.values_list("source_id", flat=True)), ["9"])
        run = ImportRun.objects.get()
        self.assertEqual(run.rejected, 1)
        self.assertIn("8 (summary)", run.message)

    def test_it_rejects_bad_input(self):
        good = gbg(1, "Ok.")
        bad_date = gbg(2, "x", when="2024-13-45 9:05:00 +02:00")
        no_type = {k: v for k, v in gbg(3, "x").items() if k != "type"}
        cases = [
            (self.write([good, bad_date], "a.json"), "record 2 (id 2), field 'datetime'"),
            (self.write([good, no_type], "b.json"), "record 2 (id 3): field 'type' is missing"),
            (self.write({"id": 1}, "c.json"), "expected a JSON list"),
        ]
        broken = Path(self.tmp) / "broken.json"
        broken.write_text('[{"id": 1,', encoding="utf-8")
        cases.append((broken, "not valid JSON"))
        for path, message in cases:
            with self.assertRaisesMessage(CommandError, message):
                call_command("import_police_events", str(path))
        self.assertEqual(Incident.objects.count(), 0)
        self.assertEqual(ImportRun.objects.count(), 0)  # atomic: not even the run is kept

    def test_datetime_parsing(self):
        self.assertEqual(parse_published("2022-10-16 6:13:32 +02:00", "x").isoformat(), "2022-10-16T06:13:32+02:00")
