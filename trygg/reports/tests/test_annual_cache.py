"""The annual report is computed once per data version: the page's and the files' background
jobs share the data (the figure cache), and a built result is served until the data change."""

from unittest import mock

from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from trygg.incidents import dataversion
from trygg.jobs.models import Job
from trygg.reports.annual import job as annual_job
from trygg.testing.jobs import JobsMixin
from trygg.testing.personas import BaseTestCase

from .fixtures import fill

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "annual-cache-test"}}


@override_settings(CACHES=LOCMEM)
class AnnualCacheTestCase(JobsMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill({k: getattr(cls, k) for k in ("hjallbo", "vallgraven", "alice", "ulla")})

    def setUp(self):
        super().setUp()
        caches["figures"].clear()
        self.addCleanup(caches["figures"].clear)

    def test_it_works(self):
        self.login("ulla")
        page_url = reverse("reports:annual", args=[2025, "narkotika"])
        with mock.patch.object(annual_job, "collect", wraps=annual_job.collect) as collect:
            page = self.fetch(page_url)
            xlsx = self.fetch(reverse("reports:annual_file", args=[2025, "narkotika", "xlsx"]))
            self.assertEqual(collect.call_count, 1)  # two jobs (page and file), one computation
            self.assertEqual(b"".join(xlsx.streaming_content)[:2], b"PK")
            again = self.client.get(page_url)  # no job runs: the stored result
            self.assertEqual(again.context["body"], page.context["body"])
            self.assertEqual(Job.objects.count(), 2)
            self.fetch(reverse("reports:annual", args=[2025, "vald"]))  # another theme: its own report
            self.assertEqual(collect.call_count, 2)
            with self.captureOnCommitCallbacks(execute=True):
                dataversion.bump()  # what every import and edit does
            self.fetch(page_url)
            self.assertEqual(collect.call_count, 3)

    def test_it_checks_access(self):
        self.login("ulla")
        self.assertEqual(self.fetch(reverse("reports:annual", args=[2025, "narkotika"])).status_code, 200)
        self.login("alice")  # a district coordinator: not the city-wide report, built or not
        self.assertEqual(self.client.get(reverse("reports:annual", args=[2025, "narkotika"])).status_code, 403)
