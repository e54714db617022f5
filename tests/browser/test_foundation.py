"""What a person sees of the foundation: start page, login (and lock-out), an area page with its map."""

import re

from trygg.areas.demo import load_demo_municipality


def test_start_page_shows_districts(page, live_server, world, screenshot):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("Trygg")
    cards = page.locator("[data-testid=districts] article")
    assert cards.count() == 2  # Nordost and Centrum in the test world
    assert "Nordost" in cards.first.inner_text()
    assert page.get_attribute("html", "lang") == "sv"
    screenshot(page, "foundation-start")
    assert page.js_errors == []


def test_language_switch_to_english(page, live_server, world):
    page.goto(live_server.url + "/")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang") == "en"
    assert "Log in" in page.inner_text("header")


def test_login_and_logout(page, live_server, world, login, screenshot):
    page.goto(live_server.url + "/konto/logga-in/")
    screenshot(page, "foundation-login")
    login(page, live_server, "alice")
    assert page.locator("[data-testid=current-user]").inner_text() == "Alice"
    assert "Nordost" in page.locator("[data-testid=my-areas]").inner_text()
    page.click("[data-testid=logout]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=current-user]").count() == 0


def test_wrong_password_is_refused_and_keeps_username(page, live_server, world, login):
    login(page, live_server, "alice", password="wrong-password-1")
    assert "/konto/logga-in/" in page.url
    assert page.input_value("#id_username") == "alice"
    assert page.locator("[role=alert]").count() == 1


def test_area_page_draws_the_map(page, live_server, transactional_db, login, screenshot):
    load_demo_municipality(basomraden=False, gazetteer=False)
    from django.contrib.auth import get_user_model

    from trygg.accounts.models import Membership, Organisation, Role

    user = get_user_model().objects.create_user("sara", password="persona-password-123", first_name="Sara")
    city = Organisation.objects.create(name="Göteborgs Stad", kind="city")
    from trygg.areas.models import Area
    from trygg.areas.schemes import home_code

    Membership.objects.create(user=user, organisation=city, role=Role.LASARE,
                              area=Area.objects.get(code=home_code()))  # city-wide: the municipality
    login(page, live_server, "sara")
    page.goto(live_server.url + "/omraden/1/")  # Nordost, real geometry
    page.wait_for_selector("#area-map[data-ready='1']")
    children = Area.objects.get(code="1").children.count()
    assert children == 7  # Nordost's mellanområden in the shipped data
    assert page.get_attribute("#area-map", "data-children") == str(children)
    assert page.locator("#area-map path.leaflet-interactive").count() >= children
    assert re.search(r"\d", page.inner_text("[data-testid=population]"))
    screenshot(page, "foundation-area-nordost")
    assert page.js_errors == []
