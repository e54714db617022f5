"""Exclusive locks between processes: ``flock`` on ``var/locks/<name>.lock``. The kernel drops a
lock when its process dies, so a crash never leaves a stale one (the scheduler's jobs and every
background job hold one while they run)."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


class Busy(RuntimeError):
    """Another process holds the lock."""


def lock_dir() -> Path:
    d = Path(settings.TRYGG_LOCK_DIR)
    d.mkdir(parents=True, exist_ok=True)
    return d


@contextmanager
def exclusive(name: str):
    """An exclusive, non-blocking lock held for the ``with`` block; :class:`Busy` if taken."""
    path = lock_dir() / f"{name}.lock"
    fh = open(path, "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            raise Busy(f"{name} is already running (lock {path}{', pid ' + holder if holder else ''})")
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield
    finally:
        fh.close()
