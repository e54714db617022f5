"""Without WeasyPrint's system libraries (Pango, HarfBuzz) a PDF fails with a message that says what
to install: 503 on the web, exit ≠ 0 and no traceback on the command line. The missing libraries
are simulated by making ``import weasyprint`` raise the OSError cffi raises."""

from unittest import mock

from django.core.management import call_command

from trygg.reports.pdf_engine import DEBIAN_PACKAGES, PdfUnavailable, html_document
from trygg.testing.personas import BaseTestCase

from .fixtures import fill

MISSING = OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")


class PdfEngineTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill({k: getattr(cls, k) for k in ("hjallbo", "vallgraven", "alice", "ulla")})

    def test_it_works(self):
        assert html_document(string="<p>Hej</p>").write_pdf().startswith(b"%PDF")

    def test_without_pango_the_web_answers_503_with_what_to_install(self):
        self.login("alice")
        with mock.patch("trygg.reports.pdf_engine._load_weasyprint", side_effect=MISSING):
            r = self.client.get("/rapporter/vecka/1/pdf/")
            assert self.client.get("/rapporter/vecka/1/pptx/").status_code == 200  # the rest still works
        assert r.status_code == 503
        text = r.content.decode()
        assert DEBIAN_PACKAGES in text and "Pango" in text and "libpango-1.0-0" in text

    def test_it_checks_access(self):
        self.login("rami")
        with mock.patch("trygg.reports.pdf_engine._load_weasyprint", side_effect=MISSING):
            assert self.client.get("/rapporter/vecka/1/pdf/").status_code == 403

    def test_without_pango_the_command_names_what_to_install(self):
        with mock.patch("trygg.reports.pdf_engine._load_weasyprint", side_effect=MISSING), \
                self.assertRaisesMessage(PdfUnavailable, DEBIAN_PACKAGES):
            call_command("report_weekly", area="1", fmt="pdf", output="/dev/null")
