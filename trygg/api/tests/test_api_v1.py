"""REST API v1: token auth, the picture (same rows as ``trygg picture --format json``), EST reports
(same validation as the form, idempotent), import runs, problem+json errors, rate limits, open data."""

import datetime as dt
import io
import json
import uuid
from datetime import timedelta

from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from trygg.api.models import ApiToken, hash_token
from trygg.incidents.models import ImportRun, Incident, Source
from trygg.picture.tests.world import busy_world
from trygg.testing.personas import BaseTestCase

Q = "?from=2025-03-01&to=2025-03-28"


# the EST form (and so the API) takes reports of the last year only
RECENT = (dt.date.today() - dt.timedelta(days=10)).isoformat() + " 10:00"

class ApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def setUp(self):
        cache.clear()  # throttle buckets

    def token(self, username, scope="read", **kw):
        _t, raw = ApiToken.issue(getattr(self, username), "test", scope, **kw)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def post(self, url, body, auth):
        return self.client.post(url, json.dumps(body), content_type="application/json", **auth)


class TokenAuthTestCase(ApiTestCase):
    def test_it_works(self):
        r = self.client.get("/api/v1/areas/1/picture" + Q, **self.token("alice"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["area_code"], "1")

    def test_only_the_hash_is_stored(self):
        t, raw = ApiToken.issue(self.alice, "x")
        self.assertTrue(raw.startswith("trygg_"))
        self.assertGreater(len(raw), 40)
        self.assertEqual(ApiToken.objects.get(pk=t.pk).key_hash, hash_token(raw))
        self.assertFalse(ApiToken.objects.filter(key_hash=raw).exists())
        self.assertNotIn(raw, [v for v in ApiToken.objects.values_list("prefix", "name", "key_hash")[0]])

    def test_it_rejects_unknown_revoked_and_expired_tokens(self):
        r = self.client.get("/api/v1/areas/1/picture", HTTP_AUTHORIZATION="Bearer trygg_nonsense")
        self.assertEqual(r.status_code, 401)
        self.assertEqual(r["Content-Type"], "application/problem+json")
        self.assertIn("Bearer", r["WWW-Authenticate"])
        t, raw = ApiToken.issue(self.alice, "x")
        t.revoke()
        self.assertEqual(self.client.get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code, 401)
        t, raw = ApiToken.issue(self.alice, "x", expires_days=1)
        ApiToken.objects.filter(pk=t.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        self.assertEqual(self.client.get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code, 401)

    def test_a_token_has_its_owners_roles(self):
        self.assertEqual(self.client.get("/api/v1/areas/1/picture", **self.token("carl")).status_code, 403)
        self.assertEqual(self.client.get("/api/v1/areas/2/picture" + Q, **self.token("carl")).status_code, 200)
        self.assertEqual(self.client.get("/api/v1/imports", **self.token("alice")).status_code, 403)
        self.assertEqual(self.client.get("/api/v1/imports", **self.token("ulla")).status_code, 200)

    def test_a_read_token_cannot_write(self):
        r = self.post("/api/v1/est-reports", {"occurred_at": RECENT, "category": "klotter",
                                              "area_code": "612"}, self.token("rami", "read"))
        self.assertEqual(r.status_code, 403)
        self.assertIn("write", r.json()["detail"])

    def test_session_auth_needs_csrf_for_writes(self):
        from django.test import Client

        c = Client(enforce_csrf_checks=True)
        c.force_login(self.rami)
        r = c.post("/api/v1/est-reports", json.dumps({"occurred_at": RECENT, "category": "klotter",
                                                      "area_code": "612"}), content_type="application/json")
        self.assertEqual(r.status_code, 403)
        self.assertIn("CSRF", r.json()["detail"])

    @override_settings(TRYGG_API_RATE="3/min")
    def test_rate_limit_per_token(self):
        a, b = self.token("alice"), self.token("alice")
        codes = [self.client.get("/api/v1/areas", **a).status_code for _ in range(4)]
        self.assertEqual(codes, [200, 200, 200, 429])
        r = self.client.get("/api/v1/areas", **a)
        self.assertEqual(r["Content-Type"], "application/problem+json")
        self.assertIn("Retry-After", r)
        self.assertEqual(self.client.get("/api/v1/areas", **b).status_code, 200)  # another token, own bucket


class PictureTestCase(ApiTestCase):
    def test_same_rows_as_the_cli(self):
        out = io.StringIO()
        call_command("picture", "--area", "1", "--from", "2025-03-01", "--to", "2025-03-28", "--format", "json",
                     stdout=out)
        cli = json.loads(out.getvalue())
        api = self.client.get("/api/v1/areas/1/picture" + Q, **self.token("bob")).json()
        self.assertEqual(api, cli)
        total = next(r for r in api["rows"] if r["kind"] == "total" and r["source"] == "all")
        self.assertEqual(total["count"], 100)

    def test_series_siblings_layers(self):
        auth = self.token("alice")
        s = self.client.get("/api/v1/areas/1/series" + Q + "&bucket=month", **auth).json()
        self.assertEqual(s["labels"], ["2025-03"])
        self.assertEqual(self.client.get("/api/v1/areas/1/siblings" + Q, **auth).json()["rows"][0]["code"], "1")
        for layer in ("choropleth", "est", "hotspots", "police"):
            r = self.client.get(f"/api/v1/areas/1/layers/{layer}" + Q, **auth)
            self.assertEqual(r.json()["type"], "FeatureCollection", layer)
        r = self.client.get("/api/v1/areas/1/layers/nothing", **auth)
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r["Content-Type"], "application/problem+json")

    def test_errors_name_the_field(self):
        auth = self.token("alice")
        r = self.client.get("/api/v1/areas/1/picture?from=2025-13-01", **auth)
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r["Content-Type"], "application/problem+json")
        body = r.json()
        self.assertEqual(body["status"], 400)
        self.assertEqual(body["errors"][0]["field"], "from")
        r = self.client.get("/api/v1/areas/1/series?bucket=day", **auth)
        self.assertEqual(r.json()["errors"][0]["field"], "bucket")
        r = self.client.get("/api/v1/areas?level=planet", **auth)
        self.assertEqual(r.json()["errors"][0]["field"], "level")
        self.assertEqual(self.client.get("/api/v1/areas/nowhere/picture", **auth).status_code, 404)

    def test_areas_and_categories(self):
        auth = self.token("rami")
        codes = [a["code"] for a in self.client.get("/api/v1/areas?parent=1", **auth).json()]
        self.assertEqual(codes, ["12"])
        self.assertEqual(self.client.get("/api/v1/areas/612", **auth).json()["parent"], "12")
        cats = self.client.get("/api/v1/est-categories", **auth).json()
        self.assertIn("klotter", [c["slug"] for c in cats])


