"""``trygg scheduler``: what runs when, the locks (two runs at once: one skips), the import history.

The police feed is never fetched from the network here: ``urlopen`` is replaced by a fake that
returns the sample feed (or fails)."""

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
import urllib.error
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from trygg.incidents.models import ImportRun, Incident
from trygg.jobs.locks import lock_dir
from trygg.ops import scheduler
from trygg.testing.personas import build_world

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = (ROOT / "trygg" / "incidents" / "tests" / "data" / "police_events_sample.json").read_bytes()
FEED = "https://polisen.example/api/events"
SCHEDULE = {"police": "600", "backup": "02:30", "retention": "03:30"}
STOCKHOLM = ZoneInfo("Europe/Stockholm")


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fake_feed(payload=SAMPLE):
    """A stand-in for urllib.request.urlopen that records the URLs asked for."""
    calls = []

    def urlopen(request, timeout=None):
        calls.append(request.full_url)
        if isinstance(payload, Exception):
            raise payload
        return FakeResponse(payload)

    urlopen.calls = calls
    return urlopen


def local(*args):
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def record(source, when, file_name=""):
    run = ImportRun.objects.create(source=source, file_name=file_name, status=ImportRun.Status.DONE)
    ImportRun.objects.filter(pk=run.pk).update(started_at=when)  # started_at is auto_now_add


@pytest.fixture
def ops_dirs(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    settings.TRYGG_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "avtal.pdf").write_bytes(b"%PDF-1.4 signed")
    settings.TRYGG_SCHEDULE = dict(SCHEDULE)
    settings.TRYGG_POLICE_FEED_URL = FEED
    settings.TRYGG_POLICE_FETCH_MIN_INTERVAL = 600
    settings.TRYGG_DEMO = True  # the demo key is allowed (the scheduler refuses it in production)
    return tmp_path


def _out(**kwargs):
    buf = io.StringIO()
    call_command("scheduler", stdout=buf, **kwargs)
    return buf.getvalue()


# --- what runs when -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_everything_is_due_on_a_fresh_installation(ops_dirs):
    now = local(2026, 3, 10, 12, 0)
    assert [j for j in scheduler.JOBS if scheduler.is_due(j, now)] == ["police", "backup", "retention"]


@pytest.mark.django_db
def test_the_police_feed_is_due_after_its_interval(ops_dirs):
    now = local(2026, 3, 10, 12, 0)
    record("police", now - dt.timedelta(seconds=599), FEED)
    assert not scheduler.is_due("police", now)
    assert scheduler.is_due("police", now + dt.timedelta(seconds=1))
    record("police", now - dt.timedelta(seconds=1), "uppladdad-fil.json")  # a file import is no fetch
    assert scheduler.is_due("police", now + dt.timedelta(seconds=1))


@pytest.mark.django_db
def test_the_backup_runs_once_a_night_after_its_time(ops_dirs):
    record("backup", local(2026, 3, 9, 2, 31))  # last night's run
    assert not scheduler.is_due("backup", local(2026, 3, 10, 2, 29))  # before tonight's time
    assert scheduler.is_due("backup", local(2026, 3, 10, 2, 30))
    assert scheduler.is_due("backup", local(2026, 3, 10, 23, 0))  # missed (machine off): runs late, once
    record("backup", local(2026, 3, 10, 23, 0))
    assert not scheduler.is_due("backup", local(2026, 3, 11, 1, 0))
    assert scheduler.next_due("backup", local(2026, 3, 11, 1, 0)) == local(2026, 3, 11, 2, 30)


@pytest.mark.django_db
def test_an_empty_schedule_switches_a_job_off(ops_dirs, settings):
    settings.TRYGG_SCHEDULE = {"police": "", "backup": "02:30", "retention": ""}
    now = local(2026, 3, 10, 12, 0)
    assert [j for j in scheduler.JOBS if scheduler.is_due(j, now)] == ["backup"]
    assert "police: off" in scheduler.plan(now) and "retention: off" in scheduler.plan(now)


@pytest.mark.django_db
def test_a_bad_time_of_day_is_named(ops_dirs, settings):
    settings.TRYGG_SCHEDULE = {**SCHEDULE, "backup": "25:00"}
    with pytest.raises(ValueError, match="25:00"):
        scheduler.is_due("backup", local(2026, 3, 10, 12, 0))


