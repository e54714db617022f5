"""What the development lead and a coordinator see: the collaboration survey, the conference with
its approved theme, and the annual analysis generated with one click."""

import datetime as dt

import pytest

from trygg.jobs import queue
from trygg.reports.models import Conference
from trygg.reports.tests.fixtures import fill
from trygg.surveys.collaboration import send_round

pytestmark = pytest.mark.browser


def test_coordinator_answers_the_collaboration_survey(page, live_server, world, login, screenshot):
    send_round(2025, dt.date.today() + dt.timedelta(days=10), message="Svara senast i december.")
    login(page, live_server, "alice")
    page.click("[data-testid=nav-surveys]")
    page.click("a[href$='/samverkan/mina/']")
    page.click("a[href$='/samverkan/2025/svara/']")
    page.wait_for_load_state("networkidle")
    for name, value in (("collaboration", 4), ("agreement", 3), ("shared_picture", 5), ("follow_up", 2)):
        page.check(f"input[name={name}][value='{value}']")
    page.fill("textarea[name=comment]", "Ring 070-123 45 67")  # personal data: refused, text kept
    screenshot(page, "surveys-answer-form")
    page.click("[data-testid=answer-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.input_value("textarea[name=comment]") == "Ring 070-123 45 67"
    page.fill("textarea[name=comment]", "Vi ses varje vecka.")
    page.click("[data-testid=answer-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "2025" in page.inner_text("[data-testid=my-invitations]")
    screenshot(page, "surveys-my-invitations")
    assert page.js_errors == []


def test_lead_generates_the_annual_analysis_for_the_conference(page, live_server, world, login, screenshot,
                                                               tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.VAR_DIR = tmp_path / "var"
    fill(world)
    conf = Conference.objects.get(municipality=world["goteborg"], year=2025)
    login(page, live_server, "dina")
    page.goto(f"{live_server.url}/rapporter/konferens/1480/2025/")
    page.click("[data-testid=approvals] button")  # approve for the city
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    login(page, live_server, "pelle")
    page.goto(f"{live_server.url}/rapporter/konferens/1480/2025/")
    page.click("[data-testid=approvals] button")
    page.wait_for_load_state("networkidle")
    conf.refresh_from_db()
    assert conf.theme_approved

    page.context.clear_cookies()
    login(page, live_server, "ulla")
    page.goto(f"{live_server.url}/rapporter/konferens/1480/2025/")
    page.click("[data-testid=analysis] button")  # one click: generate and attach the PDF
    page.wait_for_selector("[data-testid=analysis] progress")  # in the background
    assert queue.run_pending()
    page.wait_for_selector("[data-testid=analysis] a[role=button]")  # job-progress.js reloads when done
    page.wait_for_load_state("networkidle")
    link = page.locator("[data-testid=analysis] a[role=button]")
    assert link.count() == 1
    screenshot(page, "reports-conference")
    with page.expect_download() as dl:
        link.click()
    assert dl.value.suggested_filename == "arsanalys-1480-2025-narkotika.pdf"
    assert open(dl.value.path(), "rb").read(4) == b"%PDF"

    page.goto(f"{live_server.url}/rapporter/")
    page.select_option("select[name=fmt]", "html")
    page.click("[data-testid=annual-form] button")
    page.wait_for_selector("[data-testid=annual-job] progress")  # queued: the page follows the job
    screenshot(page, "reports-annual-progress")
    assert queue.run_pending()  # what the job runner beside the server does
    page.wait_for_selector("[data-testid=downloads]")  # job-progress.js saw it done and reloaded
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=annual-job]").count() == 0
    assert page.locator("img[src^='data:image/svg+xml']").count() >= 2
    assert "Nordost" in page.inner_text("main")
    screenshot(page, "reports-annual-html")
    assert page.js_errors == []
