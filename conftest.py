"""Pytest setup shared by every app's tests."""

import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# happen outside it, so Django's async-safety guard is relaxed for tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
