"""Figures cached until the data change: the picture and public pages compute their figures once
per data version, every import and edit raises the version, and the cache key holds everything
the output depends on – never who is looking."""

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.core.cache import caches
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from trygg.incidents import dataversion
from trygg.incidents.est import import_est_csv
from trygg.incidents.models import Incident
from trygg.numbers import figure_cache, figures
from trygg.testing.personas import BaseTestCase

from .world import busy_world

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"
DRUGS_DAY = "?from=2025-03-10&to=2025-03-10&compare=previous"  # the 40 drug offences with police text
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figure-cache-test"}}
HEADER = "occurred_at,category,lon,lat,area_code,place,description,organisation\n"


def queries_of(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.status_code
    return len(ctx.captured_queries), r


@override_settings(CACHES=LOCMEM)
class CachedBusyWorldTestCase(BaseTestCase):
    """The busy test world with the figure cache on (local memory, emptied around each test)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def setUp(self):
        caches["figures"].clear()
        self.addCleanup(caches["figures"].clear)


class FigureCacheTestCase(CachedBusyWorldTestCase):

    def test_it_works(self):
        """Two viewers (so the whole page is not served from the page cache the second time:
        ``test_page_cache``) share the figures."""
        self.login("alice")
        with mock.patch.object(figures, "compute_picture", wraps=figures.compute_picture) as compute:
            first, r1 = queries_of(self.client, "/lagesbild/1/" + Q)
            self.login("bob")
            second, r2 = queries_of(self.client, "/lagesbild/1/" + Q)
        self.assertEqual(compute.call_count, 1)
        self.assertLess(second, first - 10)
        self.assertEqual(r2.context["fig"].as_dict(), r1.context["fig"].as_dict())
        self.assertEqual(r2.context["series"], r1.context["series"])

    def test_the_public_page_is_computed_once(self):
        with mock.patch.object(figures, "compute_picture", wraps=figures.compute_picture) as compute:
            first, r1 = queries_of(self.client, "/lagesbild/offentlig/1/")
            second, r2 = queries_of(self.client, "/lagesbild/offentlig/1/")
        self.assertEqual(compute.call_count, 1)
        self.assertLess(second, first)
        self.assertEqual(without_tokens(r2.content), without_tokens(r1.content))

    def test_an_import_raises_the_version_and_shows_new_data(self):
        self.login("alice")
        before = r_count(self.client)
        version = dataversion.current()
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        path = tmp / "est.csv"
        path.write_text(HEADER + "".join(f"2025-03-1{i} 10:00,klotter,11.965,57.768,,,,\n" for i in range(5)),
                        encoding="utf-8")
        with self.captureOnCommitCallbacks(execute=True):
            run = import_est_csv(path)
        self.assertEqual(run.new, 5)
        self.assertGreater(dataversion.current(), version)
        self.assertEqual(r_count(self.client), before + 5)

    def test_an_edit_raises_the_version(self):
        version = dataversion.current()
        inc = Incident.objects.filter(area=self.hjallbo).first()
        with self.captureOnCommitCallbacks(execute=True):
            inc.category = "misshandel"
            inc.save()
        self.assertEqual(dataversion.current(), version + 1)
        # (a bump already waits for this test's commit: a savepoint makes the next one visible)
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            self.hjallbo.name = "Hjällbo centrum"
            self.hjallbo.save()
        self.assertEqual(dataversion.current(), version + 2)

    def test_one_bump_per_transaction_and_none_on_rollback(self):
        version = dataversion.current()
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with transaction.atomic():
                for inc in Incident.objects.filter(area=self.hjallbo)[:5]:
                    inc.save()
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(dataversion.current(), version + 1)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    Incident.objects.filter(area=self.hjallbo).first().save()
                    raise RuntimeError
            except RuntimeError:
                pass
        self.assertEqual(len(callbacks), 0)
        self.assertEqual(dataversion.current(), version + 1)

    def test_the_key_holds_everything_the_output_depends_on(self):
        base = figure_cache.key("picture-page", figure_cache.area_part(self.nordost), "2025-03-01")
        self.assertEqual(base, figure_cache.key("picture-page", figure_cache.area_part(self.nordost), "2025-03-01"))
        others = [figure_cache.key("picture-page", figure_cache.area_part(self.centrum), "2025-03-01"),
                  figure_cache.key("picture-page", figure_cache.area_part(self.nordost), "2025-03-02"),
                  figure_cache.key("public-page", figure_cache.area_part(self.nordost), "2025-03-01")]
        with self.captureOnCommitCallbacks(execute=True):
            dataversion.bump()
        others.append(figure_cache.key("picture-page", figure_cache.area_part(self.nordost), "2025-03-01"))
        with mock.patch.object(figure_cache, "get_language", return_value="sv"):
            others.append(figure_cache.key("picture-page", figure_cache.area_part(self.nordost), "2025-03-01"))
        with mock.patch.object(figure_cache.timezone, "localdate", return_value=dt.date(2030, 1, 1)):
            others.append(figure_cache.key("picture-page", figure_cache.area_part(self.nordost), "2025-03-01"))
        # another database with the same data version (e.g. PostgreSQL beside SQLite on one var/)
        other_db = {**figure_cache.connection.settings_dict, "NAME": "another-database"}
        with mock.patch.object(figure_cache.connection, "settings_dict", other_db):
            others.append(figure_cache.key("picture-page", figure_cache.area_part(self.nordost), "2025-03-01"))
        self.assertEqual(len({base, *others}), 1 + len(others))

    def test_the_language_is_part_of_the_figures(self):
        self.login("alice")
        en = self.client.get("/lagesbild/1/" + Q)
        sv = self.client.get("/lagesbild/1/" + Q, HTTP_ACCEPT_LANGUAGE="sv")
        labels = {r.label for r in en.context["fig"].rows if r.kind == "total"}
        self.assertIn("Police events", labels)
        self.assertIn("Polisens händelser", {r.label for r in sv.context["fig"].rows if r.kind == "total"})

    def test_it_checks_access(self):
        """The cached figures are the same for every viewer; what depends on the viewer is not cached."""
        self.login("bob")  # community police officer of Nordost: reads police text
        r = self.client.get("/lagesbild/1/" + DRUGS_DAY)
        self.assertContains(r, "Narkotikabrott på torget.")
        self.login("alice")  # coordinator of Nordost: sees the list, not police text
        r = self.client.get("/lagesbild/1/" + DRUGS_DAY)
        self.assertEqual(r.status_code, 200)
        self.assertIsNotNone(r.context["latest"])
        self.assertNotContains(r, "Narkotikabrott på torget.")
        self.login("lena")  # reader: figures only, no incident list
        r = self.client.get("/lagesbild/1/" + DRUGS_DAY)
        self.assertIsNone(r.context["latest"])
        self.assertNotContains(r, "Narkotikabrott på torget.")
        self.assertEqual(r.context["fig"].total("police").count, 40)
        self.login("carl")  # Centrum: not this area, cached or not
        self.assertEqual(self.client.get("/lagesbild/1/" + Q).status_code, 403)

    def test_the_shared_parts_of_the_pages_are_rendered_once(self):
        """The picture's tables, surveys and map block and the public page's content are kept as
        markup: the second request neither queries the survey results nor the placement counts."""
        from trygg.incidents.templatetags import placement_tags
        from trygg.surveys import results

        self.login("alice")
        with mock.patch.object(results, "hidden_results", wraps=results.hidden_results) as surveys, \
                mock.patch.object(placement_tags, "placement_share", wraps=placement_tags.placement_share) as placed:
            r1 = self.client.get("/lagesbild/1/" + Q)
            calls = (surveys.call_count, placed.call_count)
            r2 = self.client.get("/lagesbild/1/" + Q)
            self.assertEqual((surveys.call_count, placed.call_count), calls)
            self.assertGreater(min(calls), 0)
            self.assertEqual(without_tokens(r2.content), without_tokens(r1.content))
            self.client.logout()
            p1 = self.client.get("/lagesbild/offentlig/1/")
            calls = (surveys.call_count, placed.call_count)
            p2 = self.client.get("/lagesbild/offentlig/1/")
            self.assertEqual((surveys.call_count, placed.call_count), calls)
            self.assertEqual(without_tokens(p2.content), without_tokens(p1.content))

    def test_viewer_parts_stay_out_of_the_shared_markup(self):
        """With the tables cached by one viewer, the next still gets its own incident list, text,
        buttons and CSRF token – and the cached markup holds none of them."""
        fragments, cached = [], figure_cache.cached

        def keep(kind, compute, *parts):
            value = cached(kind, compute, *parts)
            if kind.startswith("fragment:"):
                fragments.append(value)
            return value

        self.login("bob")
        with mock.patch.object(figure_cache, "cached", keep):
            r = self.client.get("/lagesbild/1/" + DRUGS_DAY)
        self.assertContains(r, "Narkotikabrott på torget.")
        self.assertEqual(len(fragments), 2)
        for html in fragments:
            for private in ("Narkotikabrott på torget.", "csrfmiddlewaretoken", 'data-testid="latest"',
                            'data-testid="snapshot-form"', "bob"):
                self.assertNotIn(private, html)
        self.login("lena")
        r = self.client.get("/lagesbild/1/" + DRUGS_DAY)
        self.assertNotContains(r, "Narkotikabrott på torget.")
        self.assertNotContains(r, 'data-testid="latest"')
        self.assertContains(r, 'data-testid="theme-table"')

    def test_a_migrate_empties_the_cache(self):
        """A new or restored database starts its data versions again: nothing cached before survives."""
        from django.core.management import call_command

        caches["figures"].set("trygg:figures:x", 1)
        call_command("migrate", verbosity=0)
        self.assertIsNone(caches["figures"].get("trygg:figures:x"))


def without_tokens(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)


def r_count(client) -> int:
    return client.get("/lagesbild/1/" + Q).context["fig"].total("all").count
