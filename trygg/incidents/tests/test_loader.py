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

    def test_its_shortcuts_give_what_the_field_api_gives(self):
        from zoneinfo import ZoneInfo

        from django.db import connection

        from trygg.incidents.loader import _adapter

        stockholm, utc, plus5 = ZoneInfo("Europe/Stockholm"), dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))
        times = [dt.datetime(2025, 3, 30, 1, 59, tzinfo=stockholm), dt.datetime(2025, 3, 30, 3, 0, tzinfo=stockholm),
                 dt.datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=stockholm), dt.datetime(2024, 2, 29, 23, 59, 59, 999, tzinfo=utc),
                 dt.datetime(2026, 1, 1, 0, 0, tzinfo=plus5), None]
        field = Incident._meta.get_field("occurred_at")
        adapt = _adapter(field, connection)
        self.assertEqual([adapt(t) for t in times], [field.get_db_prep_save(t, connection) for t in times])
        day = Incident._meta.get_field("date")
        adapt = _adapter(day, connection)
        days = [dt.date(2025, 3, 7), dt.date(1999, 12, 31), None]
        self.assertEqual([adapt(d) for d in days], [day.get_db_prep_save(d, connection) for d in days])
