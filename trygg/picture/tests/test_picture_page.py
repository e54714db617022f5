"""The partners' situation picture page /lagesbild/<code>/."""

from trygg.numbers import figures
from trygg.testing.personas import BaseTestCase

from .world import PERIOD, busy_world

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


class PicturePageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def test_it_works(self):
        self.login("alice")
        r = self.client.get("/lagesbild/1/" + Q)
        self.assertEqual(r.status_code, 200)
        fig = r.context["fig"]
        self.assertEqual(fig.as_dict(), figures.compute_picture(self.nordost, *PERIOD).as_dict())
        self.assertContains(r, 'data-testid="total-all"')
        self.assertContains(r, 'data-count="100"')
        self.assertContains(r, 'data-flag="up"')
        self.assertContains(r, "Benjamini")  # the method, one click away
        # rows with too few events say they were not tested; the expected count is shown beside the ratio
        assault = next(row for row in fig.rows if row.category == "misshandel")
        self.assertEqual((assault.count + assault.comparison_count, assault.p_adj), (3, None))
        self.assertContains(r, 'data-testid="untested"')
        self.assertContains(r, "data-expected=")
        self.assertContains(r, "organiserad-brottslighet")  # conference theme link
        self.assertEqual(r.context["series"]["bucket"], "week")

    def test_theme_view(self):
        self.login("bob")
        r = self.client.get("/lagesbild/1/" + Q + "&theme=narkotika")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["fig"].total("all").count, 40)
        self.assertNotContains(r, 'data-category="klotter"')

    def test_it_checks_access(self):
        self.login("carl")  # Centrum coordinator
        self.assertEqual(self.client.get("/lagesbild/1/" + Q).status_code, 403)
        self.assertEqual(self.client.get("/lagesbild/2/" + Q).status_code, 200)
        self.login("rami")
        self.assertEqual(self.client.get("/lagesbild/1/" + Q).status_code, 403)
        self.login("lena")  # reader: the picture but no incident list
        r = self.client.get("/lagesbild/1/" + Q)
        self.assertEqual(r.status_code, 200)
        self.assertIsNone(r.context["latest"])
        self.assertNotContains(r, 'data-testid="latest"')
        self.assertNotContains(r, 'data-testid="snapshot-form"')
        self.client.logout()
        self.assertEqual(self.client.get("/lagesbild/1/").status_code, 302)

    def test_texts_follow_the_role(self):
        self.login("alice")  # coordinator: EST text yes, police text no
        r = self.client.get("/lagesbild/1/?from=2025-03-05&to=2025-03-05")
        self.assertContains(r, "Klotter vid skolan")
        r = self.client.get("/lagesbild/1/?from=2025-03-10&to=2025-03-10")
        self.assertNotContains(r, "Narkotikabrott på torget")
        self.assertContains(r, 'data-testid="text-hidden"')
        self.login("bob")  # community police officer: both
        r = self.client.get("/lagesbild/1/?from=2025-03-10&to=2025-03-10")
        self.assertContains(r, "Narkotikabrott på torget")
        self.login("ulla")  # city-wide analyst: incidents, but EST text only for the partnership
        r = self.client.get("/lagesbild/1/?from=2025-03-05&to=2025-03-05")
        self.assertNotContains(r, "Klotter vid skolan")

    def test_it_rejects_bad_input(self):
        self.login("alice")
        for q in ("?from=2025-13-01&to=2025-03-01", "?from=2025-03-10&to=2025-03-01", "?compare=never",
                  "?theme=nothing", "?from=2010-01-01&to=2025-01-01"):
            r = self.client.get("/lagesbild/1/" + q)
            self.assertEqual(r.status_code, 400, q)
            self.assertContains(r, 'data-testid="error"', status_code=400)
        r = self.client.get("/lagesbild/1/?from=2025-03-10&to=2025-03-01")
        self.assertContains(r, 'value="2025-03-10"', status_code=400)  # keeps what was typed
        self.assertEqual(self.client.get("/lagesbild/nowhere/").status_code, 404)


class LatestIncidentsTestCase(BaseTestCase):
    """The latest-incidents list reads the period's last week first: the same rows as reading the
    whole period, whether the last week holds enough of them or not."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        import datetime as dt

        from .world import make

        cls.end = dt.date(2025, 3, 28)
        for k in range(60):  # one a day in Nordost's Hjällbo, and a busy last week in Göteborg's Centrum
            make(cls.hjallbo, cls.end - dt.timedelta(days=k))
        for k in range(5):
            make(cls.centrum, cls.end - dt.timedelta(days=k), n=4)
        make(cls.stockholm, cls.end, n=16)  # a busy last day
        make(cls.stockholm, cls.end - dt.timedelta(days=1), n=3)

    def test_it_matches_the_whole_period(self):
        import datetime as dt

        from trygg.numbers import queries
        from trygg.picture.views import LATEST_LIMIT, latest_in

        start = self.end - dt.timedelta(days=364)
        with self.assertNumQueries(3):  # 16 on Stockholm's last day: enough (data version, the ids, their rows)
            self.assertEqual(len(latest_in(self.stockholm, start, self.end)), LATEST_LIMIT)
        with self.assertNumQueries(4):  # 4 on Centrum's last day, 20 in its last week: the week's ids too
            self.assertEqual(len(latest_in(self.centrum, start, self.end)), LATEST_LIMIT)
        for area in (self.nordost, self.centrum, self.goteborg, self.stockholm):  # Nordost: 7 in the last week
            whole = list(queries.incidents_in(area, start, self.end).order_by("-occurred_at", "-id")
                         .values_list("pk", flat=True)[:LATEST_LIMIT])
            self.assertEqual([i.pk for i in latest_in(area, start, self.end)], whole)
        self.assertEqual(len(latest_in(self.nordost, start, self.end)), LATEST_LIMIT)
