"""Saving, listing, viewing and comparing snapshots."""

from trygg.picture.models import Snapshot
from trygg.testing.personas import BaseTestCase

from .world import busy_world

DATA = {"from": "2025-03-01", "to": "2025-03-28", "compare": "previous", "theme": "", "title": "Mars", "note": "Beslut: fokus Hjällbo"}


class SnapshotTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def test_it_works(self):
        self.login("alice")
        r = self.client.post("/lagesbild/1/spara/", DATA)
        snap = Snapshot.objects.get()
        self.assertRedirects(r, f"/lagesbild/1/ogonblicksbilder/{snap.pk}/")
        self.assertEqual((snap.area, snap.created_by, snap.title), (self.nordost, self.alice, "Mars"))
        total = next(x for x in snap.data["figures"]["rows"] if x["kind"] == "total" and x["source"] == "all")
        self.assertEqual(total["count"], 100)
        self.assertEqual(snap.data["figures"]["sources"][0]["source"], "police")
        self.assertIn("hotspots", snap.data["map"])
        self.assertEqual(len(snap.data["map"]["est"]["features"]), 57)
        r = self.client.get(f"/lagesbild/1/ogonblicksbilder/{snap.pk}/")
        self.assertContains(r, "Beslut: fokus Hjällbo")
        self.assertContains(self.client.get("/lagesbild/1/ogonblicksbilder/"), "Mars")

    def test_the_saved_page_shows_labels_chart_and_map_as_saved(self):
        from trygg.picture.tests.world import make

        self.login("alice")
        self.client.post("/lagesbild/1/spara/", DATA)
        snap = Snapshot.objects.get()
        self.assertIn("series", snap.data)
        r = self.client.get(f"/lagesbild/1/ogonblicksbilder/{snap.pk}/")
        self.assertContains(r, '<tr data-source="police"><td>Police events</td>')
        self.assertNotContains(r, "<td>police</td>")
        self.assertContains(r, 'id="series-data"')
        self.assertContains(r, f'data-layers="/lagesbild/1/ogonblicksbilder/{snap.pk}/karta/LAYER.json"')
        url = f"/lagesbild/1/ogonblicksbilder/{snap.pk}/karta/est.json"
        self.assertEqual(len(self.client.get(url).json()["features"]), 57)
        make(self.hjallbo, snap.start, "klotter", source="est", n=3, lon=11.96, lat=57.765)  # later data
        self.assertEqual(len(self.client.get(url).json()["features"]), 57)  # frozen
        self.assertEqual(self.client.get(f"/lagesbild/1/ogonblicksbilder/{snap.pk}/karta/nope.json").status_code, 404)
        self.login("carl")
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_compare(self):
        self.login("alice")
        self.client.post("/lagesbild/1/spara/", DATA)
        self.client.post("/lagesbild/1/spara/", {**DATA, "from": "2025-02-01", "to": "2025-02-28", "title": "Feb"})
        a, b = Snapshot.objects.order_by("created_at")
        r = self.client.get(f"/lagesbild/1/ogonblicksbilder/jamfor/?s={a.pk}&s={b.pk}")
        self.assertEqual(r.status_code, 200)
        total = next(d for d in r.context["diff"] if d["kind"] == "total" and d["source"] == "all")
        self.assertEqual((total["count_a"], total["count_b"], total["difference"]), (100, 10, -90))
        self.assertContains(r, "<td>All sources</td>")
        self.assertNotContains(r, "<td>all · ")
        self.assertEqual(self.client.get(f"/lagesbild/1/ogonblicksbilder/jamfor/?s={a.pk}").status_code, 400)

    def test_it_checks_access(self):
        self.login("lena")  # reader: may look, may not save
        self.assertEqual(self.client.post("/lagesbild/1/spara/", DATA).status_code, 403)
        self.login("carl")
        self.assertEqual(self.client.post("/lagesbild/1/spara/", DATA).status_code, 403)
        self.login("alice")
        self.client.post("/lagesbild/1/spara/", DATA)
        snap = Snapshot.objects.get()
        self.login("carl")  # Centrum cannot read Nordost's snapshot, not even via Centrum's URL
        self.assertEqual(self.client.get(f"/lagesbild/1/ogonblicksbilder/{snap.pk}/").status_code, 403)
        self.assertEqual(self.client.get(f"/lagesbild/2/ogonblicksbilder/{snap.pk}/").status_code, 404)

    def test_it_rejects_bad_input(self):
        self.login("alice")
        r = self.client.post("/lagesbild/1/spara/", {**DATA, "title": "Ring 19121212-1212"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Ring 19121212-1212", status_code=400)  # keeps what was typed
        self.assertEqual(Snapshot.objects.count(), 0)
