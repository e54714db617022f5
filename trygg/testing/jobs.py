"""Background jobs in tests: results and locks in a temporary folder, the queue run on demand."""

import tempfile
from pathlib import Path

from django.test import override_settings

from trygg.jobs import queue


class JobsMixin:
    """``self.run_jobs()`` runs the queued jobs in this process (what the job runner does)."""

    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        override = override_settings(MEDIA_ROOT=Path(tmp.name) / "media", VAR_DIR=Path(tmp.name) / "var")
        override.enable()
        self.addCleanup(override.disable)

    def run_jobs(self):
        return queue.run_pending()

    def fetch(self, url, **kwargs):
        """GET ``url``, run the job it queued, GET it again: the page or file as the user gets it
        once the job is done (also when the first answer showed an outdated result meanwhile)."""
        first = self.client.get(url, **kwargs)
        job = first.context.get("job") if first.context else None
        if job is None or not job.active:
            return first
        self.run_jobs()
        return self.client.get(url, **kwargs)
