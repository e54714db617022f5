"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

Fixtures: ``browser`` (session), ``page`` (a fresh context per test, Swedish locale),
``login(page, live_server, username)`` (with the two-step code where the role requires it) and ``screenshot(page, name)`` → test-artifacts/NAME.png.
Never downloads a browser: a missing /usr/bin/chromium fails with a clear message.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TRYGG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-gpu", "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (scripts/test does this)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()
    pw.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    p = context.new_page()
    errors = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.js_errors = errors
    yield p
    context.close()


def _login(page, live_server, username, password=None):
    from trygg.testing.personas import PASSWORD

    page.goto(f"{live_server.url}/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    _second_step(page, username)


def _second_step(page, username):
    """Two-step login where the role requires it: set up the app (first time) or enter its code."""
    from trygg.testing.mfa import code_for_secret, code_for_user

    if "/konto/tvastegs/" in page.url:
        page.fill("#id_code", code_for_secret(page.inner_text("#mfa-secret")))
        page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.click("#recovery-continue")
        page.wait_for_load_state("networkidle")
    elif "/konto/logga-in/kod/" in page.url:
        from django.contrib.auth import get_user_model

        page.fill("#id_code", code_for_user(get_user_model().objects.get(username=username)))
        page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")


@pytest.fixture
def login():
    return _login


def _screenshot(page, name, full_page=True):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def screenshot():
    return _screenshot


@pytest.fixture
def world(transactional_db):
    """The personas' small world (areas, organisations, users) in the live server's database."""
    from trygg.testing.personas import build_world

    return build_world()
