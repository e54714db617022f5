"""The annual report is computed once per data version: the page and its files reuse the data."""

from unittest import mock

from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from trygg.incidents import dataversion
from trygg.reports import views
from trygg.testing.personas import BaseTestCase

from .fixtures import fill

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "annual-cache-test"}}


@override_settings(CACHES=LOCMEM)
class AnnualCacheTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill({k: getattr(cls, k) for k in ("hjallbo", "vallgraven", "alice", "ulla")})

    def setUp(self):
        caches["figures"].clear()
        self.addCleanup(caches["figures"].clear)

    def test_it_works(self):
        self.login("ulla")
        with mock.patch.object(views, "collect", wraps=views.collect) as collect:
            page = self.client.get(reverse("reports:annual", args=[2025, "narkotika"]))
            again = self.client.get(reverse("reports:annual", args=[2025, "narkotika"]))
            xlsx = self.client.get(reverse("reports:annual_file", args=[2025, "narkotika", "xlsx"]))
            self.assertEqual(collect.call_count, 1)
            self.assertEqual(page.context["report"].generated_at, again.context["report"].generated_at)
            self.assertEqual(xlsx.content[:2], b"PK")
            self.client.get(reverse("reports:annual", args=[2025, "vald"]))  # another theme: its own report
            self.assertEqual(collect.call_count, 2)
            with self.captureOnCommitCallbacks(execute=True):
                dataversion.bump()  # what every import and edit does
            self.client.get(reverse("reports:annual", args=[2025, "narkotika"]))
            self.assertEqual(collect.call_count, 3)

    def test_it_checks_access(self):
        self.login("ulla")
        self.assertEqual(self.client.get(reverse("reports:annual", args=[2025, "narkotika"])).status_code, 200)
        self.login("alice")  # a district coordinator: not the city-wide report, cached or not
        self.assertEqual(self.client.get(reverse("reports:annual", args=[2025, "narkotika"])).status_code, 403)