class EstReportTestCase(ApiTestCase):
    url = "/api/v1/est-reports"

    def body(self, **kw):
        d = {"occurred_at": RECENT, "category": "klotter", "lon": 11.965, "lat": 57.768,
             "place": "Hjällbo torg", "description": "Nytt klotter på gaveln."}
        d.update(kw)
        return d

    def test_it_works_and_is_idempotent(self):
        auth = self.token("rami", "write")
        rid = str(uuid.uuid4())
        r = self.post(self.url, self.body(id=rid), auth)
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["area"]["code"], "612")
        self.assertEqual(r.json()["id"], rid)
        self.assertTrue(r["Location"].endswith(rid))
        inc = Incident.objects.get(source=Source.EST, source_id=f"api-{rid}")
        self.assertEqual((inc.created_by, inc.organisation, inc.category), (self.rami, self.housing, "klotter"))
        r2 = self.post(self.url, self.body(id=rid), auth)
        self.assertEqual(r2.status_code, 200)
        self.assertEqual(r2.json(), r.json())
        self.assertEqual(Incident.objects.filter(source_id=f"api-{rid}").count(), 1)
        self.assertEqual(self.client.get(f"{self.url}/{rid}", **auth).json()["id"], rid)
        # another user may not take over the id
        r3 = self.post(self.url, self.body(id=rid), self.token("alice", "write"))
        self.assertEqual(r3.status_code, 409)

    def test_area_code_instead_of_a_point(self):
        r = self.post(self.url, self.body(lon=None, lat=None, area_code="612"), self.token("alice", "write"))
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(Incident.objects.get(source_id=f"api-{r.json()['id']}").placement, "area")

    def test_it_refuses_personal_data_and_names_the_field(self):
        r = self.post(self.url, self.body(description="Mannen med personnummer 19121212-1212 klottrade"),
                      self.token("rami", "write"))
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r["Content-Type"], "application/problem+json")
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["description"])
        self.assertFalse(Incident.objects.filter(source_id__startswith="api-").exists())

    def test_it_validates_like_the_form(self):
        auth = self.token("rami", "write")
        r = self.post(self.url, self.body(category="ufo"), auth)
        self.assertEqual(r.json()["errors"][0]["field"], "category")
        r = self.post(self.url, self.body(occurred_at="igår"), auth)
        self.assertEqual(r.json()["errors"][0]["field"], "occurred_at")
        r = self.post(self.url, self.body(lon=None, lat=None), auth)
        self.assertEqual(r.status_code, 400)
        r = self.post(self.url, self.body(lon=None, lat=None, area_code="116"), auth)  # not in her area
        self.assertEqual(r.json()["errors"][0]["field"], "area_code")
        r = self.post(self.url, self.body(lon=11.963, lat=57.703), auth)  # Inom Vallgraven, not hers
        self.assertEqual(r.status_code, 403)
        r = self.post(self.url, self.body(organisation="Polisområde Storgöteborg"), auth)
        self.assertEqual(r.json()["errors"][0]["field"], "organisation")
        self.assertFalse(Incident.objects.filter(source_id__startswith="api-").exists())

    def test_a_reader_may_not_report(self):
        r = self.post(self.url, self.body(), self.token("lena", "write"))
        self.assertEqual(r.status_code, 403)


