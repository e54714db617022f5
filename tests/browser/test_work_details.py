"""The pages changed for issue 15's work-cycle details, at 320 px without horizontal scrolling and
without axe violations: a problem from a Brå row with a goal on the same crime type, promise
progress as added or new total, the searchable municipality picker, a saved picture with its
frozen chart and map, an adopted lägesbild as adopted, and "ingen data" on the public page."""

import datetime as dt
from types import SimpleNamespace

import pytest

from trygg.picture.tests.world import make

from .test_accessibility import check


@pytest.fixture
def details_world(world):
    from trygg.incidents.models import CrimeStatistic
    from trygg.work.models import Problem, ProgressReport
    from trygg.work.tests.world import make_cycle

    ns = SimpleNamespace(**world)
    make_cycle(ns)
    today = dt.date.today()
    ns.promise.start, ns.promise.end = today - dt.timedelta(days=30), today + dt.timedelta(days=300)
    ns.promise.save()
    ProgressReport.objects.create(line=ns.line, date=today - dt.timedelta(days=10), value=27)
    for year, n in ((today.year - 3, 100), (today.year - 2, 120), (today.year - 1, 60)):
        CrimeStatistic.objects.create(area=ns.nordost, year=year, crime_type="stold_ur_fordon", theme="egendom",
                                      count=n)
    ns.bra_problem = Problem.objects.create(area=ns.nordost, title="Stölder ur bilar vid Angered centrum",
                                            theme="egendom", indicator="bra/egendom/stold_ur_fordon",
                                            raised_by=ns.alice)
    for week in range(60):
        make(ns.hjallbo, today - dt.timedelta(days=7 * week + 3), "klotter", source="est", n=1,
             lon=11.96, lat=57.765)
    return ns


def test_brå_problem_goal_and_progress(page, live_server, details_world, login, screenshot):
    w = details_world
    login(page, live_server, "alice")
    check(page, f"{live_server.url}/arbete/1/problem/{w.bra_problem.pk}/", 320)
    assert "Brå" in page.locator("[data-testid=problem-indicator]").inner_text()
    assert "stold_ur_fordon" not in page.content()
    page.click("[data-testid=add-goal]")
    page.wait_for_load_state("networkidle")
    check(page, page.url, 320)
    screenshot(page, "h17-goal-form-320")
    assert page.input_value("#id_sources") == "bra"
    assert page.input_value("#id_crime_type") == "stold_ur_fordon"
    page.fill("#id_title", "Färre stölder ur fordon")
    page.fill("#id_target_change_pct", "-20")
    page.click("[data-testid=save]")
    check(page, page.url, 320)
    assert page.locator("[data-testid=goals] [data-testid=baseline]").inner_text() == "60"
    screenshot(page, "h17-bra-problem-320")

    page.click("[data-testid=logout]")
    login(page, live_server, "bob")
    check(page, f"{live_server.url}/arbete/1/rad/{w.line.pk}/framsteg/", 320)
    page.check("input[name=mode][value=total]")
    page.fill("#id_value", "31")
    screenshot(page, "h17-progress-form-320")
    page.click("[data-testid=save]")
    check(page, page.url, 320)
    assert page.locator("[data-testid=achieved]").inner_text() == "31"
    assert page.locator("[data-testid=last-added]").inner_text().startswith("+4")
    screenshot(page, "h17-promise-320")
    assert page.js_errors == []


def test_metro_picker_snapshot_and_public_no_data(page, live_server, details_world, login, screenshot):
    login(page, live_server, "alice")
    check(page, live_server.url + "/lagesbild/storstader/", 320)
    page.fill("[data-testid=metro-add]", "Malmö")
    page.click("[data-testid=metro-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=metro-chosen] input:checked").count() == 3
    screenshot(page, "h17-metro-320")

    from trygg.picture.models import Snapshot

    page.goto(live_server.url + "/lagesbild/1/")
    page.click("[data-testid=snapshot-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    snap = Snapshot.objects.get()
    check(page, f"{live_server.url}/lagesbild/1/ogonblicksbilder/{snap.pk}/", 320)
    page.wait_for_selector("#picture-map[data-ready='1']")
    assert page.locator("#trend-chart[data-ready='1']").count() == 1
    assert page.locator("[data-testid=map-legend]").count() == 1
    screenshot(page, "h17-snapshot-320")

    page.click("[data-testid=logout]")
    check(page, live_server.url + "/lagesbild/offentlig/2/", 320)
    assert "ingen data" in page.locator("[data-testid=public-total]").inner_text()
    screenshot(page, "h17-public-no-data-320")
    assert page.js_errors == []


def test_adopted_lägesbild_and_import_history(page, live_server, details_world, login, screenshot, settings, tmp_path):
    from trygg.reports.models import StatutoryDocument
    from trygg.reports.statutory_views import adopt

    settings.MEDIA_ROOT = str(tmp_path)
    w = details_world
    doc = StatutoryDocument.objects.create(area=w.goteborg, kind="lagesbild", year=dt.date.today().year - 1,
                                           created_by=w.ulla)
    adopt(doc)
    login(page, live_server, "ulla")
    check(page, live_server.url + doc.get_absolute_url(), 320)
    assert "version 1" in page.locator("[data-testid=adopted-label]").inner_text()
    screenshot(page, "h17-adopted-320")
    from trygg.incidents.models import ImportRun

    ImportRun.objects.create(source="bra", file_name="bra_2025.csv", status=ImportRun.Status.DONE, new=3)
    check(page, live_server.url + "/handelser/importer/", 320)
    assert page.locator("[data-testid=run-source]").first.inner_text() == "Anmälda brott (Brå)"
    screenshot(page, "h17-imports-320")
    assert page.js_errors == []
