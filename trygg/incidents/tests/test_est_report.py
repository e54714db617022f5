import datetime as dt

from django.urls import reverse
from django.utils import timezone

from trygg.incidents.models import Incident
from trygg.testing.personas import BaseTestCase

URL = reverse("incidents:est_report")
PLACE = reverse("incidents:est_place")


def _when(**delta):
    return (timezone.localtime() - dt.timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")


class EstReportTestCase(BaseTestCase):
    def post(self, **overrides):
        data = {"occurred_at": _when(days=2), "category": "klotter", "lon": "11.965", "lat": "57.7655",
                "area": "", "place": "Hjällbo torg", "description": "Klotter på väggen"}
        data.update(overrides)
        return self.client.post(URL, data)

    def test_it_works(self):
        self.login("rami")
        r = self.client.get(URL)
        self.assertContains(r, 'data-testid="est-map"')
        self.assertContains(r, 'data-testid="use-position"')
        self.assertContains(r, 'id="map-i18n"')
        self.assertNotContains(r, "error-summary")
        r = self.post()
        self.assertRedirects(r, URL)
        inc = Incident.objects.get()
        self.assertEqual((inc.source, inc.area, inc.placement, inc.organisation, inc.created_by),
                         ("est", self.hjallbo, "point", self.housing, self.rami))
        self.assertEqual(inc.theme, "ordning")
        self.assertContains(self.client.get(URL), "Hjällbo torg")  # own recent reports

    def test_area_instead_of_point(self):
        self.login("rami")
        self.post(lon="", lat="", area="612")
        self.assertEqual(Incident.objects.get().placement, "area")

    def test_it_checks_access(self):
        for name in ("lena", "nils", "ulla"):
            self.login(name)
            self.assertEqual(self.client.get(URL).status_code, 403, name)
            self.assertEqual(self.client.get(PLACE + "?lon=11.965&lat=57.7655").status_code, 403, name)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)
        self.assertEqual(self.client.get(PLACE + "?lon=11.965&lat=57.7655").status_code, 302)
        self.login("rami")  # scoped to Nordost: a point in Centrum is refused
        r = self.post(lon="11.9625", lat="57.7025")
        self.assertContains(r, "Inom Vallgraven")
        self.assertEqual(Incident.objects.count(), 0)
        self.assertEqual(self.client.get(PLACE + "?lon=11.9625&lat=57.7025").json()["allowed"], False)

    def test_it_rejects_bad_input(self):
        self.login("rami")
        r = self.post(description="Ring mannen på 070-123 45 67 om det")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "070-123 45 67")  # keeps what the user typed
        self.assertContains(r, 'data-testid="description-error"')
        self.assertContains(r, 'data-testid="error-summary"')
        self.assertContains(r, 'href="#id_description"')
        self.assertContains(r, 'aria-invalid="true"')
        self.assertContains(r, 'value="11.965"')  # the chosen point is kept
        self.assertContains(r, 'value="klotter" id="id_category_0" required checked')
        r = self.post(lon="18.0", lat="59.3")  # outside the municipality
        self.assertContains(r, "outside")
        r = self.post(lon="", lat="", area="")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'href="#where"')
        self.assertEqual(Incident.objects.count(), 0)

    def test_dates_in_the_future_or_long_ago_are_refused(self):
        self.login("rami")
        for when, needle in ((_when(days=-2), "in the future"), (_when(days=400), "more than a year ago"),
                             ("1901-01-01T12:00", "more than a year ago"), ("2127-01-01T12:00", "in the future")):
            r = self.post(occurred_at=when)
            self.assertContains(r, needle)
            self.assertContains(r, 'href="#id_occurred_at"')
            self.assertContains(r, f'value="{when}"')  # what the user typed stays
        self.assertEqual(Incident.objects.count(), 0)
        self.assertRedirects(self.post(occurred_at=_when(minutes=1)), URL)
        page = self.client.get(URL).content.decode()
        self.assertIn(f'max="{timezone.localtime():%Y-%m-%d}', page)

    def test_place_lookup_names_the_area(self):
        self.login("rami")
        d = self.client.get(PLACE + "?lon=11.965&lat=57.7655").json()
        self.assertEqual((d["found"], d["allowed"], d["code"]), (True, True, self.hjallbo.code))
        self.assertIn("Nordost", d["label"])
        self.assertEqual(self.client.get(PLACE + "?lon=18.0&lat=59.3").json(), {"found": False, "allowed": False})
        for q in ("", "?lon=x&lat=1", "?lon=500&lat=57"):
            self.assertEqual(self.client.get(PLACE + q).status_code, 400, q)
