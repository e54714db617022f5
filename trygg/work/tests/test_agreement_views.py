"""Agreements (upload, versions, download, the previous conference's decisions) and signing of
agreements and action plans: APPROVE holders on the area, each side for itself."""

import datetime as dt
import shutil
import tempfile
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from trygg.reports.models import Conference
from trygg.testing.personas import BaseTestCase
from trygg.work import models as m

# A minimal but complete one-page PDF (header, catalog, pages, page, xref, trailer).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64  # a Windows executable's header


class AgreementTestCase(BaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.media = tempfile.mkdtemp(prefix="trygg-media-")
        cls._media = override_settings(MEDIA_ROOT=cls.media)
        cls._media.enable()

    @classmethod
    def tearDownClass(cls):
        cls._media.disable()
        shutil.rmtree(cls.media, ignore_errors=True)
        super().tearDownClass()

    def _data(self, document, **kw):
        data = {"kind": "local", "title": "Samverkansöverenskommelse Nordost", "start": "2026-01-01",
                "end": "2026-12-31", "parties": [self.so_nordost.pk, self.lpo_nordost_org.pk],
                "priorities": "Narkotika vid torget", "document": document}
        data.update(kw)
        return data

    def test_upload_and_download(self):
        self.login("alice")
        r = self.client.post("/arbete/1/overenskommelse/ny/", self._data(SimpleUploadedFile(
            "overenskommelse.pdf", PDF, content_type="application/pdf")))
        a = m.Agreement.objects.get()
        self.assertRedirects(r, f"/arbete/1/overenskommelse/{a.pk}/")
        self.assertEqual(a.version, 1)
        self.login("lena")  # a reader may download
        r = self.client.get(f"/arbete/1/overenskommelse/{a.pk}/dokument/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(b"".join(r.streaming_content), PDF)
        self.assertIn("attachment", r["Content-Disposition"])
        self.assertIn(".pdf", r["Content-Disposition"])
        self.login("alice")  # a new version keeps the old
        self.client.post("/arbete/1/overenskommelse/ny/", self._data(SimpleUploadedFile("v2.pdf", PDF)))
        self.assertEqual(sorted(m.Agreement.objects.values_list("version", flat=True)), [1, 2])

    def test_it_rejects_bad_input(self):
        self.login("alice")
        r = self.client.post("/arbete/1/overenskommelse/ny/", self._data(SimpleUploadedFile(
            "avtal.pdf", EXE, content_type="application/pdf")))
        self.assertEqual(r.status_code, 200)
        self.assertIn("“avtal.pdf” is not a PDF file.", r.context["form"].errors["document"])
        self.assertContains(r, "Samverkansöverenskommelse Nordost")  # what was typed is kept
        r = self.client.post("/arbete/1/overenskommelse/ny/", self._data(SimpleUploadedFile("avtal.exe", EXE)))
        self.assertIn("document", r.context["form"].errors)  # only PDF and DOCX
        with mock.patch.object(m, "MAX_DOCUMENT_BYTES", 100):
            r = self.client.post("/arbete/1/overenskommelse/ny/", self._data(SimpleUploadedFile("stor.pdf", PDF)))
        self.assertEqual(r.context["form"].errors["document"], ["“stor.pdf” is larger than 0 MB."])
        self.assertFalse(m.Agreement.objects.exists())

    def test_size_limit_is_20_mb(self):
        self.login("alice")
        big = PDF + b"0" * (m.MAX_DOCUMENT_BYTES + 1 - len(PDF))
        r = self.client.post("/arbete/1/overenskommelse/ny/", self._data(SimpleUploadedFile("stor.pdf", big)))
        self.assertEqual(r.context["form"].errors["document"], ["“stor.pdf” is larger than 20 MB."])
        self.assertFalse(m.Agreement.objects.exists())

    def test_it_checks_access(self):
        a = m.Agreement.objects.create(area=self.nordost, title="Avtal", start=dt.date(2026, 1, 1),
                                       end=dt.date(2026, 12, 31), document=SimpleUploadedFile("a.pdf", PDF))
        for who in ("lena", "rami", "carl", "nils"):
            self.login(who)
            self.assertEqual(self.client.get("/arbete/1/overenskommelse/ny/").status_code, 403, who)
        for who in ("rami", "carl", "nils"):
            self.login(who)
            self.assertEqual(self.client.get(f"/arbete/1/overenskommelse/{a.pk}/dokument/").status_code, 403, who)
        self.client.logout()
        self.assertEqual(self.client.get(f"/arbete/1/overenskommelse/{a.pk}/dokument/").status_code, 302)

    def test_previous_conference_decisions(self):
        year = timezone.localdate().year
        Conference.objects.create(municipality=self.goteborg, year=year - 1, theme="narkotika",
                                  decisions="Prioritera narkotika\n- EST i alla områden")
        self.login("alice")
        r = self.client.get("/arbete/1/overenskommelse/ny/")
        self.assertEqual(r.context["decisions"], ["Prioritera narkotika", "EST i alla områden"])  # the tag's context
        self.assertContains(r, 'data-testid="conference-decisions"')
        self.assertContains(r, "<li>Prioritera narkotika</li>", html=False)
        r = self.client.post("/arbete/1/overenskommelse/ny/", self._data("", title="", start=""))  # rejected
        self.assertContains(r, "EST i alla områden")
        r = self.client.post("/arbete/1/overenskommelse/ny/", self._data("", title="", start=f"{year + 5}-01-01"))
        self.assertNotContains(r, "EST i alla områden")  # an agreement for a later year: no decisions yet
        a = m.Agreement.objects.create(area=self.nordost, title="Avtal", start=dt.date(year, 1, 1),
                                       end=dt.date(year, 12, 31))
        self.assertContains(self.client.get(f"/arbete/1/overenskommelse/{a.pk}/"), "Prioritera narkotika")
        old = m.Agreement.objects.create(area=self.nordost, title="Äldre avtal", start=dt.date(year - 1, 1, 1),
                                         end=dt.date(year - 1, 12, 31))
        self.assertNotContains(self.client.get(f"/arbete/1/overenskommelse/{old.pk}/"), "Prioritera narkotika")


class SigningTestCase(BaseTestCase):
    def setUp(self):
        self.agreement = m.Agreement.objects.create(area=self.nordost, title="Avtal", start=dt.date(2026, 1, 1),
                                                    end=dt.date(2026, 12, 31))
        self.plan = m.ActionPlan.objects.create(area=self.nordost, title="Åtgärdsplan 2026",
                                                start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))

    def _sign(self, model, obj, **data):
        return self.client.post(f"/arbete/1/signera/{model}/{obj.pk}/", data)

    def test_it_works(self):
        for model, obj in (("agreement", self.agreement), ("plan", self.plan)):
            self.login("dina")  # district director: the city side
            self._sign(model, obj)
            self.assertEqual(obj.signed_sides(), {"city"})
            self.assertFalse(obj.fully_signed)
            self.login("pelle")  # police chief: the police side
            self._sign(model, obj)
            self.assertEqual(obj.signed_sides(), {"city", "police"})
            self.assertTrue(obj.fully_signed)  # the plan is adopted
            sig = obj.signatures.get(side="police")
            self.assertEqual(sig.user, self.pelle)
            self.assertIn("LPO Nordost", sig.role)
            self.assertTrue(m.ChangeLog.objects.filter(kind=m.ChangeLog.Kind.SIGNED, object_id=obj.pk).exists())
        self.login("alice")
        self.assertContains(self.client.get(f"/arbete/1/overenskommelse/{self.agreement.pk}/"), 'data-side="police"')

    def test_each_side_signs_for_itself(self):
        self.login("dina")
        r = self._sign("agreement", self.agreement, side="police")
        self.assertEqual(self.agreement.signed_sides(), set())
        self.assertContains(self.client.get(r["Location"]), "You can sign only for your own side.")
        self._sign("agreement", self.agreement)
        self._sign("agreement", self.agreement)  # twice: still one signature
        self.assertEqual(self.agreement.signatures.count(), 1)

    def test_it_checks_access(self):
        for who in ("alice", "carl", "rami", "lena", "ulla", "nils"):
            self.login(who)
            for model, obj in (("agreement", self.agreement), ("plan", self.plan)):
                self.assertEqual(self._sign(model, obj).status_code, 403, (who, model))
        self.client.logout()
        self.assertEqual(self._sign("plan", self.plan).status_code, 302)
        self.assertFalse(m.Signature.objects.exists())

    def test_it_rejects_bad_input(self):
        self.login("dina")
        self.assertEqual(self.client.post("/arbete/1/signera/conference/1/").status_code, 404)
        self.assertEqual(self._sign("plan", m.ActionPlan(pk=999999)).status_code, 404)
        self.assertEqual(self.client.get(f"/arbete/1/signera/plan/{self.plan.pk}/").status_code, 405)
        centrum_plan = m.ActionPlan.objects.create(area=self.centrum, title="Centrum", start=dt.date(2026, 1, 1),
                                                   end=dt.date(2026, 12, 31))
        self.assertEqual(self._sign("plan", centrum_plan).status_code, 404)  # not in Nordost
        self.assertEqual(self.client.post(f"/arbete/2/signera/plan/{centrum_plan.pk}/").status_code, 403)
        self.assertFalse(m.Signature.objects.exists())
