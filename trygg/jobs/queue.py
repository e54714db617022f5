"""Enqueue a job once, take queued jobs one at a time, recover the ones whose process died.

Taking a job: its lock (``var/locks/jobs-<id>.lock``, :mod:`trygg.jobs.locks`) first, then the
row's status from queued to running in one UPDATE (so two workers never take the same job); the
lock is held while the job runs. A job that is "running" while nobody holds its lock lost its
process (killed, out of memory, the machine restarted): :func:`recover_stale` queues it again, and
marks it failed after ``MAX_ATTEMPTS`` such losses.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trygg.incidents import dataversion

from . import kinds
from .locks import Busy, exclusive
from .models import Job

log = logging.getLogger("trygg.jobs")
MAX_ATTEMPTS = 2


def key_for(kind: str, params: dict) -> str:
    return hashlib.sha256(json.dumps([kind, params], sort_keys=True).encode()).hexdigest()


def _lock(job_id: int) -> str:
    return f"jobs-{job_id}"


def has_result(job: Job) -> bool:
    return job.status == Job.Status.DONE and bool(job.result) and job.result.storage.exists(job.result.name)


def is_current(job: Job, version: int) -> bool:
    """Whether ``job`` holds (or builds) the result for the data as they are now: built for this
    data version and today (what a report says about the currency of its sources counts days,
    as the figure cache's key does)."""
    if job.data_version != version:
        return False
    return job.active or timezone.localdate(job.started_at or job.created_at) == timezone.localdate()


def get_or_enqueue(kind: str, params: dict, user=None, retry: bool = False) -> tuple[Job, Job | None]:
    """The job that holds – or is building – the result of ``kind`` with ``params`` for the data
    as they are now, and, while that one is not done, the newest result built for older data
    (to show as outdated meanwhile) or None. A new job is queued when there is none for this data
    version and day, or its result is gone, or ``retry`` is asked for after a failure; two requests
    at the same moment get the same job (a unique constraint on the active jobs)."""
    version = dataversion.current()
    key = key_for(kind, params)
    job = Job.objects.filter(key=key, data_version=version).first()
    if job is None or not is_current(job, version) or (job.status == Job.Status.DONE and not has_result(job)) \
            or (retry and job.status == Job.Status.FAILED):
        job = _enqueue(kind, params, key, version, user)
    previous = None
    if job.status != Job.Status.DONE:
        previous = next((j for j in Job.objects.filter(key=key, status=Job.Status.DONE).exclude(pk=job.pk)[:1]
                         if has_result(j)), None)
    return job, previous


def _enqueue(kind, params, key, version, user) -> Job:
    kinds.builder(kind)  # an unknown kind fails here, not later in the worker
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, params=params, key=key, data_version=version,
                                     requested_by=user if user is not None and user.is_authenticated else None)
    except IntegrityError:  # queued by another request a moment ago
        return Job.objects.get(key=key, data_version=version, status__in=Job.ACTIVE)
    log.info("queued %s %s", job, params)
    return job


def run_next() -> Job | None:
    """Take the oldest queued job and run it; the job (done or failed), or None if none was queued."""
    if not connection.in_atomic_block:  # a long-lived worker: not inside a transaction (tests)
        close_old_connections()
    for job_id in Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at", "id").values_list("id", flat=True)[:50]:
        try:
            with exclusive(_lock(job_id)):
                taken = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
                    status=Job.Status.RUNNING, started_at=timezone.now(), worker_pid=os.getpid(),
                    attempts=F("attempts") + 1, progress=0, step="", error="")
                if taken:
                    job = Job.objects.get(pk=job_id)
                    _run(job)
                    job.refresh_from_db()
                    return job
        except Busy:  # another worker has just taken it
            continue
    return None


def _run(job: Job) -> None:
    def progress(percent: float, step: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(99, int(percent))), step=str(step)[:200])

    log.info("running %s %s", job, job.params)
    try:
        content, name, content_type = kinds.builder(job.kind)(job.params, progress)
        if isinstance(content, str):
            content = content.encode("utf-8")
        job.result.save(f"{job.pk}-{name}", ContentFile(content), save=False)
    except Exception as exc:  # the message is shown on the page; the traceback goes to the log only
        log.exception("%s failed", job)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now(),
                                             error=(str(exc) or type(exc).__name__)[:2000])
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=100, step="", finished_at=timezone.now(),
                                         result=job.result.name, result_name=name[:200],
                                         content_type=content_type[:100])
    log.info("%s done: %s, %d bytes", job, name, len(content))
    _prune(job)


def _prune(job: Job) -> None:
    """Older results and failures of the same work are of no more use once a newer one is done."""
    for old in Job.objects.filter(key=job.key, status__in=(Job.Status.DONE, Job.Status.FAILED),
                                  created_at__lte=job.created_at).exclude(pk=job.pk):
        if old.result:
            old.result.delete(save=False)
        old.delete()


def recover_stale() -> list[Job]:
    """Jobs left "running" by a process that died: queued again, or failed after MAX_ATTEMPTS."""
    recovered = []
    for job_id in Job.objects.filter(status=Job.Status.RUNNING).values_list("id", flat=True):
        try:
            with exclusive(_lock(job_id)):
                job = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).first()
                if job is None:  # finished meanwhile
                    continue
                pid = job.worker_pid
                if job.attempts < MAX_ATTEMPTS:
                    job.status, job.progress, job.step, job.worker_pid = Job.Status.QUEUED, 0, "", None
                else:
                    with translation.override(settings.LANGUAGE_CODE):
                        job.error = _("The work stopped without finishing: the process that ran it ended (%(n)d times).") \
                            % {"n": job.attempts}
                    job.status, job.finished_at = Job.Status.FAILED, timezone.now()
                job.save(update_fields=["status", "progress", "step", "worker_pid", "error", "finished_at"])
                log.warning("%s: its process (pid %s) ended while it ran", job, pid)
                recovered.append(job)
        except Busy:  # its worker is alive and running it
            continue
    return recovered


def run_pending(limit: int | None = None) -> list[Job]:
    """Recover stale jobs, then run queued jobs until none is left (or ``limit`` ran)."""
    recover_stale()
    finished = []
    while limit is None or len(finished) < limit:
        job = run_next()
        if job is None:
            break
        finished.append(job)
    return finished
