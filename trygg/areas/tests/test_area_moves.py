"""An area that moves (new parent, new code, a re-parenting import) takes its subtree along: every
path below it, the incidents' copies, the picture's counts and access control."""

import importlib
import json

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trygg.areas.loading import load_layer
from trygg.areas.models import Area
from trygg.incidents.models import Incident
from trygg.picture.tests.world import PERIOD, busy_world
from trygg.testing.personas import BaseTestCase

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


def picture_total(test, code):
    r = test.client.get(f"/lagesbild/{code}/" + Q)
    test.assertEqual(r.status_code, 200)
    return r.context["fig"].total("all").count


def in_period(areas):
    """Counted incidents in the period by their area key, not by path: the paths are under test."""
    return Incident.objects.counted().filter(area__in=areas, date__range=PERIOD).count()


class AreaMoveTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def move_hjallbo_to_centrum(self):
        self.hjallbo_mo.refresh_from_db()
        self.hjallbo_mo.parent = self.centrum
        self.hjallbo_mo.save()

    def test_it_moves_descendants_and_incidents(self):
        with CaptureQueriesContext(connection) as queries:
            self.move_hjallbo_to_centrum()
        # bulk updates, not one per row (there are 100+ incidents); 2 of them refresh the daily
        # counts, 7 the subtree sums of the roots above (one INSERT each: the country, Göteborg, the
        # district it leaves and the one it joins)
        self.assertLess(len(queries), 21)
        for a in (self.hjallbo_mo, self.hjallbo):
            a.refresh_from_db()
        self.assertEqual(self.hjallbo_mo.path, f"{self.centrum.path}12/")
        self.assertEqual(self.hjallbo.path, f"{self.centrum.path}12/612/")
        moved = Incident.objects.filter(area__in=[self.hjallbo_mo, self.hjallbo])
        self.assertGreater(moved.count(), 50)
        self.assertEqual(set(moved.values_list("area_path", flat=True)), {self.hjallbo_mo.path, self.hjallbo.path})
        self.assertFalse(Incident.objects.filter(area_path__contains="/1/12/").exists())
        self.assertTrue(self.hjallbo.is_within(self.centrum))
        self.assertFalse(self.hjallbo.is_within(self.nordost))

    def test_it_moves_the_counts_on_the_picture(self):
        self.login("ulla")  # city-wide: sees both districts
        nordost, centrum = picture_total(self, "1"), picture_total(self, "2")
        moving = in_period([self.hjallbo_mo, self.hjallbo])
        self.assertGreater(moving, 0)
        self.assertEqual(picture_total(self, "12"), moving)
        self.move_hjallbo_to_centrum()
        self.assertEqual(picture_total(self, "1"), nordost - moving)
        self.assertEqual(picture_total(self, "2"), centrum + moving)
        self.assertEqual(picture_total(self, "12"), moving)

    def statuses(self):
        out = {}
        for user in ("alice", "carl"):  # Nordost's and Centrum's coordinators
            self.login(user)
            for code in ("12", "612"):
                out[user, code] = self.client.get(f"/lagesbild/{code}/" + Q).status_code
        return out

    def test_it_moves_access(self):
        self.assertEqual(self.statuses(), {("alice", "12"): 200, ("alice", "612"): 200,
                                           ("carl", "12"): 403, ("carl", "612"): 403})
        self.move_hjallbo_to_centrum()
        self.assertEqual(self.statuses(), {("alice", "12"): 403, ("alice", "612"): 403,
                                           ("carl", "12"): 200, ("carl", "612"): 200})

    def test_a_new_code_moves_the_subtree(self):
        self.hjallbo_mo.refresh_from_db()
        self.hjallbo_mo.code = "12b"
        self.hjallbo_mo.save()
        self.hjallbo.refresh_from_db()
        self.assertEqual(self.hjallbo.path, f"{self.nordost.path}12b/612/")
        self.assertEqual(set(Incident.objects.filter(area=self.hjallbo).values_list("area_path", flat=True)),
                         {self.hjallbo.path})

    def test_the_prefix_is_exact(self):
        """Another area whose code differs only in case is not dragged along (SQLite's LIKE ignores case)."""
        twin = Area.objects.create(code="12X", name="Twin", level="mellanomrade", parent=self.nordost)
        lower = Area.objects.create(code="12x", name="twin", level="mellanomrade", parent=self.nordost)
        twin.parent = self.centrum
        twin.save()
        lower.refresh_from_db()
        self.assertEqual(lower.path, f"{self.nordost.path}12x/")

    def test_a_move_across_municipalities_moves_the_municipality(self):
        self.hjallbo_mo.refresh_from_db()
        self.hjallbo_mo.parent = self.malmo
        self.hjallbo_mo.save()
        incidents = Incident.objects.filter(area__in=[self.hjallbo_mo, self.hjallbo])
        self.assertEqual(set(incidents.values_list("municipality", flat=True)), {self.malmo.pk})
        self.assertGreater(Incident.objects.filter(municipality=self.goteborg).count(), 0)  # the rest stay

    def test_it_refuses_to_move_an_area_below_itself(self):
        self.hjallbo_mo.refresh_from_db()
        self.hjallbo_mo.parent = self.hjallbo
        with self.assertRaises(ValueError):
            self.hjallbo_mo.save()
        with self.assertRaises(ValidationError):
            self.hjallbo_mo.full_clean()
        self.hjallbo.refresh_from_db()
        self.assertEqual(self.hjallbo.path, f"{self.nordost.path}12/612/")

    def test_a_reparenting_import_moves_the_subtree(self):
        import tempfile
        from pathlib import Path

        ring = [[11.96, 57.76], [11.99, 57.76], [11.99, 57.79], [11.96, 57.79], [11.96, 57.76]]
        feature = {"type": "Feature", "properties": {"id": "12", "namn": "Hjällbo-Eriksbo", "so": "2"},
                   "geometry": {"type": "Polygon", "coordinates": [ring]}}
        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / "mo.geojson"
            f.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
            result = load_layer(f, level="mellanomrade", code_field="id", name_field="namn", parent_field="so")
        self.assertEqual(result.updated, 1)
        self.hjallbo.refresh_from_db()
        self.assertEqual(self.hjallbo.path, f"{self.centrum.path}12/612/")
        self.assertEqual(Incident.objects.within(self.centrum).filter(area=self.hjallbo).count(),
                         Incident.objects.filter(area=self.hjallbo).count())

    def test_the_migration_repairs_stale_paths(self):
        Area.objects.filter(pk=self.hjallbo.pk).update(path="/stale/612/")
        Incident.objects.filter(area=self.hjallbo).update(area_path="/stale/612/")
        migration = importlib.import_module("trygg.incidents.migrations.0004_repair_stale_area_paths")
        migration.repair(apps, None)
        self.hjallbo.refresh_from_db()
        self.assertEqual(self.hjallbo.path, f"{self.hjallbo_mo.path}612/")
        self.assertEqual(set(Incident.objects.filter(area=self.hjallbo).values_list("area_path", flat=True)),
                         {self.hjallbo.path})
