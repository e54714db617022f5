"""The situation picture in real headless Chromium: page, map layers, switching period and theme,
snapshot and export, the public page (small counts suppressed) and the A4 print layout."""

import subprocess
from types import SimpleNamespace

import pytest

from trygg.picture.tests.world import busy_world

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


@pytest.fixture
def busy(world):
    busy_world(SimpleNamespace(**world))
    return world


def wait_ready(page):
    page.wait_for_selector("#picture-map[data-ready='1']")
    page.wait_for_selector("#trend-chart[data-ready='1']")


def test_picture_page_map_and_switching(page, live_server, busy, login, screenshot):
    login(page, live_server, "alice")
    page.goto(live_server.url + "/lagesbild/1/" + Q)
    wait_ready(page)
    m = page.locator("#picture-map")
    assert m.get_attribute("data-count-choropleth") == "1"
    assert m.get_attribute("data-count-est") == "57"
    assert int(m.get_attribute("data-count-hotspots")) >= 1
    assert page.locator(".leaflet-control-layers-overlays label").count() == 4
    assert page.locator("[data-testid=total-all] .figure").get_attribute("data-count") == "100"
    assert page.locator("[data-testid=category-table] [data-category=narkotikabrott] [data-flag=up]").count() == 1
    page.click("[data-testid=method] summary")
    assert page.locator("[data-testid=method] p").is_visible()
    screenshot(page, "picture-nordost")
    # switch layers off and on
    page.locator(".leaflet-control-layers-overlays input").nth(1).uncheck()
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() < 57
    # the theme in one click
    page.click("[data-testid=theme-links] [data-theme=narkotika]")
    wait_ready(page)
    assert "theme=narkotika" in page.url
    assert page.locator("[data-testid=total-all] .figure").get_attribute("data-count") == "40"
    # another period from the form
    page.fill("input[name=from]", "2025-02-01")
    page.fill("input[name=to]", "2025-02-28")
    page.click("[data-testid=apply]")
    wait_ready(page)
    assert page.locator("[data-testid=total-all] .figure").get_attribute("data-count") == "10"
    screenshot(page, "picture-nordost-narkotika-february")
    assert page.js_errors == []


def test_snapshot_and_export(page, live_server, busy, login, screenshot):
    login(page, live_server, "bob")
    page.goto(live_server.url + "/lagesbild/1/" + Q)
    page.fill("#id_title", "Mars inför styrgrupp")
    page.click("[data-testid=snapshot-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=snapshot-title]").inner_text() == "Mars inför styrgrupp"
    screenshot(page, "picture-snapshot")
    page.goto(live_server.url + "/lagesbild/1/export/?from=2025-03-01&to=2025-03-28")
    page.select_option("#id_format", "csv")
    page.fill("#id_purpose", "Underlag styrgrupp")
    page.fill("#id_recipient", "Styrgrupp Nordost")
    with page.expect_download() as dl:
        page.click("[data-testid=export-form] button[type=submit]")
    assert dl.value.suggested_filename == "lagesbild-1-2025-03-01-2025-03-28.csv"
    page.goto(live_server.url + "/lagesbild/1/export/?from=2025-03-01&to=2025-03-28")
    assert "Underlag styrgrupp" in page.locator("[data-testid=export-log]").inner_text()


def test_public_page_suppresses_small_counts(page, live_server, busy, screenshot):
    import datetime as dt

    from trygg.picture.tests.world import make

    make(busy["nordost"], dt.date(2025, 5, 2), "klotter")  # the data runs past April: T1 2025 is complete
    page.goto(live_server.url + "/lagesbild/offentlig/1/")
    assert page.locator("[data-testid=public-total]").get_attribute("data-period") == "2025-01-01"
    table = page.locator("[data-testid=public-themes]").inner_text()
    assert "1–4" in table  # three assaults
    assert "Klotter vid skolan" not in page.content()
    assert page.locator("[data-testid=latest]").count() == 0
    screenshot(page, "picture-public-nordost")


def test_print_layout_fits_a4(page, live_server, busy, login, screenshot, tmp_path):
    from tests.browser.conftest import ARTIFACTS

    login(page, live_server, "alice")
    page.goto(live_server.url + "/lagesbild/1/" + Q)
    wait_ready(page)
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator("[data-testid=choice-form]").is_hidden()
    screenshot(page, "picture-print")
    pdf = ARTIFACTS / "picture-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "595.92 x 842.88" in info or "595 x 842" in info, info  # A4 in points
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / "picture-print-page")],
                   check=True)


def test_raise_a_problem_from_a_saved_picture(page, live_server, busy, login, screenshot):
    from trygg.surveys.models import SurveyResult

    for year, value in ((2023, 31.0), (2025, 42.5)):
        SurveyResult.objects.create(area=busy["nordost"], year=year, indicator="unsafe_night", respondents=800,
                                    value=value, ci_low=value - 3, ci_high=value + 3)
    login(page, live_server, "alice")
    page.goto(live_server.url + "/lagesbild/1/" + Q)
    page.fill("#id_title", "Mars")
    page.click("[data-testid=snapshot-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/lagesbild/1/" + Q)
    wait_ready(page)
    assert "42,5" in page.locator("[data-testid=survey-results]").inner_text()
    assert page.locator("[data-testid=raise-problem]").is_visible()
    page.locator("[data-testid=survey-results]").scroll_into_view_if_needed()
    screenshot(page, "picture-raise-problem-and-survey")
    page.click("[data-testid=category-table] [data-category=narkotikabrott] [data-testid=raise-problem-row]")
    page.wait_for_load_state("networkidle")
    assert "/arbete/1/problem/ny/" in page.url
    assert page.input_value("#id_indicator") == "police/narkotika/narkotikabrott"
    assert page.input_value("#id_theme") == "narkotika"
    assert page.locator("#id_snapshot option:checked").inner_text().startswith("Mars")
    page.fill("#id_title", "Narkotika vid torget")
    page.click("[data-testid=save]")
    page.wait_for_load_state("networkidle")
    assert "Narkotika vid torget" in page.locator("main").inner_text()
    assert page.js_errors == []
