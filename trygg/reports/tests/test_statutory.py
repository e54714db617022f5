"""The statutory documents (SFS 2023:196): versions, text sections, approval by the responsible
roles, the frozen adopted files (tagged PDF/UA, DOCX), the checklist and the CLI."""

import datetime as dt
import io
import tempfile
from pathlib import Path

import pikepdf
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from trygg.reports.models import StatutoryDocument
from trygg.reports.statutory import render
from trygg.reports.statutory.data import collect
from trygg.reports.statutory.requirements import requirements
from trygg.testing.personas import BaseTestCase
from trygg.work.models import Cause, Problem

from .fixtures import fill

YEAR = 2025
MEDIA = tempfile.mkdtemp(prefix="trygg-statutory-")


def struct_types(pdf_bytes) -> set[str]:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    seen = set()

    def walk(node):
        s = node.get("/S")
        if s is not None:
            seen.add(str(s))
        kids = node.get("/K")
        for k in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(k, pikepdf.Dictionary):
                walk(k)

    walk(pdf.Root.StructTreeRoot)
    assert str(pdf.Root.Lang) == "sv"
    assert bool(pdf.Root.MarkInfo.Marked)
    return seen


@override_settings(MEDIA_ROOT=MEDIA)
class StatutoryTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill({k: getattr(cls, k) for k in ("hjallbo", "vallgraven", "alice", "ulla")})
        p = Problem.objects.create(area=cls.hjallbo, title="Öppen narkotikahandel vid torget", theme="narkotika",
                                   prioritised=True, raised_by=cls.alice)
        Cause.objects.create(problem=p, corner="place", description="Mörk gångtunnel", evidence="EST-rapporter")

    def new_doc(self, kind="lagesbild", code="1", user="ulla"):
        self.login(user)
        return self.client.post(f"/rapporter/lagstadgad/{code}/ny/", {"kind": kind, "year": YEAR})

    def test_it_works(self):
        r = self.new_doc(code="1480")
        doc = StatutoryDocument.objects.get()
        self.assertRedirects(r, doc.get_absolute_url(), fetch_redirect_response=False)
        r = self.client.get(doc.get_absolute_url())
        self.assertContains(r, "Mörk gångtunnel")  # the cause analysis from the work cycle
        self.assertContains(r, 'data-testid="approve-city"')
        r = self.client.post(f"/rapporter/lagstadgad/1480/{doc.pk}/text/",
                             {"purpose": "Lägesbilden tas fram av staden och polisen.", "consequences": "Otrygghet.",
                              "analysis": "Narkotikahandeln vid torget är det största problemet."})
        self.assertEqual(r.status_code, 302)
        doc.refresh_from_db()
        self.assertEqual(doc.sections["analysis"], "Narkotikahandeln vid torget är det största problemet.")
        # the municipality adopts its own document: the city side's approval adopts it
        self.client.post(f"/rapporter/lagstadgad/1480/{doc.pk}/godkann/", {"side": "city"})
        doc.refresh_from_db()
        self.assertIsNotNone(doc.adopted_at)
        self.assertEqual(doc.city_approved_by, self.ulla)
        pdf = self.client.get(f"/rapporter/lagstadgad/1480/{doc.pk}/pdf/")
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
        self.assertEqual(body, doc.pdf.open("rb").read())  # the frozen adopted file
        self.assertTrue({"/H1", "/H2", "/Table", "/TH", "/Figure"} <= struct_types(body))
        docx = self.client.get(f"/rapporter/lagstadgad/1480/{doc.pk}/docx/")
        from docx import Document

        d = Document(io.BytesIO(docx.content))
        headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
        self.assertIn("Narkotikahandeln vid torget är det största problemet.", [p.text for p in d.paragraphs])
        self.assertTrue(any("Analysis" in h or "Analys" in h for h in headings), headings)
        self.assertTrue(d.tables and d.tables[0].rows[0]._tr.trPr is not None)  # header row marked

    def test_it_checks_access(self):
        self.assertEqual(self.new_doc(user="rami").status_code, 403)
        self.assertEqual(self.new_doc(user="carl").status_code, 403)  # Centrum's coordinator, Nordost's doc
        self.assertEqual(self.new_doc(user="lena").status_code, 403)  # read-only
        self.new_doc(user="alice")
        doc = StatutoryDocument.objects.get()
        self.login("carl")
        self.assertEqual(self.client.get(doc.get_absolute_url()).status_code, 403)
        url = f"/rapporter/lagstadgad/1/{doc.pk}/godkann/"
        self.login("bob")  # community police: no APPROVE
        self.assertEqual(self.client.post(url, {"side": "police"}).status_code, 403)
        self.login("dina")
        self.assertEqual(self.client.post(url, {"side": "police"}).status_code, 403)  # not her side
        self.client.post(url, {"side": "city"})
        doc.refresh_from_db()
        self.assertIsNotNone(doc.city_approved_at)
        self.assertIsNone(doc.adopted_at)  # a district's document needs the police side too
        self.login("pelle")
        self.client.post(url, {"side": "police"})
        doc.refresh_from_db()
        self.assertIsNotNone(doc.adopted_at)
        self.assertTrue(doc.pdf and doc.docx)

    def test_it_rejects_get(self):
        self.new_doc()
        doc = StatutoryDocument.objects.get()
        self.assertEqual(self.client.get(f"/rapporter/lagstadgad/1/{doc.pk}/godkann/").status_code, 405)
        self.assertEqual(self.client.get("/rapporter/lagstadgad/1/ny/").status_code, 405)

    def test_personal_data_is_refused_in_the_texts(self):
        self.new_doc()
        doc = StatutoryDocument.objects.get()
        r = self.client.post(f"/rapporter/lagstadgad/1/{doc.pk}/text/", {"analysis": "Ring 070-123 45 67"})
        self.assertEqual(r.status_code, 200)
        doc.refresh_from_db()
        self.assertEqual(doc.sections, {})

    def test_an_adopted_page_shows_what_was_adopted_not_live_data(self):
        self.new_doc(code="1480")
        doc = StatutoryDocument.objects.get()
        self.client.post(f"/rapporter/lagstadgad/1480/{doc.pk}/godkann/", {"side": "city"})
        later = Problem.objects.create(area=self.hjallbo, title="Problem efter antagandet", theme="vald",
                                       prioritised=True, raised_by=self.alice)
        Cause.objects.create(problem=later, corner="place", description="Orsak efter antagandet", evidence="x")
        r = self.client.get(doc.get_absolute_url())
        self.assertContains(r, 'data-testid="adopted-label"')
        self.assertContains(r, "As adopted: version 1")
        self.assertContains(r, "Mörk gångtunnel")  # what was adopted
        self.assertNotContains(r, "Orsak efter antagandet")  # not what came later
        self.assertContains(r, "<img src=\"data:image/png;base64,")  # the charts, frozen as images
        self.client.post("/rapporter/lagstadgad/1480/ny/", {"kind": "lagesbild", "year": YEAR})
        v2 = StatutoryDocument.objects.get(version=2)
        r = self.client.get(v2.get_absolute_url())
        self.assertContains(r, "Orsak efter antagandet")  # a draft shows live data
        self.assertNotContains(r, 'data-testid="adopted-label"')

    def test_it_checks_access_to_the_adopted_page(self):
        self.new_doc(code="1480")
        doc = StatutoryDocument.objects.get()
        self.login("rami")
        self.assertEqual(self.client.get(doc.get_absolute_url()).status_code, 403)

    def test_changed_text_resets_approvals_and_adopted_is_frozen(self):
        self.new_doc()
        doc = StatutoryDocument.objects.get()
        doc.city_approved_by, doc.city_approved_at = self.dina, timezone.now()
        doc.save()
        self.client.post(f"/rapporter/lagstadgad/1/{doc.pk}/text/", {"analysis": "Ny text"})
        doc.refresh_from_db()
        self.assertIsNone(doc.city_approved_at)
        doc.adopted_at = timezone.now()
        doc.save()
        self.client.post(f"/rapporter/lagstadgad/1/{doc.pk}/text/", {"analysis": "Ändrad efteråt"})
        doc.refresh_from_db()
        self.assertEqual(doc.sections["analysis"], "Ny text")
        self.new_doc()  # a new version starts from the texts of the latest one
        v2 = StatutoryDocument.objects.get(version=2)
        self.assertEqual(v2.sections["analysis"], "Ny text")
        self.assertIsNone(v2.adopted_at)

    def test_checklist_lists_what_is_missing(self):
        report = collect(self.nordost, "lagesbild", YEAR)
        reqs = {q.key: q for q in requirements(report)}
        self.assertFalse(reqs["consequences"].done)  # the analyst has not written it
        self.assertTrue(reqs["residents"].done)  # the survey fixture covers Nordost
        self.assertFalse(reqs["adopted"].done)
        plan = {q.key: q for q in requirements(collect(self.nordost, "atgardsplan", YEAR))}
        self.assertFalse(plan["scope"].done)  # no adopted lägesbild to rest on
        self.assertFalse(plan["actions"].done)  # no actions
        self.assertFalse(plan["coordination"].done)

    def test_years_are_checked(self):
        with self.assertRaises(ValueError):
            collect(self.nordost, "lagesbild", timezone.localdate().year + 1)
        self.login("ulla")
        self.client.post("/rapporter/lagstadgad/1/ny/", {"kind": "lagesbild", "year": dt.date.today().year + 1})
        self.assertFalse(StatutoryDocument.objects.exists())

    def test_cli_writes_pdf_and_docx(self):
        out = Path(tempfile.mkdtemp())
        for fmt in ("pdf", "docx"):
            call_command("report_statutory", kind="atgardsplan", area="1480", year=YEAR, fmt=fmt,
                         output=str(out / f"plan.{fmt}"), stdout=io.StringIO())
        self.assertTrue(struct_types((out / "plan.pdf").read_bytes()) >= {"/H1", "/H2"})
        self.assertEqual((out / "plan.docx").read_bytes()[:2], b"PK")

    def test_no_code_paths_in_the_document(self):
        text = render.html(collect(self.goteborg, "lagesbild", YEAR))
        self.assertNotIn("trygg.", text)
        self.assertNotIn("negative_binomial", text)
