"""A rapportör files an EST report by clicking the map."""

import pytest


@pytest.mark.browser
def test_rami_files_an_est_report_by_clicking_the_map(page, live_server, world, login, screenshot):
    from trygg.incidents.models import Incident

    login(page, live_server, "rami")
    page.goto(live_server.url + "/handelser/rapportera/")
    page.wait_for_selector("#est-map[data-ready='1']")
    page.check("input[name=category][value=klotter]")
    page.locator("#est-map").scroll_into_view_if_needed()
    box = page.locator("#est-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # centre of Nordost's square
    assert page.input_value("#id_lon") != ""
    page.fill("#id_description", "Klotter på muren vid busshållplatsen")
    screenshot(page, "incidents-est-form")
    page.click("form[data-testid=est-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    inc = Incident.objects.get()
    assert (inc.category, inc.placement, inc.created_by.username) == ("klotter", "point", "rami")
    assert inc.area.path.startswith(world["nordost"].path)
    assert "Klotter" in page.locator("[data-testid=my-reports]").inner_text()
    screenshot(page, "incidents-est-saved")
    assert page.js_errors == []