class ImportRunsTestCase(ApiTestCase):
    def test_it_works(self):
        run = ImportRun.objects.create(source="est", file_name="x.csv", status="done", new=3, user=self.ulla)
        auth = self.token("ulla")
        rows = self.client.get("/api/v1/imports?source=est", **auth).json()
        self.assertEqual([(r["id"], r["new"], r["user"]) for r in rows], [(run.pk, 3, "ulla")])
        self.assertEqual(self.client.get(f"/api/v1/imports/{run.pk}", **auth).json()["status"], "done")
        self.assertEqual(self.client.get("/api/v1/imports?limit=x", **auth).json()["errors"][0]["field"], "limit")

    def test_it_shows_each_municipality_its_own_runs_and_the_national_ones(self):
        from trygg.accounts.tests.test_municipalities import set_up_malmo

        set_up_malmo(self)
        national = ImportRun.objects.create(source="police", status="done")
        gbg = ImportRun.objects.create(source="est", status="done", municipality=self.goteborg)
        malmo = ImportRun.objects.create(source="est", status="done", municipality=self.malmo)
        for who, seen, unseen in [("ulla", gbg, malmo), ("mats", malmo, gbg)]:
            auth = self.token(who)
            rows = {r["id"]: r["municipality"] for r in self.client.get("/api/v1/imports", **auth).json()
                    if r["id"] in (national.pk, gbg.pk, malmo.pk)}
            self.assertEqual(rows, {national.pk: None, seen.pk: seen.municipality.code}, who)
            self.assertEqual(self.client.get(f"/api/v1/imports/{unseen.pk}", **auth).status_code, 404, who)
            self.assertEqual(self.client.get(f"/api/v1/imports/{national.pk}", **auth).status_code, 200, who)


class OpenApiTestCase(ApiTestCase):
    def test_document_and_docs_page(self):
        r = self.client.get("/api/v1/openapi.json")
        self.assertEqual(r.status_code, 200)
        doc = r.json()
        self.assertTrue(doc["openapi"].startswith("3."))
        for p in ("/api/v1/areas/{code}/picture", "/api/v1/est-reports", "/api/v1/open/areas/{code}/figures"):
            self.assertIn(p, doc["paths"])
        self.assertIn("bearerAuth", doc["components"]["securitySchemes"])
        page = self.client.get("/api/v1/docs/").content.decode()
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/", page)
        self.assertNotIn("cdn.", page)
        self.assertNotIn("unpkg", page)


