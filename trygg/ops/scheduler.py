"""Scheduled work without hand-made cron lines: ``trygg scheduler``.

Jobs (``settings.TRYGG_SCHEDULE``; an empty value switches a job off):

* ``police``    – fetch the police events feed every N seconds (its own minimum interval still holds)
* ``backup``    – nightly backup at HH:MM local time, keeping the newest ``TRYGG_BACKUP_KEEP`` archives
* ``retention`` – nightly retention (gallring) at HH:MM local time

When a job last ran is read from the import history (every run, failed ones too, is recorded
there), so a restarted scheduler neither repeats nor skips a night. Every job holds an exclusive
lock (``flock`` on ``var/locks/<job>.lock``) while it runs: two schedulers, or a scheduler and a
hand-started ``trygg scheduler --run backup``, never run the same job at once. The whole loop has
its own lock too, so a second ``trygg scheduler`` exits at once with a message.

The same loop is the runner of the background jobs (``trygg.jobs``: the annual report …): it looks
for queued jobs every second and runs them one after the other, each under its own lock.
``trygg jobs work`` is this loop with the background jobs only (``trygg serve`` starts it beside
gunicorn), ``trygg jobs run`` one pass over the queue.
"""

from __future__ import annotations

import logging
import signal
import time
from contextlib import nullcontext
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from trygg.incidents.models import ImportRun
from trygg.jobs.locks import Busy, exclusive, lock_dir  # noqa: F401 (lock_dir: part of this module's API)

log = logging.getLogger("trygg.scheduler")
JOBS = ("police", "backup", "retention")


def schedule() -> dict[str, str]:
    return {job: str(getattr(settings, "TRYGG_SCHEDULE", {}).get(job, "") or "").strip() for job in JOBS}


def _last_run(job: str):
    qs = ImportRun.objects.filter(source=job)
    if job == "police":
        qs = qs.filter(file_name__startswith="http")
    return qs.order_by("-started_at").values_list("started_at", flat=True).first()


def _daily(spec: str) -> tuple[int, int]:
    try:
        hour, minute = (int(x) for x in spec.split(":"))
        if 0 <= hour < 24 and 0 <= minute < 60:
            return hour, minute
    except ValueError:
        pass
    raise ValueError(f"not a time of day HH:MM: {spec!r}")


def next_due(job: str, now=None):
    """When ``job`` is next due (at or before ``now`` if it is due now); None when it is off."""
    spec = schedule()[job]
    if not spec:
        return None
    now = now or timezone.now()
    last = _last_run(job)
    if job == "police":
        return now if last is None else last + timedelta(seconds=int(spec))
    hour, minute = _daily(spec)
    local = timezone.localtime(now)
    today_at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    slot = today_at if local >= today_at else today_at - timedelta(days=1)  # the latest slot that has passed
    if last is None or last < slot:
        return slot
    return slot + timedelta(days=1)


def is_due(job: str, now=None) -> bool:
    now = now or timezone.now()
    due = next_due(job, now)
    return due is not None and due <= now


def plan(now=None) -> list[str]:
    """One line per job: its schedule, its last run and when it is next due."""
    now = now or timezone.now()
    lines = []
    for job, spec in schedule().items():
        if not spec:
            lines.append(f"{job}: off")
            continue
        every = f"every {spec} s" if job == "police" else f"daily at {spec}"
        last, due = _last_run(job), next_due(job, now)
        last_text = f"{timezone.localtime(last):%Y-%m-%d %H:%M}" if last else "never"
        due_text = "now" if due <= now else f"{timezone.localtime(due):%Y-%m-%d %H:%M}"
        lines.append(f"{job}: {every}; last run {last_text}; next {due_text}")
    return lines


def _record_failure(job: str, message: str, file_name: str = "") -> None:
    ImportRun.objects.create(source=job, file_name=file_name[:500], status=ImportRun.Status.FAILED,
                             finished_at=timezone.now(), message=message[:5000])


def _run_police() -> str:
    from trygg.incidents.fetch import DEFAULT_URL, FetchRefused, fetch_police_events
    from trygg.incidents.importing import ImportFileError, summary_line

    url = getattr(settings, "TRYGG_POLICE_FEED_URL", "") or DEFAULT_URL
    try:
        return summary_line(fetch_police_events(url))  # the import records its own run
    except FetchRefused as exc:
        return f"skipped: {exc}"
    except ImportFileError as exc:
        _record_failure("police", str(exc), url)
        raise


