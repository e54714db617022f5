"""Read-only JSON of the situation picture: same rules as the pages."""

from trygg.picture.tests.world import busy_world
from trygg.testing.personas import BaseTestCase

Q = "?from=2025-03-01&to=2025-03-28"


class PictureApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def test_it_works(self):
        self.login("bob")
        d = self.client.get("/api/omraden/1/lagesbild.json" + Q).json()
        self.assertEqual(d["area_code"], "1")
        self.assertEqual(next(r for r in d["rows"] if r["kind"] == "total" and r["source"] == "all")["count"], 100)
        for layer in ("choropleth", "est", "hotspots", "police"):
            r = self.client.get(f"/api/omraden/1/karta/{layer}.geojson" + Q)
            self.assertEqual(r.status_code, 200, layer)
            self.assertEqual(r.json()["type"], "FeatureCollection")
        s = self.client.get("/api/omraden/1/tidsserie.json" + Q + "&bucket=month").json()
        self.assertEqual(s["labels"], ["2025-03"])
        c = self.client.get("/api/omraden/1/jamforelse.json" + Q).json()
        self.assertEqual(c["rows"][0]["code"], "1")

    def test_it_checks_access(self):
        self.assertEqual(self.client.get("/api/omraden/1/lagesbild.json").status_code, 302)
        self.login("carl")
        self.assertEqual(self.client.get("/api/omraden/1/lagesbild.json").status_code, 403)
        self.assertEqual(self.client.get("/api/omraden/1/karta/est.geojson").status_code, 403)
        self.login("rami")
        self.assertEqual(self.client.get("/api/omraden/612/lagesbild.json").status_code, 403)
        self.login("lena")
        self.assertEqual(self.client.get("/api/omraden/1/lagesbild.json" + Q).status_code, 200)

    def test_it_rejects_bad_input(self):
        self.login("alice")
        r = self.client.get("/api/omraden/1/lagesbild.json?from=2025-04-01&to=2025-03-01")
        self.assertEqual(r.status_code, 400)
        self.assertIn("from", r.json()["error"])
        self.assertEqual(self.client.get("/api/omraden/1/karta/nothing.geojson").status_code, 404)
        self.assertEqual(self.client.get("/api/omraden/1/tidsserie.json?bucket=day").status_code, 400)
