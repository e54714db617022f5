"""insert_rows: many rows with one prepared statement, read back exactly as the ORM stores them."""

import datetime as dt

from django.utils import timezone

from trygg.incidents.loader import insert_rows
from trygg.incidents.models import Incident
from trygg.testing.personas import BaseTestCase


class LoaderTestCase(BaseTestCase):
    def test_it_works(self):
        occurred = timezone.make_aware(dt.datetime(2025, 3, 7, 23, 30))  # 22:30 UTC: the local date is the 7th
        before = timezone.now()
        n = insert_rows(Incident, ({"source": "est", "source_id": f"l{i}", "occurred_at": occurred,
                                    "date": dt.date(2025, 3, 7), "category": "klotter", "theme": "ordning",
                                    "area_id": self.hjallbo.pk, "area_path": self.hjallbo.path,
                                    "placement": "point", "lon": 11.965, "lat": 57.7655} for i in range(5)),
                        batch_size=2)
        self.assertEqual(n, 5)
        orm = Incident.objects.create(source="est", source_id="orm", occurred_at=occurred, date=dt.date(2025, 3, 7),
                                      category="klotter", theme="ordning", area=self.hjallbo, placement="point",
                                      lon=11.965, lat=57.7655)
        got = Incident.objects.get(source_id="l3")
        fields = ["occurred_at", "date", "category", "area_id", "area_path", "lon", "lat", "title", "body",
                  "synthetic", "municipality_id"]
        self.assertEqual([getattr(got, f) for f in fields], [getattr(orm, f) for f in fields])
        self.assertGreaterEqual(got.imported_at, before)  # auto_now_add filled in
        self.assertEqual(Incident.objects.within(self.nordost).count(), 6)

    def test_it_rejects_bad_input(self):
        with self.assertRaisesMessage(ValueError, "Incident has no field(s) area"):
            insert_rows(Incident, [{"source": "est", "area": self.hjallbo}])
        self.assertEqual(Incident.objects.count(), 0)
