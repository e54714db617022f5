from django.urls import reverse

from trygg.incidents.models import Incident
from trygg.testing.personas import BaseTestCase

URL = reverse("incidents:est_report")


class EstReportTestCase(BaseTestCase):
    def post(self, **overrides):
        data = {"occurred_at": "2025-03-07T21:30", "category": "klotter", "lon": "11.965", "lat": "57.7655",
                "area": "", "place": "Hjällbo torg", "description": "Klotter på väggen"}
        data.update(overrides)
        return self.client.post(URL, data)

    def test_it_works(self):
        self.login("rami")
        r = self.client.get(URL)
        self.assertContains(r, 'data-testid="est-map"')
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
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)
        self.login("rami")  # scoped to Nordost: a point in Centrum is refused
        r = self.post(lon="11.9625", lat="57.7025")
        self.assertContains(r, "Inom Vallgraven")
        self.assertEqual(Incident.objects.count(), 0)

    def test_it_rejects_bad_input(self):
        self.login("rami")
        r = self.post(description="Ring mannen på 070-123 45 67 om det")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "070-123 45 67")  # keeps what the user typed
        self.assertContains(r, 'data-testid="description-error"')
        r = self.post(lon="18.0", lat="59.3")  # outside the municipality
        self.assertContains(r, "outside")
        r = self.post(lon="", lat="", area="")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(Incident.objects.count(), 0)
