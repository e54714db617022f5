"""Pytest setup shared by every app's tests."""

import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# happen outside it, so Django's async-safety guard is relaxed for tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    from django.conf import settings

    # Hashing the personas' passwords with PBKDF2 costs seconds per test class.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Django's test client sends no Accept-Language: unit tests read the English msgids. The
    # browser tests send "sv-SE" like a Swedish user and see the Swedish UI;
    # tests/test_language.py checks that Swedish is the default for a browser that asks for nothing.
    settings.LANGUAGE_CODE = "en"
    # Hashed static names need `collectstatic` first (trygg serve runs it); tests use plain names.
    # Figures are cached by data version, and every test rolls the version back: tests that check
    # the cache switch it on (trygg/picture/tests/test_figure_cache.py).
    settings.CACHES = {**settings.CACHES, "figures": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    # With no figure cache there is nothing to compute ahead after an import (its tests switch it on).
    settings.TRYGG_WARM_FIGURES = False
    # Each test process its own job locks: job ids start at 1 in every test database, and a lock
    # file shared by two xdist workers made one skip the other's "busy" job.
    import tempfile

    settings.TRYGG_LOCK_DIR = tempfile.mkdtemp(prefix="trygg-locks-")
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The themes' and categories' snapshot is built once, before any test counts its queries."""
    from trygg.incidents import categories

    with django_db_blocker.unblock():
        categories.forget()
        categories.current()


@pytest.fixture(autouse=True)
def _taxonomy_snapshot_after_the_test(django_db_blocker):
    """A test that changed the themes, categories or event types leaves a snapshot of rows its
    rollback removed: it is rebuilt from the tables after the test, so that the next test neither
    sees those rows nor counts the rebuilding among its queries."""
    from trygg.incidents import categories

    before = categories._state["generation"]
    yield
    if categories._state["generation"] != before:
        categories._state["snapshot"] = None
        try:
            with django_db_blocker.unblock():
                categories.current()
        except Exception:  # noqa: BLE001 – no database for this test: built on first use instead
            categories._state["snapshot"] = None


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """A request with Accept-Language (or a test that activated a language) leaves that language
    active in the thread: each test starts from the English msgids again."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
