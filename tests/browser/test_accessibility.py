"""Every page type at 320 px without horizontal scrolling and without axe-core violations of the
WCAG 2.1 A/AA rules (axe-core served from the project), the 1366 px layout, and a keyboard-only login."""

import pytest

AXE = "/static/vendor/axe-core-4.10.2/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {
    None: ["/", "/konto/logga-in/", "/tillganglighet/", "/lagesbild/offentlig/1/"],
    "alice": ["/", "/lagesbild/1/", "/arbete/", "/arbete/1/", "/arbete/1/uppfoljning/", "/rapporter/lagstadgad/1/",
              "/lagesbild/storstader/", "/undersokningar/", "/omraden/1/", "/konto/", "/arbete/1/atgard/ny/"],
    "dina": ["/"],
    "rami": ["/"],
    "ulla": ["/rapporter/", "/handelser/importer/", "/rapporter/lagstadgad/1480/"],
}


def check(page, url, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url)
    page.wait_for_load_state("networkidle")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{url} is {scroll} px wide at {width} px"
    page.add_script_tag(url="/".join(page.url.split("/", 3)[:3]) + AXE)
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))", TAGS)
    assert violations == [], f"{url}: {violations}"


@pytest.mark.parametrize("user", list(PAGES))
def test_pages_reflow_at_320_and_have_no_axe_violations(page, live_server, world, login, user):
    if user:
        login(page, live_server, user)
    for path in PAGES[user]:
        check(page, live_server.url + path, 320)
        page.set_viewport_size({"width": 1366, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_keyboard_only_login(page, live_server, world):
    from trygg.testing.personas import PASSWORD

    page.goto(live_server.url + "/konto/logga-in/")
    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_username":
            break
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=current-user]").count() == 1


def test_reporter_lands_on_the_form(page, live_server, world, login):
    login(page, live_server, "rami")
    page.goto(live_server.url + "/")
    assert "/handelser/rapportera/" in page.url
