from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from trygg.accounts.tests.test_municipalities import set_up_malmo
from trygg.incidents.models import ImportRun
from trygg.testing.personas import BaseTestCase

URL = reverse("incidents:import_history")


class ImportHistoryTestCase(BaseTestCase):
    def test_it_works(self):
        call_command("import_est", str(Path(__file__).parent / "data" / "est_sample.csv"))
        self.login("ulla")
        r = self.client.get(URL)
        self.assertContains(r, "est_sample.csv")

    def test_it_names_the_sources(self):
        from trygg.incidents.models import ImportRun

        for code in ("police", "bra", "survey", "retention"):
            ImportRun.objects.create(source=code, status=ImportRun.Status.DONE)
        self.login("ulla")
        r = self.client.get(URL)
        for label in ("Police events", "Reported crimes (Brå)", "Safety survey", "Data retention"):
            self.assertContains(r, f'<td data-testid="run-source">{label}</td>')
        self.assertNotContains(r, '<td data-testid="run-source">bra</td>')
        self.login("ada")
        r = self.client.get("/undersokningar/")
        self.assertContains(r, "<td>Safety survey</td>")

    def test_it_checks_access(self):
        for name in ("alice", "rami", "lena"):
            self.login(name)
            self.assertEqual(self.client.get(URL).status_code, 403)
        self.login("ada")
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_it_shows_each_municipality_its_own_runs_and_the_national_ones(self):
        set_up_malmo(self)
        call_command("import_est", str(Path(__file__).parent / "data" / "est_sample.csv"))  # Göteborg's areas
        est = ImportRun.objects.get(source="est")
        self.assertEqual(est.municipality, self.goteborg)
        ImportRun.objects.create(source="police", file_name="national.json", status=ImportRun.Status.DONE)
        ImportRun.objects.create(source="est", file_name="malmo_est.csv", status=ImportRun.Status.DONE,
                                 municipality=self.malmo)
        self.login("ulla")
        r = self.client.get(URL)
        self.assertContains(r, "est_sample.csv")
        self.assertContains(r, "national.json")
        self.assertNotContains(r, "malmo_est.csv")
        self.login("mats")  # Malmö's development lead
        r = self.client.get(URL)
        self.assertContains(r, "malmo_est.csv")
        self.assertContains(r, "national.json")
        self.assertNotContains(r, "est_sample.csv")
        self.assertContains(r, '<td data-testid="run-municipality">Malmö</td>')
        self.login("ada")  # superusers: every run
        r = self.client.get(URL)
        for name in ("est_sample.csv", "national.json", "malmo_est.csv"):
            self.assertContains(r, name)

    def test_a_file_of_several_municipalities_is_national(self):
        from trygg.incidents.importing import municipality_of_all

        self.assertEqual(municipality_of_all([self.hjallbo, self.vallgraven, self.goteborg]), self.goteborg)
        self.assertIsNone(municipality_of_all([self.hjallbo, self.malmo]))
        self.assertIsNone(municipality_of_all([self.sweden]))
        self.assertIsNone(municipality_of_all([]))
        call_command("import_bra", str(Path(__file__).parent / "data" / "bra_sample.csv"))
        self.assertEqual(ImportRun.objects.get(source="bra").municipality, self.goteborg)  # Göteborg's figures

    def test_cli_lists_runs(self):
        import io

        call_command("import_est", str(Path(__file__).parent / "data" / "est_sample.csv"))
        out = io.StringIO()
        call_command("imports", stdout=out)
        self.assertIn("est_sample.csv", out.getvalue())