@pytest.mark.django_db
def test_list_shows_the_plan(ops_dirs):
    record("retention", timezone.now() - dt.timedelta(hours=1))
    out = _out(show_plan=True)
    assert "police: every 600 s; last run never; next now" in out
    assert "backup: daily at 02:30" in out
    assert "retention: daily at 03:30; last run " in out
    assert "retention: daily at 03:30; last run never" not in out


# --- running, and the import history --------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_once_runs_every_due_job_and_logs_each_in_the_import_history(ops_dirs):
    build_world()
    urlopen = fake_feed()
    with mock.patch("trygg.incidents.fetch.urllib.request.urlopen", urlopen):
        out = _out(once=True)
    assert urlopen.calls == [FEED]
    assert Incident.objects.filter(source="police").count() == len(json.loads(SAMPLE))
    runs = {r.source: r for r in ImportRun.objects.all()}
    assert set(runs) >= {"police", "backup", "retention"}
    assert all(runs[j].status == ImportRun.Status.DONE for j in scheduler.JOBS)
    assert runs["police"].file_name == FEED
    archive = Path(runs["backup"].file_name)
    assert archive.parent == ops_dirs / "backups" and archive.exists()
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "media/avtal.pdf"} <= set(tar.getnames())
    assert "police_text" in runs["retention"].message
    for job in scheduler.JOBS:
        assert f"{job}: " in out

    # a second pass right after: nothing is due, nothing is fetched again
    with mock.patch("trygg.incidents.fetch.urllib.request.urlopen", urlopen):
        assert "nothing is due" in _out(once=True)
    assert urlopen.calls == [FEED]
    assert ImportRun.objects.count() == len(runs)


@pytest.mark.django_db(transaction=True)  # run_job closes an old connection, as in production
def test_a_failing_job_is_logged_and_the_others_still_run(ops_dirs, settings):
    settings.TRYGG_SCHEDULE = {**SCHEDULE, "backup": ""}
    urlopen = fake_feed(urllib.error.URLError("no route to host"))
    with mock.patch("trygg.incidents.fetch.urllib.request.urlopen", urlopen), \
            pytest.raises(CommandError, match="failed"):
        _out(once=True)
    failed = ImportRun.objects.get(source="police")
    assert failed.status == ImportRun.Status.FAILED and "no route to host" in failed.message
    assert ImportRun.objects.get(source="retention").status == ImportRun.Status.DONE
    # the failed fetch counts as the interval's run: the feed is not hammered
    assert not scheduler.is_due("police")


@pytest.mark.django_db(transaction=True)  # run_job closes an old connection, as in production
def test_run_a_backup_failure_is_logged(ops_dirs):
    with mock.patch("trygg.ops.backup.backup", side_effect=OSError("disk full")), \
            pytest.raises(CommandError, match="disk full"):
        _out(run="backup")
    run = ImportRun.objects.get(source="backup")
    assert run.status == ImportRun.Status.FAILED and "disk full" in run.message


@pytest.mark.django_db
def test_old_backups_are_pruned(ops_dirs, settings):
    settings.TRYGG_BACKUP_KEEP = 2
    folder = ops_dirs / "backups"
    folder.mkdir()
    names = [f"trygg-2026030{d}-023000.tar.gz" for d in range(1, 5)]
    for n in names:
        (folder / n).write_bytes(b"x")
    gone = scheduler.prune_backups(folder)
    assert sorted(p.name for p in gone) == names[:2]
    assert sorted(p.name for p in folder.iterdir()) == names[2:]


# --- the locks ------------------------------------------------------------------------------------

