"""After an import the figures most people open first are computed by a background job, so that the
first viewer finds them in the cache (``trygg.picture.warming``)."""

import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.test import override_settings

from trygg.incidents import dataversion
from trygg.incidents.est import import_est_csv
from trygg.jobs import queue
from trygg.jobs.models import Job
from trygg.numbers import figures
from trygg.picture import opened, warming

from .test_figure_cache import HEADER, CachedBusyWorldTestCase


@override_settings(TRYGG_WARM_FIGURES=True)
class WarmingTestCase(CachedBusyWorldTestCase):

    def _import(self, n=3):
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        path = tmp / "est.csv"
        path.write_text(HEADER + "".join(f"2025-03-1{i} 10:00,klotter,11.965,57.768,,,,\n" for i in range(n)),
                        encoding="utf-8")
        with self.captureOnCommitCallbacks(execute=True):
            return import_est_csv(path)

    def _warm_jobs(self):
        return Job.objects.filter(kind=warming.KIND)

    def test_an_import_queues_it_once_per_data_version(self):
        self._import()
        job = self._warm_jobs().get()
        self.assertEqual((job.status, job.data_version), (Job.Status.QUEUED, dataversion.current()))
        warming.after_import()  # asked again for the same data: the same job
        self.assertEqual(self._warm_jobs().count(), 1)
        self._import()  # new data: a new job
        self.assertEqual(self._warm_jobs().filter(data_version=dataversion.current()).count(), 1)
        self.assertEqual(self._warm_jobs().count(), 2)

    def test_an_import_computes_the_coverage_counts_for_every_process(self):
        from django.core.cache import cache, caches

        from trygg.incidents import coverage
        from trygg.numbers import figure_cache

        self._import()
        shared = caches[figure_cache.CACHE].get(figure_cache.key("coverage", per_language=False))
        self.assertEqual(shared, coverage._compute_facts())
        self.assertIn("est", shared["daily"])
        cache.clear()  # another process: its own memory empty, the figure cache shared
        with self.assertNumQueries(4):  # the import state per call, the data version once: never the counts
            self.assertEqual(coverage.daily_by_source(), shared["daily"])
            self.assertEqual(coverage.coverage_start("police"), shared["starts"]["police"])
            self.assertEqual(coverage.daily_ends(), shared["ends"])

    def test_a_process_never_keeps_the_coverage_counts_of_an_older_data_version(self):
        import datetime as dt

        from django.core.cache import cache

        from trygg.incidents import coverage

        from .world import make

        cache.clear()
        before = coverage.daily_by_source()["police"]
        # new rows whose import has committed, the data version not raised yet (its bump runs just
        # after the commit): a process asking now finds the figure cache's counts of the old version
        make(self.hjallbo, dt.date(2025, 3, 20), n=5)
        coverage.daily_by_source()
        with self.captureOnCommitCallbacks(execute=True):
            dataversion.bump()
        after = coverage.daily_by_source()["police"]
        self.assertEqual(after, coverage._compute_facts()["daily"]["police"])
        self.assertNotEqual(after, before)

    def test_a_figure_cache_that_fails_leaves_the_import_and_its_job(self):
        from trygg.incidents import coverage

        with mock.patch.object(coverage, "warm", side_effect=ConnectionError("redis is down")), \
                self.assertLogs("trygg.jobs", "ERROR"):
            self._import()
        self.assertEqual(self._warm_jobs().count(), 1)

    @override_settings(TRYGG_WARM_FIGURES=False)
    def test_it_can_be_switched_off(self):
        self._import()
        self.assertFalse(self._warm_jobs().exists())

    def test_the_targets_start_with_the_home_municipality(self):
        todo = warming.targets()
        codes = [(what, area.code, choice.compare if choice else None) for what, area, choice in todo]
        self.assertEqual(codes[:2], [("picture", "1480", "previous"), ("picture", "1480", "last-year")])
        self.assertIn(("picture", "1", "previous"), codes)  # a district of it
        self.assertIn(("public", "1480", None), codes)
        self.assertIn(("public", "1", None), codes)
        self.assertIn(("picture", "SE", "previous"), codes)
        # nobody has a role in Stockholm: its figures are computed when first asked for
        self.assertNotIn("0180", {c for _w, c, _x in codes})
        self.assertNotIn(("picture", self.hjallbo.code, "previous"), codes)  # below the districts: on demand

    def test_a_municipality_someone_works_in_is_warmed_too(self):
        from trygg.accounts.models import Membership, Organisation, Role

        org = Organisation.objects.create(name="Stockholms stad", kind=Organisation.Kind.CITY)
        Membership.objects.create(user=self.lena, organisation=org, role=Role.LASARE, area=self.stockholm)
        codes = [area.code for _w, area, _c in warming.targets()]
        self.assertIn("0180", codes)
        self.assertLess(codes.index("1480"), codes.index("0180"))

    def test_the_first_viewer_after_it_computes_nothing(self):
        self._import()
        done = queue.run_pending()
        self.assertEqual([j.status for j in done], [Job.Status.DONE])
        self.assertIn(b": done", done[0].result.read())
        self.login("ulla")  # the development lead: the whole municipality
        with mock.patch.object(figures, "compute_picture", wraps=figures.compute_picture) as compute:
            for url in ("/lagesbild/1/", "/lagesbild/1480/", "/lagesbild/offentlig/1480/", "/lagesbild/offentlig/1/"):
                self.assertEqual(self.client.get(url).status_code, 200, url)
            self.assertEqual(compute.call_count, 0)
            self.assertEqual(self.client.get(f"/lagesbild/{self.hjallbo.code}/").status_code, 200)  # below: on demand
            self.assertEqual(compute.call_count, 1)

    def test_trygg_picture_reads_what_it_computed(self):
        import io

        from django.core.management import call_command

        from trygg.numbers.params import parse_choice

        self._import()
        queue.run_pending()
        choice = parse_choice({}, self.goteborg)
        args = ["--area", "1480", "--from", str(choice.start), "--to", str(choice.end), "--format", "json"]
        with mock.patch.object(figures, "compute_picture", wraps=figures.compute_picture) as compute:
            call_command("picture", *args, stdout=io.StringIO())
            self.assertEqual(compute.call_count, 0)
            call_command("picture", "--area", "1480", "--from", str(choice.start), "--to", str(choice.end),
                         "--theme", "narkotika", stdout=io.StringIO())  # a theme: not computed ahead
            self.assertEqual(compute.call_count, 1)

    def test_it_stops_when_the_data_change(self):
        todo = warming.targets()
        bumps = iter([dataversion.current()] * 2 + [dataversion.current() + 1] * len(todo))
        with mock.patch.object(dataversion, "current", side_effect=lambda: next(bumps)):
            reached, why = warming.warm(todo)
        self.assertEqual((reached, why), (1, "data changed"))

    def test_it_makes_way_for_a_job_someone_waits_for(self):
        self._import()
        queue.get_or_enqueue("annual-report", {"year": 2024, "theme": "narkotika", "municipality": "1480"})
        with mock.patch("trygg.reports.annual.job.build", return_value=(b"%PDF", "a.pdf", "application/pdf")):
            first = queue.run_next()  # the warm job, queued first: it computes one set, then yields
            self.assertEqual(first.kind, warming.KIND)
            self.assertIn(b"1 of", first.result.read())
            self.assertEqual(queue.run_next().kind, "annual-report")  # the person's job next
            rest = queue.run_next()  # then the rest of the warming
        self.assertEqual((rest.kind, rest.params["start"]), (warming.KIND, 1))
        self.assertIn(b": done", rest.result.read())

    def test_pages_opened_recently_are_warmed_too(self):
        import datetime as dt

        from django.core.cache import caches
        from django.utils import timezone

        self.login("ulla")
        for url in (f"/lagesbild/{self.hjallbo.code}/", "/lagesbild/offentlig/1/"):
            self.assertEqual(self.client.get(url).status_code, 200, url)
        codes = [(what, area.code, choice.compare if choice else None) for what, area, choice in warming.targets()]
        # below the districts, opened today: after the others, both periods
        self.assertEqual(codes[-2:], [("picture", self.hjallbo.code, "previous"), ("picture", self.hjallbo.code, "last-year")])
        self.assertEqual(codes.count(("public", "1", None)), 1)  # a district's public page: there already
        # a note older than two weeks is forgotten
        old = (timezone.localdate() - dt.timedelta(days=opened.DAYS)).isoformat()
        caches["figures"].set(opened.KEY, {f"picture:{self.hjallbo.code}": old})
        self.assertNotIn(self.hjallbo.code, {area.code for _w, area, _c in warming.targets()})
        opened.note("picture", self.stockholm.code)
        self.assertIn(self.stockholm.code, {area.code for _w, area, _c in warming.targets()})

    def test_at_most_the_latest_notes_are_kept(self):
        from django.core.cache import caches

        with mock.patch.object(opened, "LIMIT", 2):
            for code in ("a", "b", "c"):
                opened.note("picture", code)
        self.assertEqual(len(caches["figures"].get(opened.KEY)), 2)
        self.assertEqual(len(opened.recently()), 2)

    def test_the_public_pages_are_rendered_ahead(self):
        from django.test import Client

        self._import()
        queue.run_pending()
        with mock.patch("trygg.picture.views.render") as rendering:  # served from the page cache
            for url in ("/lagesbild/offentlig/1480/", "/lagesbild/offentlig/1/"):
                response = Client().get(url)
                self.assertEqual(response.status_code, 200, url)
                self.assertContains(response, "Nordost")
            rendering.assert_not_called()
        # what the job stored is the page a visitor gets when nothing was stored
        import re

        from django.core.cache import caches

        def page():  # each request has its own CSRF token
            return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", Client().get("/lagesbild/offentlig/1/").content)

        stored = page()
        caches["figures"].clear()
        self.assertEqual(stored, page())

    def test_a_page_it_cannot_render_leaves_the_figures_computed(self):
        self._import()
        with mock.patch("trygg.picture.views.render", side_effect=ValueError("Missing staticfiles manifest entry")), \
                self.assertLogs("trygg.jobs", "WARNING") as logs:
            done = queue.run_pending()
        self.assertEqual([j.status for j in done], [Job.Status.DONE])
        self.assertIn("not rendered ahead", "\n".join(logs.output))
        with mock.patch.object(figures, "compute_picture", wraps=figures.compute_picture) as compute:
            self.assertEqual(self.client.get("/lagesbild/offentlig/1480/").status_code, 200)
            self.assertEqual(compute.call_count, 0)  # its figures were computed by the job
