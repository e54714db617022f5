"""Maps and the EST form in headless Chromium: no script from area names (stored XSS), tooltips in
Swedish number format, labels, legend and scale bar; the EST form by tap, by position and by
keyboard only, with an error summary that takes the focus."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from trygg.picture.tests.world import busy_world

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"
XSS = '<img src=x onerror="window.__xss=1;alert(1)">'


@pytest.fixture
def busy(world):
    busy_world(SimpleNamespace(**world))
    return world


def _watch_dialogs(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def test_area_names_never_run_as_html(page, live_server, busy, login, screenshot):
    mo = busy["hjallbo_mo"]
    mo.name = XSS
    mo.save()
    dialogs = _watch_dialogs(page)
    login(page, live_server, "alice")
    page.goto(live_server.url + "/lagesbild/1/" + Q)
    page.wait_for_selector("#picture-map[data-ready='1']")
    # the label on the map shows the name as text
    label = page.locator(".area-label span").first
    assert label.inner_text() == XSS
    # hover the sub-area: its tooltip shows the name as text, no <img> is created
    page.locator("#picture-map").scroll_into_view_if_needed()
    page.locator(".leaflet-overlay-pane path.leaflet-interactive").first.hover(force=True)
    page.wait_for_selector(".leaflet-tooltip")
    assert XSS in page.locator(".leaflet-tooltip").first.inner_text()
    assert page.locator("#picture-map img[src=x]").count() == 0
    # the area page's map too
    page.goto(live_server.url + "/omraden/1/")
    page.wait_for_selector("#area-map[data-ready='1']")
    assert page.locator(".area-label span").first.inner_text() == XSS
    page.locator("#area-map .leaflet-overlay-pane path.leaflet-interactive").last.hover(force=True)
    page.wait_for_selector(".leaflet-tooltip")
    assert page.locator("#area-map img[src=x]").count() == 0
    assert page.evaluate("window.__xss") is None and dialogs == []
    assert page.js_errors == []


def test_picture_map_has_legend_scale_and_swedish_numbers(page, live_server, busy, login, screenshot):
    login(page, live_server, "alice")
    page.goto(live_server.url + "/lagesbild/1/" + Q)
    page.wait_for_selector("#picture-map[data-ready='1']")
    legend = page.locator("[data-testid=map-legend]")
    assert legend.is_visible()
    text = legend.inner_text()
    assert "per 1 000 invånare" in text and "Brännpunkt" in text and "EST" in text
    assert page.locator(".leaflet-control-scale-line").first.is_visible()
    assert page.locator(".leaflet-tile").count() == 0  # offline by default: no base tiles requested
    page.locator("#picture-map").scroll_into_view_if_needed()
    page.locator(".leaflet-overlay-pane path.leaflet-interactive").first.hover(force=True)
    tip = page.locator(".leaflet-tooltip").first.inner_text()
    assert "händelser" in tip and "per 1 000 invånare" in tip
    assert "," in tip.split("per 1 000")[0] and "." not in tip.split("per 1 000")[0]  # 5,39 not 5.39
    screenshot(page, "maps-picture-legend")
    assert page.js_errors == []


def test_est_form_tap_shows_the_area_name_and_position_works(browser, live_server, world, screenshot):
    from tests.browser.conftest import _login
    from trygg.incidents.models import Incident

    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844}, timezone_id="Europe/Stockholm",
                                  geolocation={"longitude": 11.965, "latitude": 57.7655}, permissions=["geolocation"],
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, live_server, "rami")
    page.goto(live_server.url + "/handelser/rapportera/")
    page.wait_for_selector("#est-map[data-ready='1']")
    assert "Klicka" not in page.locator("main").inner_text()
    box = page.locator("#est-map").bounding_box()
    page.locator("#est-map").scroll_into_view_if_needed()
    box = page.locator("#est-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#picked")).to_have_text(re.compile(r"^\s*Vald plats"))  # no eval: the CSP forbids it
    assert "Nordost" in page.locator("#picked").inner_text()
    # use my position: the browser's position is Hjällbo
    page.click("[data-testid=use-position]")
    expect(page.locator("#picked")).to_contain_text("Hjällbo")
    assert page.input_value("#id_lon") == "11.965000"
    screenshot(page, "maps-est-form-390", full_page=True)
    # a rejected submit: the error summary takes the focus, and what was typed stays
    page.fill("#id_occurred_at", "2099-01-01T12:00")
    page.check("input[name=category][value=klotter]")
    page.fill("#id_description", "Klotter på muren")
    with page.expect_navigation():
        page.click("form[data-testid=est-form] button[type=submit]")
    page.wait_for_selector("#est-map[data-ready='1']")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "framtiden" in page.locator("[data-testid=error-summary]").inner_text()
    assert page.input_value("#id_description") == "Klotter på muren"
    assert page.is_checked("input[name=category][value=klotter]")
    expect(page.locator("#picked")).to_contain_text("Hjällbo")
    screenshot(page, "maps-est-form-390-error", full_page=True)
    page.click("[data-testid=error-summary] a[href='#id_occurred_at']")
    assert page.evaluate("document.activeElement.id") == "id_occurred_at"
    assert Incident.objects.count() == 0
    assert errors == []
    context.close()


def test_est_form_by_keyboard_only(page, live_server, world, login, screenshot):
    from trygg.incidents.models import Incident

    login(page, live_server, "rami")
    page.goto(live_server.url + "/handelser/rapportera/")
    page.wait_for_selector("#est-map[data-ready='1']")
    page.evaluate("document.activeElement && document.activeElement.blur()")

    def tab_to(selector, limit=60):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # submit at once (nothing chosen): the error summary takes the focus, its links lead to the fields
    tab_to("form[data-testid=est-form] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#est-map[data-ready='1']")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("[data-testid=error-summary] li").count() == 2  # category, and where
    # now the whole form from the keyboard (the time defaults to now)
    tab_to("input[name=category]")
    page.keyboard.press("ArrowDown")  # radio group: arrows move and check
    checked = page.evaluate("document.querySelector('input[name=category]:checked').value")
    assert checked
    tab_to("#id_area")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#id_area") == "612"
    assert "Hjällbo" in page.locator("#picked").inner_text()
    tab_to("#id_place")
    page.keyboard.type("Vid busshållplatsen")
    tab_to("#id_description")
    page.keyboard.type("Nedskräpning vid hållplatsen")
    tab_to("form[data-testid=est-form] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#est-map[data-ready='1']")
    assert Incident.objects.count() == 1, page.locator("main").inner_text()
    inc = Incident.objects.get()
    assert (inc.category, inc.placement, inc.area.code, inc.place_text) == (checked, "area", "612", "Vid busshållplatsen")
    screenshot(page, "maps-est-form-keyboard-saved")
    assert page.js_errors == []