def _run_backup() -> str:
    from trygg.ops.backup import backup

    started = timezone.now()
    path, manifest = backup()
    ImportRun.objects.create(source="backup", file_name=str(path)[:500], status=ImportRun.Status.DONE,
                             started_at=started, finished_at=timezone.now(), new=len(manifest["members"]),
                             message=f"{manifest['engine']} database and {len(manifest['members']) - 1} "
                                     f"uploaded file(s), {path.stat().st_size / 1e6:.1f} MB")
    prune_backups(path.parent)
    return str(path)


def prune_backups(folder: Path) -> list[Path]:
    keep = int(getattr(settings, "TRYGG_BACKUP_KEEP", 14))
    archives = sorted(folder.glob("trygg-*.tar.gz"))
    gone = archives[:-keep] if keep > 0 else []
    for p in gone:
        p.unlink()
    return gone


def _run_retention() -> str:
    from trygg.ops.retention import log_run, run_retention

    outcomes = run_retention()
    log_run(outcomes)
    return "; ".join(o.line() for o in outcomes)


RUNNERS = {"police": _run_police, "backup": _run_backup, "retention": _run_retention}


def run_job(job: str) -> str:
    """Run ``job`` now under its lock; failures are recorded in the import history and re-raised."""
    with exclusive(f"job-{job}"):
        close_old_connections()
        try:
            result = RUNNERS[job]()
        except Exception as exc:
            if job != "police":  # the police import records its own failure above
                _record_failure(job, f"{type(exc).__name__}: {exc}")
            log.error("%s failed: %s", job, exc)
            raise
        log.info("%s: %s", job, result)
        return result


def run_due(now=None, out=None) -> list[str]:
    """Run every job that is due, one after the other; returns the lines to print."""
    lines = []
    for job in JOBS:
        if not is_due(job, now):
            continue
        try:
            lines.append(f"{job}: {run_job(job)}")
        except Busy as exc:  # a hand-started run of the same job holds the lock: try again next tick
            lines.append(f"{job}: skipped: {exc}")
        except Exception as exc:  # one failing job must not stop the others
            lines.append(f"{job}: FAILED {type(exc).__name__}: {exc}")
        if out:
            out(lines[-1])
    return lines


def take_jobs(out=None) -> list:
    """Run the queued background jobs (``trygg.jobs``: the annual report …) one after the other.
    A database that cannot be read (not migrated yet, gone for a moment) is logged, not raised:
    the scheduled jobs carry on."""
    from trygg.jobs import queue

    try:
        finished = queue.run_pending()
    except Exception as exc:
        message = f"background jobs: {type(exc).__name__}: {exc}"
        if _last_job_error.get("message") != message:  # once, not every second
            log.warning("%s", message)
            _last_job_error["message"] = message
        return []
    _last_job_error.clear()
    for job in finished:
        line = f"job {job.kind} #{job.pk}: {job.status}" + (f": {job.error}" if job.error else "")
        log.info("%s", line)
        if out:
            out(line)
    return finished


_last_job_error: dict[str, str] = {}


def loop(out, tick: int = 30, scheduled: bool = True, jobs: bool = True, stop_when=None) -> None:
    """Until SIGTERM/SIGINT (or ``stop_when()`` is true): run due jobs every ``tick`` seconds
    (``scheduled``) and queued background jobs as soon as they come (``jobs``: looked for every second)."""
    stop = {"now": False}

    def _stop(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with exclusive("scheduler") if scheduled else nullcontext():
        if scheduled:
            jobs_text = ", ".join(f"{j}={spec or 'off'}" for j, spec in schedule().items())
            out(f"trygg scheduler: {jobs_text}{', background jobs' if jobs else ''} "
                f"({datetime.now().astimezone():%Y-%m-%d %H:%M %Z})")
        else:
            out(f"trygg jobs: waiting for background jobs ({datetime.now().astimezone():%Y-%m-%d %H:%M %Z})")
        next_tick = 0.0
        while not stop["now"]:
            if scheduled and time.monotonic() >= next_tick:
                run_due(out=out)
                next_tick = time.monotonic() + tick
            if jobs:
                take_jobs(out)
            if stop_when is not None and stop_when():
                break
            if not stop["now"]:
                time.sleep(1)
        out("trygg scheduler: stopped" if scheduled else "trygg jobs: stopped")
