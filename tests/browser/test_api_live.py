"""The issue's "done when": a script with a personal token reads the picture and posts an EST
report over HTTP against the live server, and the report shows on the situation picture page."""

import datetime as dt
import io
import uuid

import requests
from django.core.management import call_command


def test_a_script_reads_the_picture_and_posts_an_est_report(page, live_server, world, login, screenshot):
    out = io.StringIO()
    call_command("token", "create", "alice", "--scope", "write", "--expires", "30", stdout=out)
    token = out.getvalue().strip()
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    base = f"{live_server.url}/api/v1"
    # a recent week: the EST form (and so the API) refuses reports more than a year old
    day = dt.date.today() - dt.timedelta(days=10)
    start, end = (day - dt.timedelta(days=3)).isoformat(), (day + dt.timedelta(days=3)).isoformat()

    before = api.get(f"{base}/areas/1/picture", params={"from": start, "to": end}, timeout=30)
    assert before.status_code == 200, before.text
    total = next(r for r in before.json()["rows"] if r["kind"] == "total" and r["source"] == "all")
    assert total["count"] == 0

    report_id = str(uuid.uuid4())
    body = {"id": report_id, "occurred_at": f"{day.isoformat()} 22:30", "category": "klotter",
            "lon": 11.965, "lat": 57.768, "place": "Gångtunneln vid torget",
            "description": "Stora klottermålningar i gångtunneln, skickat via API"}
    r = api.post(f"{base}/est-reports", json=body, timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()["area"]["name"] == "Hjällbo"
    assert api.post(f"{base}/est-reports", json=body, timeout=30).status_code == 200  # idempotent

    bad = api.post(f"{base}/est-reports", json={**body, "id": str(uuid.uuid4()), "description": "Ring 070-123 45 67"},
                   timeout=30)
    assert bad.status_code == 400
    assert bad.headers["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "description"

    after = api.get(f"{base}/areas/1/picture", params={"from": start, "to": end}, timeout=30).json()
    total = next(r for r in after["rows"] if r["kind"] == "total" and r["source"] == "all")
    assert total["count"] == 1

    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/lagesbild/1/?from={start}&to={end}")
    page.wait_for_load_state("networkidle")
    assert "Stora klottermålningar i gångtunneln, skickat via API" in page.content()
    screenshot(page, "api-est-report-on-picture")
