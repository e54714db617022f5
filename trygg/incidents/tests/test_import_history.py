from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

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

    def test_cli_lists_runs(self):
        import io

        call_command("import_est", str(Path(__file__).parent / "data" / "est_sample.csv"))
        out = io.StringIO()
        call_command("imports", stdout=out)
        self.assertIn("est_sample.csv", out.getvalue())
