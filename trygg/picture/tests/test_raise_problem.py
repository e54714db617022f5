""""Raise a problem" from the situation picture and from a saved snapshot: who sees the links, and
that the prefill (snapshot, indicator, theme, area) lands in the work app's problem form."""

from urllib.parse import parse_qs, urlparse

from trygg.numbers.params import parse_choice
from trygg.picture.models import Snapshot
from trygg.picture.snapshots import freeze
from trygg.testing.personas import BaseTestCase

from .world import busy_world

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


def _links(html, testid):
    import re

    return [h.replace("&amp;", "&") for h in re.findall(rf'href="([^"]+)"[^>]*data-testid="{testid}"', html)]


class RaiseProblemTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)

    def _snapshot(self, area, query=Q):
        choice = parse_choice(dict(p.split("=") for p in query.lstrip("?").split("&")), area)
        return Snapshot.objects.create(area=area, start=choice.start, end=choice.end, compare=choice.compare,
                                       theme=choice.theme or "", title="Mars", created_by=self.alice,
                                       data=freeze(area, choice))

    def test_it_works(self):
        self.login("alice")
        html = self.client.get("/lagesbild/1/" + Q).content.decode()
        page = _links(html, "raise-problem")
        self.assertEqual(len(page), 1)
        url = urlparse(page[0])
        self.assertEqual(url.path, "/arbete/1/problem/ny/")
        self.assertEqual(parse_qs(url.query), {"area": ["1"]})  # no snapshot saved for this period yet
        rows = _links(html, "raise-problem-row")
        self.assertTrue(rows, "a flagged row must offer the link")
        indicators = {parse_qs(urlparse(u).query)["indicator"][0] for u in rows}
        self.assertIn("all/narkotika", indicators)  # theme row: all sources, drugs
        self.assertIn("police/narkotika/narkotikabrott", indicators)  # the flagged category row
        # the prefill lands in the form
        drug = next(u for u in rows if "indicator=police%2Fnarkotika%2Fnarkotikabrott" in u)
        form = self.client.get(drug).context["form"]
        self.assertEqual(form.initial["indicator"], "police/narkotika/narkotikabrott")
        self.assertEqual(form.initial["theme"], "narkotika")
        self.assertEqual(form.initial["area"], self.nordost.pk)
        self.assertIn('value="police/narkotika/narkotikabrott"', self.client.get(drug).content.decode())

    def test_latest_snapshot_is_linked(self):
        self._snapshot(self.nordost)
        latest = self._snapshot(self.nordost)
        other = self._snapshot(self.nordost, "?from=2025-02-01&to=2025-02-28&compare=previous")
        self.login("bob")
        html = self.client.get("/lagesbild/1/" + Q).content.decode()
        page = _links(html, "raise-problem")[0]
        self.assertEqual(parse_qs(urlparse(page).query)["snapshot"], [str(latest.pk)])
        self.assertNotIn(f"snapshot={other.pk}", page)
        for u in _links(html, "raise-problem-row"):
            self.assertEqual(parse_qs(urlparse(u).query)["snapshot"], [str(latest.pk)])
        form = self.client.get(page).context["form"]
        self.assertEqual(str(form.initial["snapshot"]), str(latest.pk))
        self.assertIn(f'<option value="{latest.pk}" selected>', self.client.get(page).content.decode())

    def test_snapshot_page(self):
        snap = self._snapshot(self.nordost)
        self.login("alice")
        html = self.client.get(snap.get_absolute_url()).content.decode()
        page = _links(html, "raise-problem")
        self.assertEqual(len(page), 1)
        self.assertEqual(parse_qs(urlparse(page[0]).query)["snapshot"], [str(snap.pk)])
        rows = _links(html, "raise-problem-row")
        self.assertIn("police/narkotika/narkotikabrott",
                      {parse_qs(urlparse(u).query)["indicator"][0] for u in rows})
        r = self.client.post(page[0], {"title": "Narkotika på torget", "area": self.nordost.pk, "theme": "narkotika",
                                       "priority": 1, "snapshot": snap.pk,
                                       "indicator": "police/narkotika/narkotikabrott", "description": "Ökning",
                                       "place_text": "Hjällbo torg", "time_pattern": "kvällar"})
        self.assertEqual(r.status_code, 302, r.context and r.context["form"].errors)
        self.assertEqual(snap.problems.get().indicator, "police/narkotika/narkotikabrott")

    def test_basomrade_goes_to_the_cycle_above(self):
        from trygg.areas.models import Area, Level

        bas = Area.objects.create(code="61201", name="Hjällbo bas", level=Level.BASOMRADE, parent=self.hjallbo,
                                  path=self.hjallbo.path + "61201/")
        self.login("alice")
        page = _links(self.client.get("/lagesbild/61201/" + Q).content.decode(), "raise-problem")[0]
        self.assertTrue(page.startswith("/arbete/612/problem/ny/"))
        self.assertEqual(parse_qs(urlparse(page).query)["area"], ["612"])
        self.assertEqual(bas.level, Level.BASOMRADE)

    def test_it_checks_access(self):
        snap = self._snapshot(self.nordost)
        self.login("lena")  # reader: sees the picture and the snapshot, may not raise problems
        html = self.client.get("/lagesbild/1/" + Q).content.decode()
        self.assertNotIn('data-testid="raise-problem"', html)
        self.assertNotIn('data-testid="raise-problem-row"', html)
        self.assertNotIn("raise-problem", self.client.get(snap.get_absolute_url()).content.decode())
        self.login("rami")  # reporter: no picture at all
        self.assertEqual(self.client.get("/lagesbild/1/" + Q).status_code, 403)
        for who in ("dina", "pelle", "ulla"):  # partners and the development lead may
            self.login(who)
            self.assertIn('data-testid="raise-problem"', self.client.get("/lagesbild/1/" + Q).content.decode(), who)
        self.login("carl")  # Centrum coordinator: link on his own area only
        self.assertIn('data-testid="raise-problem"', self.client.get("/lagesbild/2/" + Q).content.decode())
        self.assertEqual(self.client.get("/lagesbild/1/" + Q).status_code, 403)
        self.assertEqual(self.client.get("/arbete/1/problem/ny/?area=1").status_code, 403)

    def test_it_rejects_bad_input(self):
        self.login("alice")
        # an area outside the cycle and an unknown snapshot are not prefilled
        r = self.client.get("/arbete/1/problem/ny/?area=2&snapshot=999999&indicator=police/x")
        self.assertEqual(r.status_code, 200)
        self.assertNotEqual(r.context["form"].initial.get("area"), self.centrum.pk)
        html = r.content.decode()
        self.assertNotIn('value="999999" selected', html)
        self.assertIn('value="police/x"', html)
