"""One whole work cycle in headless Chromium: a coordinator raises a problem, adds a cause, a goal
and an action; the community police officer reports progress on a promise line; the follow-up,
the director's overview and the public promise page show it."""

import datetime as dt
from types import SimpleNamespace

import pytest

from trygg.picture.tests.world import make


@pytest.fixture
def cycle_world(world):
    from trygg.work.tests.world import make_cycle

    ns = SimpleNamespace(**world)
    make_cycle(ns)
    today = dt.date.today()
    ns.promise.start, ns.promise.end = today - dt.timedelta(days=30), today + dt.timedelta(days=300)
    ns.promise.published_at = dt.datetime.now(dt.UTC)
    ns.promise.save()
    make(ns.hjallbo, dt.date(today.year - 1, 5, 1), n=6)
    return ns


def test_whole_cycle(page, live_server, cycle_world, login, screenshot):
    login(page, live_server, "alice")
    page.goto(live_server.url + "/omraden/1/")
    page.click("[data-testid=work-link]")
    page.click("[data-testid=raise-problem]")
    page.fill("#id_title", "Klotter vid spårvagnshållplatsen")
    page.select_option("#id_area", label="Hjällbo")
    page.select_option("#id_theme", "egendom")
    page.check("#id_prioritised")
    page.fill("#id_time_pattern", "helgnätter")
    page.click("[data-testid=save]")
    assert page.locator("[data-testid=problem-title]").inner_text() == "Klotter vid spårvagnshållplatsen"

    page.click("[data-testid=add-cause]")
    page.select_option("#id_corner", "place")
    page.fill("#id_description", "Omålade skärmtak lockar till klotter")
    page.fill("#id_evidence", "EST-rapporter varje vecka")
    page.click("[data-testid=save]")
    assert page.locator("[data-testid=cause]").count() == 1

    # a goal without an indicator is refused and keeps what was typed
    page.click("[data-testid=add-goal]")
    page.fill("#id_title", "Mindre klotter")
    page.select_option("#id_theme", "")
    page.fill("#id_target_change_pct", "-25")
    page.click("[data-testid=save]")
    assert page.locator("[data-testid=form-errors]").is_visible()
    assert page.input_value("#id_title") == "Mindre klotter"
    page.select_option("#id_theme", "egendom")
    page.click("[data-testid=save]")
    assert page.locator("[data-testid=goals] [data-testid=baseline]").count() == 1
    screenshot(page, "work-problem")

    page.goto(live_server.url + "/arbete/1/atgard/ny/")
    page.fill("#id_title", "Sanering och målning av skärmtak")
    page.select_option("#id_area", label="Hjällbo")
    page.select_option("#id_cause", index=2)
    page.select_option("#id_owner_organisation", label="Stadsområde Nordost")
    page.select_option("#id_status", "ongoing")
    page.click("[data-testid=save]")
    assert "Sanering" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=edit-action]").count() == 1

    # the police officer reports progress on the police promise line
    page.click("[data-testid=logout]")
    login(page, live_server, "bob")
    page.goto(live_server.url + f"/arbete/1/loften/{cycle_world.promise.pk}/")
    page.click("[data-testid=report-progress]")
    page.fill("#id_value", "7")
    page.click("[data-testid=save]")
    assert page.locator("[data-testid=achieved]").inner_text() == "7"
    screenshot(page, "work-promise")

    page.goto(live_server.url + "/arbete/1/uppfoljning/")
    assert page.locator("[data-testid=followup-action]").count() == 2
    screenshot(page, "work-followup")

    page.click("[data-testid=logout]")
    login(page, live_server, "dina")
    page.goto(live_server.url + "/arbete/")
    row = page.locator("[data-testid=overview] tr[data-area='1']")
    assert row.locator("[data-criterion=problems_prioritised]").get_attribute("data-done") == "1"
    screenshot(page, "work-overview")

    page.click("[data-testid=logout]")
    page.goto(live_server.url + "/lagesbild/offentlig/1/")
    line = page.locator("[data-testid=public-line]")
    assert line.count() == 1 and "50 insatser" in line.inner_text()
    screenshot(page, "work-public")
    assert page.js_errors == []