def _hold_lock(path: Path):
    """Another process that holds ``path`` locked until it is killed."""
    code = ("import fcntl, os, sys, time\n"
            "fh = open(sys.argv[1], 'a+'); fcntl.flock(fh, fcntl.LOCK_EX)\n"
            "fh.seek(0); fh.truncate(); fh.write(str(os.getpid())); fh.flush()\n"
            "print('locked', flush=True); time.sleep(120)\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.django_db
def test_a_job_running_elsewhere_is_skipped_with_a_message(ops_dirs, settings):
    holder = _hold_lock(lock_dir() / "job-backup.lock")
    try:
        with mock.patch("trygg.ops.backup.backup") as backup:
            out = _out(run="backup")
            assert "backup: skipped: job-backup is already running" in out and f"pid {holder.pid}" in out
            settings.TRYGG_SCHEDULE = {**SCHEDULE, "police": "", "retention": ""}
            assert "backup: skipped: job-backup is already running" in _out(once=True)
        backup.assert_not_called()
        assert not ImportRun.objects.filter(source="backup").exists()  # a skip is no run
    finally:
        holder.kill()
        holder.wait()
    # the kernel drops the lock with its process: no stale lock
    with mock.patch("trygg.ops.scheduler.RUNNERS", {**scheduler.RUNNERS, "backup": lambda: "ok"}):
        assert _out(run="backup").strip() == "backup: ok"


@pytest.mark.django_db
def test_the_same_job_never_runs_twice_in_one_process_either(ops_dirs):
    with scheduler.exclusive("job-retention"):
        assert "retention: skipped: job-retention is already running" in _out(run="retention")
    assert not ImportRun.objects.filter(source="retention").exists()


def test_two_schedulers_at_once_the_second_exits_with_a_message(tmp_path):
    """Two real ``trygg scheduler`` processes (every job off, so no database is needed)."""
    env = {**os.environ, "TRYGG_VAR_DIR": str(tmp_path), "TRYGG_DEMO": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
           "TRYGG_SCHEDULE_POLICE": "", "TRYGG_SCHEDULE_BACKUP": "", "TRYGG_SCHEDULE_RETENTION": "",
           "TRYGG_POLICE_FETCH_MIN_INTERVAL": "600"}
    cmd = [sys.executable, "-m", "trygg.cli", "scheduler", "--tick", "1"]
    first = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = first.stdout.readline()
        assert "trygg scheduler: police=off, backup=off, retention=off" in banner, first.stderr.read()
        second = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert second.returncode != 0
        assert "a scheduler is already running" in second.stderr and "Traceback" not in second.stderr
        assert first.poll() is None  # the first one carries on
    finally:
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
    assert "trygg scheduler: stopped" in out


# --- the systemd units ----------------------------------------------------------------------------

UNITS = ROOT / "deploy" / "systemd"


def _exec_start(unit: Path) -> list[str]:
    lines = [ln for ln in unit.read_text(encoding="utf-8").splitlines() if ln.startswith("ExecStart=")]
    assert len(lines) == 1, unit
    return lines[0].removeprefix("ExecStart=").split()


def test_the_systemd_units_run_existing_commands():
    from trygg.ops.management.commands.scheduler import Command as Scheduler
    from trygg.web.management.commands.serve import Command as Serve

    services = sorted(UNITS.glob("*.service"))
    assert {p.name for p in services} >= {"trygg-web.service", "trygg-scheduler.service", "trygg-job@.service"}
    commands = {"serve": Serve, "scheduler": Scheduler}
    for unit in services:
        argv = _exec_start(unit)
        assert argv[0].endswith("/trygg"), unit
        name, args = argv[1], [a.replace("%i", "backup") for a in argv[2:]]
        parser = commands[name]().create_parser("trygg", name)
        parser.parse_args(args)  # exits on an unknown option or job
    for timer in sorted(UNITS.glob("*.timer")):
        text = timer.read_text(encoding="utf-8")
        unit = next(ln.split("=", 1)[1] for ln in text.splitlines() if ln.startswith("Unit="))
        assert unit.startswith("trygg-job@") and unit.split("@")[1].removesuffix(".service") in scheduler.JOBS
        assert "OnCalendar=" in text or "OnUnitActiveSec=" in text
    timed = {t.name.removeprefix("trygg-").removesuffix(".timer") for t in UNITS.glob("*.timer")}
    assert timed == set(scheduler.JOBS)  # every job has its timer


def test_it_waits_between_ticks_and_stops_on_a_signal(ops_dirs, monkeypatch):
    """The loop calls run_due once per tick and returns on SIGTERM (no database: run_due is replaced)."""
    calls = []

    def fake_run_due(out=None):
        calls.append(time.monotonic())
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return []

    monkeypatch.setattr(scheduler, "run_due", fake_run_due)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    lines = []
    try:
        scheduler.loop(lines.append, tick=1)
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.9
    assert lines[-1] == "trygg scheduler: stopped"
