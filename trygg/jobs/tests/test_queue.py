"""The job queue and its runner: one job at a time under its lock, progress on the row, a crash
recorded as a failure, a job whose process died recovered, and the runners that take the queue
(``trygg jobs run``, the ``trygg scheduler`` loop, the worker ``trygg serve`` starts)."""

import datetime as dt
import os
import subprocess
import sys
import time
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils import timezone

from trygg.jobs import kinds, queue
from trygg.jobs.locks import exclusive, lock_dir
from trygg.jobs.models import Job
from trygg.ops import scheduler
from trygg.ops.tests.test_scheduler import _hold_lock
from trygg.testing.jobs import JobsMixin
from trygg.web.management.commands import serve

SEEN = []


def echo(params, progress):
    """A kind of job for these tests: reports its progress, then returns its parameters as text."""
    for pct in (10, 50, 90):
        progress(pct, f"step {pct}")
        SEEN.append(Job.objects.values_list("status", "progress", "step").get(params=params))
    if params.get("fail"):
        raise RuntimeError(params["fail"])
    return f"echo {params['n']}", f"echo-{params['n']}.txt", "text/plain"


kinds.register("test-echo", "trygg.jobs.tests.test_queue.echo")


class QueueTestCase(JobsMixin, TestCase):
    def setUp(self):
        super().setUp()
        SEEN.clear()

    def test_it_runs_a_job_and_stores_the_result(self):
        job, previous = queue.get_or_enqueue("test-echo", {"n": 1})
        self.assertEqual((job.status, previous), (Job.Status.QUEUED, None))
        self.assertEqual(queue.get_or_enqueue("test-echo", {"n": 1})[0], job)  # never twice
        self.assertEqual(queue.run_pending(), [job])
        self.assertEqual(SEEN, [("running", 10, "step 10"), ("running", 50, "step 50"), ("running", 90, "step 90")])
        job.refresh_from_db()
        self.assertEqual((job.status, job.progress, job.attempts, job.result_name), ("done", 100, 1, "echo-1.txt"))
        self.assertEqual(job.result.read(), b"echo 1")
        self.assertEqual(queue.get_or_enqueue("test-echo", {"n": 1}), (job, None))  # served, not queued again
        self.assertEqual(queue.run_pending(), [])

    def test_a_result_is_kept_for_the_data_version_and_the_day(self):
        job, _ = queue.get_or_enqueue("test-echo", {"n": 11})
        queue.run_pending()
        self.assertEqual(queue.get_or_enqueue("test-echo", {"n": 11}), (Job.objects.get(pk=job.pk), None))
        Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(days=1))  # built yesterday
        again, previous = queue.get_or_enqueue("test-echo", {"n": 11})
        self.assertEqual((again.status, previous), (Job.Status.QUEUED, job))  # rebuilt; yesterday's meanwhile
        self.assertEqual(again.data_version, job.data_version)

    def test_a_lost_result_is_built_again(self):
        job, _ = queue.get_or_enqueue("test-echo", {"n": 2})
        queue.run_pending()
        job.refresh_from_db()
        job.result.storage.delete(job.result.name)  # var/media lost or not restored
        again, _ = queue.get_or_enqueue("test-echo", {"n": 2})
        self.assertNotEqual(again, job)
        self.assertEqual(again.status, Job.Status.QUEUED)

    def test_a_crash_fails_the_job_and_the_others_still_run(self):
        bad, _ = queue.get_or_enqueue("test-echo", {"n": 3, "fail": "no population for 2025"})
        good, _ = queue.get_or_enqueue("test-echo", {"n": 4})
        with self.assertLogs("trygg.jobs", "ERROR"):
            self.assertEqual(queue.run_pending(), [bad, good])
        bad.refresh_from_db()
        self.assertEqual((bad.status, bad.error, bool(bad.result)), ("failed", "no population for 2025", False))
        self.assertEqual(Job.objects.get(pk=good.pk).status, "done")
        self.assertEqual(queue.get_or_enqueue("test-echo", {"n": 3, "fail": "no population for 2025"})[0], bad)
        retry, _ = queue.get_or_enqueue("test-echo", {"n": 3, "fail": "no population for 2025"}, retry=True)
        self.assertEqual(retry.status, Job.Status.QUEUED)

    def test_an_unknown_kind_is_refused_when_queued(self):
        with self.assertRaises(LookupError):
            queue.get_or_enqueue("no-such-kind", {})
        self.assertFalse(Job.objects.exists())

    def test_a_job_whose_process_died_is_queued_again_then_failed(self):
        job, _ = queue.get_or_enqueue("test-echo", {"n": 5})
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1, worker_pid=999999, progress=40)
        self.assertEqual(queue.recover_stale(), [job])  # nobody holds its lock: its process is gone
        job.refresh_from_db()
        self.assertEqual((job.status, job.progress, job.worker_pid), ("queued", 0, None))
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=queue.MAX_ATTEMPTS)
        queue.recover_stale()
        job.refresh_from_db()
        self.assertEqual(job.status, "failed")
        self.assertIn("the process that ran it ended (2 times)", job.error)

    def test_a_running_job_whose_worker_is_alive_is_left_alone(self):
        job, _ = queue.get_or_enqueue("test-echo", {"n": 6})
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1)

        holder = _hold_lock(lock_dir() / f"jobs-{job.pk}.lock")  # another worker runs it
        try:
            self.assertEqual(queue.recover_stale(), [])
            self.assertEqual(queue.run_pending(), [])
            self.assertEqual(Job.objects.get(pk=job.pk).status, "running")
        finally:
            holder.kill()
            holder.wait()
        self.assertEqual(queue.recover_stale(), [job])

    def test_a_queued_job_another_worker_is_taking_is_skipped(self):
        job, _ = queue.get_or_enqueue("test-echo", {"n": 7})
        with exclusive(f"jobs-{job.pk}"):
            self.assertIsNone(queue.run_next())
        self.assertEqual(queue.run_next(), job)

    def test_trygg_jobs_run(self):
        queue.get_or_enqueue("test-echo", {"n": 8})
        out = StringIO()
        call_command("jobs_run", stdout=out)
        self.assertIn("test-echo #", out.getvalue())
        self.assertIn(": done", out.getvalue())
        out = StringIO()
        call_command("jobs_run", stdout=out)
        self.assertIn("no background job is queued", out.getvalue())
        queue.get_or_enqueue("test-echo", {"n": 9, "fail": "broken"})
        with self.assertLogs("trygg.jobs", "ERROR"), self.assertRaisesMessage(CommandError, "a background job failed"):
            call_command("jobs_run", stdout=StringIO())
        out = StringIO()
        call_command("jobs_list", stdout=out)
        self.assertIn("failed – broken", out.getvalue())

    def test_the_scheduler_loop_takes_queued_jobs(self):
        job, _ = queue.get_or_enqueue("test-echo", {"n": 10})
        lines = []
        self.assertEqual(scheduler.take_jobs(lines.append), [job])
        self.assertEqual(lines, [f"job test-echo #{job.pk}: done"])

    def test_the_scheduler_carries_on_when_the_jobs_table_cannot_be_read(self):
        with mock.patch.object(queue, "run_pending", side_effect=RuntimeError("no such table: jobs_job")), \
                self.assertLogs("trygg.scheduler", "WARNING") as logs:
            self.assertEqual(scheduler.take_jobs(), [])
            self.assertEqual(scheduler.take_jobs(), [])
        self.assertEqual(len(logs.output), 1)  # once, not every second


