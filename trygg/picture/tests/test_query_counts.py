"""The picture page asks the database a fixed number of questions, however many incidents, areas
below, snapshots and problems there are."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from trygg.areas.models import Area
from trygg.picture.models import Snapshot
from trygg.testing.personas import BaseTestCase
from trygg.work import models as m

from .world import busy_world, make

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


class PictureQueriesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def grow(self, first, n):
        """``n`` more primary areas in Hjällbo-Eriksbo, each with incidents, a snapshot and a problem."""
        for i in range(first, first + n):
            a = Area.objects.create(code=f"61{i:02d}", name=f"Område {i}", level="primaromrade", parent=self.hjallbo_mo)
            make(a, dt.date(2025, 3, 3 + i % 20), "misshandel", n=2 + i)
            make(a, dt.date(2025, 2, 3 + i % 20), "klotter", source="est", n=1 + i, lon=11.96, lat=57.76)
            Snapshot.objects.create(area=self.nordost, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 28),
                                    title=f"Bild {i}", data={})
            m.Problem.objects.create(area=a, title=f"Problem {i}", theme="vald", raised_by=self.alice)

    def queries_of(self, url):
        self.client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        return len(ctx), r

    def test_the_picture_page_asks_a_fixed_number_of_queries(self):
        self.grow(0, 1)
        self.login("alice")
        for url in ("/lagesbild/1/" + Q, "/lagesbild/12/" + Q):
            small, r = self.queries_of(url)
            total = r.context["fig"].total("all").count
            self.grow(len(Area.objects.filter(code__startswith="61", level="primaromrade")), 6)
            self.client.get(url)
            with self.assertNumQueries(small):
                r = self.client.get(url)
            self.assertGreater(r.context["fig"].total("all").count, total)
