from django.urls import reverse

from trygg.jobs.models import Job
from trygg.reports.models import Conference
from trygg.testing.jobs import JobsMixin
from trygg.testing.personas import BaseTestCase

from .fixtures import fill


class AnnualViewsTestCase(JobsMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill({k: getattr(cls, k) for k in ("hjallbo", "vallgraven", "alice", "ulla")})

    def test_it_works(self):
        self.login("ulla")
        r = self.client.get(reverse("reports:index"), {"year": 2025, "theme": "narkotika", "fmt": "html"})
        self.assertRedirects(r, reverse("reports:annual", args=[2025, "narkotika"]), fetch_redirect_response=False)
        r = self.fetch(reverse("reports:annual", args=[2025, "narkotika"]))  # built by a background job
        self.assertContains(r, "Nordost")
        self.assertContains(r, reverse("reports:annual_file", args=[2025, "narkotika", "pdf"]))
        r = self.fetch(reverse("reports:annual_file", args=[2025, "narkotika", "xlsx"]))
        self.assertEqual(b"".join(r.streaming_content)[:2], b"PK")

    def test_attach_pdf_to_conference(self):
        self.login("ulla")
        r = self.client.post(reverse("reports:conference_attach", args=["1480", 2025]))
        self.assertRedirects(r, reverse("reports:conference", args=["1480", 2025]))
        page = self.client.get(reverse("reports:conference", args=["1480", 2025]))  # queued: the page follows the job
        self.assertContains(page, "data-job-status")
        self.assertContains(page, "job-progress.js")
        self.assertNotContains(page, "Generate again")
        self.client.post(reverse("reports:conference_attach", args=["1480", 2025]))  # a second click: the same job
        self.assertEqual(Job.objects.filter(kind="conference-analysis").count(), 1)
        self.login("lena")  # sees the conference, not the job (city-wide analysis only)
        self.assertNotContains(self.client.get(reverse("reports:conference", args=["1480", 2025])), "data-job-status")
        self.login("ulla")
        self.run_jobs()
        page = self.client.get(reverse("reports:conference", args=["1480", 2025]))
        self.assertNotContains(page, "data-job-status")
        self.assertContains(page, reverse("reports:conference_pdf", args=["1480", 2025]))
        self.client.post(reverse("reports:conference_attach", args=["1480", 2025]))  # nothing changed: nothing to do
        self.assertEqual(Job.objects.filter(status=Job.Status.QUEUED).count(), 0)
        conf = Conference.objects.get(municipality=self.goteborg, year=2025)
        self.assertTrue(conf.analysis_pdf.name.endswith(".pdf"))
        self.login("dina")  # anyone who sees the picture may download the attached analysis
        r = self.client.get(reverse("reports:conference_pdf", args=["1480", 2025]))
        self.assertEqual(b"".join(r.streaming_content)[:4], b"%PDF")
        conf.analysis_pdf.delete()

    def test_it_checks_access(self):
        for persona in ("alice", "dina", "pelle", "lena"):
            self.login(persona)
            self.assertEqual(self.client.get(reverse("reports:annual", args=[2025, "narkotika"])).status_code, 403)

    def test_it_rejects_bad_input(self):
        self.login("ulla")
        self.assertEqual(self.client.get(reverse("reports:annual", args=[2025, "nope"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("reports:annual_file", args=[2025, "narkotika", "csv"])).status_code, 404)
        r = self.client.get(reverse("reports:index"), {"year": 1900, "theme": "narkotika", "fmt": "pdf"})
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.context["form"].errors["year"])
