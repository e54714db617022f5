from trygg.testing.personas import BaseTestCase


class AreaPageTestCase(BaseTestCase):
    def test_it_works(self):
        self.login("alice")
        r = self.client.get("/omraden/1/")
        self.assertContains(r, "Nordost")
        self.assertContains(r, "LPO Nordost")
        self.assertContains(r, 'data-testid="picture-link"')

    def test_it_links_the_picture_only_where_the_user_may_open_it(self):
        self.login("carl")  # Centrum's coordinator may see Nordost's area page, not its picture
        r = self.client.get("/omraden/1/")
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, 'data-testid="picture-link"')
        r = self.client.get("/omraden/2/")
        self.assertContains(r, 'data-testid="picture-link"')

    def test_it_checks_access(self):
        self.assertEqual(self.client.get("/omraden/1/").status_code, 302)
        self.login("rami")
        self.assertEqual(self.client.get("/omraden/1/").status_code, 403)

    def test_the_map_data_has_the_area_and_its_children(self):
        self.login("lena")
        fc = self.client.get("/omraden/1/karta.geojson").json()
        roles = sorted(f["properties"]["role"] for f in fc["features"])
        self.assertEqual(roles, ["area", "child"])  # Nordost and Hjällbo-Eriksbo in the test world