class OpenDataTestCase(ApiTestCase):
    def test_it_works_without_login_as_json_and_csv(self):
        from trygg.picture.views import public_figures

        pub = public_figures(self.nordost)
        r = self.client.get("/api/v1/open/areas/1/figures")
        self.assertEqual(r.status_code, 200)
        d = r.json()
        self.assertEqual([(x["theme"], x["count"]) for x in d["rows"]], [(x["theme"], x["count"]) for x in pub["rows"]])
        self.assertEqual(d["total"], pub["total"])
        csv = self.client.get("/api/v1/open/areas/1/figures?format=csv")
        self.assertEqual(csv["Content-Type"], "text/csv; charset=utf-8")
        lines = csv.content.decode().splitlines()
        self.assertTrue(lines[0].startswith("area_code,area_name,start,end,theme"))
        self.assertEqual(len(lines), 1 + len(pub["rows"]))
        self.assertIn("1", [a["code"] for a in self.client.get("/api/v1/open/areas").json()])

    def test_it_suppresses_small_counts_like_the_public_page(self):
        from trygg.picture.views import public_figures

        shown = {x["theme"]: x["count"] for x in public_figures(self.centrum)["rows"]}
        d = self.client.get("/api/v1/open/areas/2/figures").json()
        self.assertEqual({x["theme"]: x["count"] for x in d["rows"]}, shown)
        # Inom Vallgraven's 2 robberies are a small count: never shown as 2 (hidden as 1–4 or ·)
        self.assertNotIn(2, [x["count"] for x in d["rows"]])
        for x in d["rows"]:
            if x["count"] in ("1–4", "·"):
                self.assertIsNone(x["rate_per_1000"])

    def test_only_public_levels(self):
        self.assertEqual(self.client.get("/api/v1/open/areas/612/figures").status_code, 404)


class TokenPagesTestCase(ApiTestCase):
    def test_it_works(self):
        self.login("alice")
        r = self.client.post("/konto/api-nycklar/", {"name": "R-skript", "scope": "write", "expires": "30"})
        self.assertRedirects(r, "/konto/api-nycklar/", fetch_redirect_response=False)
        page = self.client.get("/konto/api-nycklar/").content.decode()
        token = ApiToken.objects.get(user=self.alice)
        self.assertEqual(token.scope, "write")
        self.assertAlmostEqual((token.expires_at - timezone.now()).days, 29, delta=1)
        raw = page.split('id="new-token-value">')[1].split("<")[0]
        self.assertEqual(hash_token(raw), token.key_hash)
        self.assertNotIn(raw, self.client.get("/konto/api-nycklar/").content.decode())  # shown once
        self.assertEqual(self.client.get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code, 200)
        r = self.client.post(f"/konto/api-nycklar/{token.pk}/aterkalla/")
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code, 401)

    def test_it_checks_access(self):
        self.assertEqual(self.client.get("/konto/api-nycklar/").status_code, 302)
        t, _raw = ApiToken.issue(self.alice, "x")
        self.login("bob")
        self.assertEqual(self.client.post(f"/konto/api-nycklar/{t.pk}/aterkalla/").status_code, 404)
        self.assertIsNone(ApiToken.objects.get(pk=t.pk).revoked_at)

    def test_it_rejects_get(self):
        t, _raw = ApiToken.issue(self.alice, "x")
        self.login("alice")
        self.assertEqual(self.client.get(f"/konto/api-nycklar/{t.pk}/aterkalla/").status_code, 405)

    def test_it_refuses_personal_data_in_the_name(self):
        self.login("alice")
        r = self.client.post("/konto/api-nycklar/", {"name": "för 19121212-1212", "scope": "read", "expires": ""})
        self.assertEqual(r.status_code, 200)
        self.assertFalse(ApiToken.objects.exists())


class TokenCommandTestCase(ApiTestCase):
    def test_it_prints_a_token_once(self):
        out = io.StringIO()
        call_command("token", "create", "alice", "--scope", "write", "--expires", "7", stdout=out)
        raw = out.getvalue().strip()
        t = ApiToken.objects.get(key_hash=hash_token(raw))
        self.assertEqual((t.user, t.scope), (self.alice, "write"))
        self.assertAlmostEqual((t.expires_at - timezone.now()).days, 6, delta=1)
        out = io.StringIO()
        call_command("token", "list", "alice", stdout=out)
        self.assertIn(t.prefix, out.getvalue())
        self.assertNotIn(raw, out.getvalue())

    def test_it_rejects_bad_input(self):
        from django.core.management import CommandError

        with self.assertRaisesMessage(CommandError, "USERNAME"):
            call_command("token", "create", "nobody")
        with self.assertRaisesMessage(CommandError, "--expires"):
            call_command("token", "create", "alice", "--expires", "0")
