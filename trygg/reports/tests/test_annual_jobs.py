"""The annual report as a background job: opening it queues one job (never two), the job runner
builds it with its progress on the page, the result is served without being built again until
the data change, and a failure shows its message (no traceback)."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from trygg.incidents import dataversion
from trygg.jobs import queue
from trygg.jobs.models import Job
from trygg.reports.annual import job as annual_job
from trygg.reports.annual import render
from trygg.testing.jobs import JobsMixin
from trygg.testing.personas import BaseTestCase

from .fixtures import fill

PAGE = reverse("reports:annual", args=[2025, "narkotika"])
PDF = reverse("reports:annual_file", args=[2025, "narkotika", "pdf"])
XLSX = reverse("reports:annual_file", args=[2025, "narkotika", "xlsx"])


class AnnualJobQueueTestCase(JobsMixin, BaseTestCase):
    """What happens before the job runner takes the job (no report is built here)."""

    def status_url(self, job):
        return reverse("reports:annual_status", args=[job.pk])

    def test_opening_it_queues_one_job(self):
        self.login("ulla")
        first = self.client.get(PAGE)
        self.assertEqual(first.status_code, 202)
        again = self.client.get(PAGE)
        self.assertEqual(again.status_code, 202)
        job = Job.objects.get()
        self.assertEqual((job.kind, job.status, job.requested_by), ("annual-report", Job.Status.QUEUED, self.ulla))
        self.assertEqual(job.params, {"year": 2025, "theme": "narkotika", "municipality": "1480", "format": "html",
                                      "language": "sv"})
        self.assertEqual(job.data_version, dataversion.current())
        self.assertEqual(first.context["job"], job)
        self.assertEqual(again.context["job"], job)
        self.assertEqual(self.client.get(PDF).status_code, 202)  # another format: its own job
        self.assertEqual(Job.objects.count(), 2)
        self.client.get(PDF)
        self.assertEqual(Job.objects.count(), 2)
        self.login("ada")
        self.client.get(PAGE)  # someone else asks for the same report: the same job
        self.assertEqual(Job.objects.count(), 2)

    def test_two_requests_at_the_same_moment_get_the_same_job(self):
        self.client.get(PAGE)  # anonymous: refused, nothing queued
        self.assertFalse(Job.objects.exists())
        self.login("ulla")
        self.client.get(PAGE)
        job = Job.objects.get()
        # the other request looked a moment before this one's job existed, then tries to create it
        params, key = job.params, queue.key_for("annual-report", job.params)
        self.assertEqual(queue._enqueue("annual-report", params, key, job.data_version, self.ulla), job)
        self.assertEqual(Job.objects.count(), 1)

    def test_the_progress_page(self):
        self.login("ulla")
        r = self.client.get(PAGE)
        html = r.content.decode()
        job = Job.objects.get()
        self.assertIn(f'data-job-status="{self.status_url(job)}"', html)
        self.assertIn('<noscript><meta http-equiv="refresh"', html)  # without JavaScript
        self.assertIn("/static/trygg/job-progress.js", html)
        self.assertIn('<progress value="0" max="100"', html)
        self.assertFalse(re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script (CSP)")
        self.assertContains(r, "is queued", status_code=202)
        r = self.client.get(self.status_url(job))
        self.assertEqual(r.json(), {"status": "queued", "progress": 0, "step": "", "error": ""})
        self.assertIn("no-store", r["Cache-Control"])
        r = self.client.get(PDF)
        self.assertContains(r, f'data-job-download="{PDF}"', status_code=202)

    def test_it_checks_access(self):
        self.login("ulla")
        self.client.get(PAGE)
        job = Job.objects.get()
        for persona in ("alice", "dina", "pelle", "carl", "rami", "lena", "nils"):
            self.login(persona)
            for url in (PAGE, PDF, self.status_url(job)):
                self.assertEqual(self.client.get(url).status_code, 403, (persona, url))
            self.assertEqual(self.client.post(PAGE).status_code, 403, persona)
        self.client.logout()
        for url in (PAGE, self.status_url(job)):
            self.assertEqual(self.client.get(url).status_code, 302, url)  # to the sign-in page
        self.assertEqual(Job.objects.count(), 1)  # none of them queued anything
        for persona in ("ulla", "ada"):  # city-wide analysis: the report and its progress
            self.login(persona)
            self.assertEqual(self.client.get(self.status_url(job)).status_code, 200, persona)
        other = Job.objects.create(kind="something-else", key="x")
        self.assertEqual(self.client.get(self.status_url(other)).status_code, 404)

    def test_it_rejects_bad_input(self):
        self.login("ulla")
        for url in (reverse("reports:annual", args=[2025, "nope"]), f"{PAGE}?kommun=9999",
                    reverse("reports:annual", args=[1999, "narkotika"]),
                    reverse("reports:annual_file", args=[2025, "narkotika", "html"]),
                    reverse("reports:annual_file", args=[2025, "narkotika", "docx"])):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertFalse(Job.objects.exists())

    def test_swedish(self):
        self.login("ulla")
        r = self.client.get(PAGE, HTTP_ACCEPT_LANGUAGE="sv")
        self.assertContains(r, "Rapporten står i kö och tas fram i bakgrunden", status_code=202)
        self.assertContains(r, "Väntar på jobbkörningen", status_code=202)
        job = Job.objects.get()
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error="kommunen 1480 saknas")
        r = self.client.get(PAGE, HTTP_ACCEPT_LANGUAGE="sv")
        self.assertContains(r, "Rapporten kunde inte tas fram.")
        self.assertContains(r, "Försök igen")
        with translation.override("sv"):
            self.assertEqual(annual_job._step_text("district Nordost"), "Område Nordost")
            self.assertEqual(annual_job._step_text("city"), "Kommunen som helhet")


@pytest.mark.slow
class AnnualJobRunTestCase(JobsMixin, BaseTestCase):
    """The job runner builds the report (a few seconds per report)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill({k: getattr(cls, k) for k in ("hjallbo", "vallgraven", "alice", "ulla")})

    def setUp(self):
        super().setUp()
        self.login("ulla")

    def test_the_runner_builds_it_and_the_progress_moves(self):
        self.client.get(PAGE)
        job = Job.objects.get()
        seen = []
        real_build = annual_job.build

        def watched(params, progress):
            def report(percent, step=""):
                progress(percent, step)
                with translation.override(translation.get_language()):  # a request here switches the language
                    seen.append(self.client.get(reverse("reports:annual_status", args=[job.pk])).json())
            return real_build(params, report)

        with mock.patch.object(annual_job, "build", side_effect=watched):
            self.assertEqual(self.run_jobs(), [job])
        self.assertTrue(seen and all(s["status"] == "running" for s in seen))
        percents = [s["progress"] for s in seen]
        self.assertEqual(percents, sorted(percents))
        self.assertLess(percents[0], 20)
        self.assertGreater(percents[-1], 80)
        steps = [s["step"] for s in seen]
        self.assertIn("Område Nordost", steps)  # the report is Swedish: so are its steps
        self.assertIn("Skriver HTML-filen", steps)
        job.refresh_from_db()
        self.assertEqual((job.status, job.progress, job.error), (Job.Status.DONE, 100, ""))
        self.assertTrue(job.result.name.startswith("jobs/"))
        r = self.client.get(PAGE)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Nordost")
        self.assertNotContains(r, "data-job-status")  # done: no progress, no polling
        self.assertNotContains(r, "job-progress.js")
        self.assertEqual(self.client.get(reverse("reports:annual_status", args=[job.pk])).json()["status"], "done")

    def test_the_result_is_served_without_building_it_again(self):
        self.fetch(PAGE)
        self.client.get(XLSX)
        self.run_jobs()
        with mock.patch.object(annual_job, "collect") as collect, mock.patch.object(render, "html") as html, \
                mock.patch.object(annual_job, "build") as build:
            with self.assertNumQueries(9):  # session, user, memberships, the municipalities (2), data version, job, footer, menu
                page = self.client.get(PAGE)
            with self.assertNumQueries(7):  # session, user, memberships, the municipalities (2), data version, job
                xlsx = self.client.get(XLSX)
        collect.assert_not_called()
        html.assert_not_called()
        build.assert_not_called()
        self.assertContains(page, "Nordost")
        self.assertEqual(xlsx["Content-Disposition"], 'attachment; filename="arsanalys-2025-narkotika.xlsx"')
        self.assertEqual(b"".join(xlsx.streaming_content)[:2], b"PK")
        self.assertEqual(Job.objects.count(), 2)
        self.assertEqual(self.run_jobs(), [])  # nothing queued

    def test_new_data_build_it_again_and_the_old_one_is_shown_as_outdated(self):
        self.fetch(PAGE)
        old = Job.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            dataversion.bump()  # an import or edit
        r = self.client.get(PAGE)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "The data have changed since this report was built: it is outdated.")
        self.assertContains(r, "data-job-status")  # the new one's progress beside the old report
        self.assertContains(r, "Nordost")
        new = Job.objects.get(status=Job.Status.QUEUED)
        self.assertEqual(new.data_version, old.data_version + 1)
        self.client.get(PAGE)
        self.assertEqual(Job.objects.count(), 2)  # still one rebuild
        with mock.patch.object(annual_job, "collect", wraps=annual_job.collect) as collect:
            self.run_jobs()
        collect.assert_called_once()  # built again from the new data
        r = self.client.get(PAGE)
        self.assertNotContains(r, "it is outdated")
        self.assertEqual(list(Job.objects.all()), [new])  # the old result is removed
        self.assertFalse(old.result.storage.exists(old.result.name))
        Job.objects.filter(pk=new.pk).update(started_at=timezone.now() - dt.timedelta(days=1))
        r = self.client.get(PAGE, HTTP_ACCEPT_LANGUAGE="sv")  # the next day: the same data, built again
        self.assertContains(r, "Rapporten togs fram en tidigare dag: den är inaktuell.")
        self.assertContains(r, "data-job-status")

    def test_a_failure_is_shown_with_its_message_and_can_be_tried_again(self):
        self.client.get(PAGE)
        self.client.get(PDF)
        with mock.patch.object(annual_job, "collect", side_effect=ValueError("the municipality 1480 is not loaded")):
            with self.assertLogs("trygg.jobs", "ERROR") as logs:
                self.run_jobs()
        self.assertIn("Traceback", "\n".join(logs.output))  # for the operator
        job = Job.objects.get(params__format="html")
        self.assertEqual((job.status, job.error), (Job.Status.FAILED, "the municipality 1480 is not loaded"))
        for url in (PAGE, PDF):
            r = self.client.get(url)
            self.assertContains(r, "The report could not be built.")
            self.assertContains(r, "the municipality 1480 is not loaded")
            self.assertNotContains(r, "Traceback")
            self.assertNotContains(r, "ValueError")
            self.assertNotContains(r, "job-progress.js")  # failed: nothing to wait for
        self.assertEqual(self.client.get(reverse("reports:annual_status", args=[job.pk])).json(),
                         {"status": "failed", "progress": 0, "step": "", "error": "the municipality 1480 is not loaded"})
        self.assertEqual(Job.objects.filter(status=Job.Status.QUEUED).count(), 0)  # no endless retries
        self.assertRedirects(self.client.post(PAGE), PAGE, fetch_redirect_response=False)  # "Try again"
        self.assertEqual(Job.objects.filter(status=Job.Status.QUEUED).count(), 1)
        self.run_jobs()
        self.assertContains(self.client.get(PAGE), "Nordost")
        self.assertFalse(Job.objects.filter(pk=job.pk).exists())  # the failure is superseded

    def test_the_conference_page_shows_why_its_analysis_failed(self):
        conference = reverse("reports:conference", args=["1480", 2025])
        attach_url = reverse("reports:conference_attach", args=["1480", 2025])
        self.assertRedirects(self.client.post(attach_url), conference, fetch_redirect_response=False)
        with mock.patch.object(annual_job, "collect", side_effect=ValueError("no population for 2025")), \
                self.assertLogs("trygg.jobs", "ERROR"):
            self.run_jobs()
        r = self.client.get(conference, HTTP_ACCEPT_LANGUAGE="sv")
        self.assertContains(r, "Rapporten kunde inte tas fram.")
        self.assertContains(r, "no population for 2025")
        self.assertContains(r, f'<form method="post" action="{attach_url}">', count=2)  # "Försök igen" and the button
        self.assertNotContains(r, "job-progress.js")
        job = Job.objects.get(kind="conference-analysis")
        self.assertEqual(self.client.get(reverse("reports:annual_status", args=[job.pk])).json()["status"], "failed")
        self.client.post(attach_url)  # try again
        self.assertEqual(Job.objects.filter(kind="conference-analysis", status=Job.Status.QUEUED).count(), 1)