def test_trygg_serve_starts_the_job_runner_and_stops_it():
    parser = serve.Command().create_parser("trygg", "serve")
    assert parser.parse_args(["--no-worker"]).no_worker
    assert serve.worker_command()[-4:] == ["jobs", "work", "--parent", str(os.getpid())]
    lines = []
    with mock.patch.object(serve, "worker_command", return_value=[sys.executable, "-c", "import time; time.sleep(60)"]):
        proc = serve.start_worker(lines.append)
    assert proc.poll() is None and f"pid {proc.pid}" in lines[0]
    serve.stop_worker(proc)
    assert proc.returncode is not None


@pytest.mark.slow
def test_the_worker_stops_with_the_server(tmp_path):
    """``trygg jobs work --parent PID`` ends when the process that started it ends."""
    env = {**os.environ, "TRYGG_VAR_DIR": str(tmp_path), "TRYGG_DEMO": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    code = ("import os, subprocess, sys; p = subprocess.Popen([sys.executable, '-m', 'trygg.cli', 'jobs', 'work', "
            "'--parent', str(os.getpid())], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(p.pid, flush=True)")
    parent = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    child = int(parent.stdout.strip())
    for _ in range(300):  # the parent is gone: the worker notices within a second or so
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(child, 9)
        pytest.fail("the worker outlived its parent")
