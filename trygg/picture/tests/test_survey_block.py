"""Residents' survey results next to the incident data on the partners' and the public picture."""

from trygg.surveys.models import SurveyResult
from trygg.testing.personas import BaseTestCase

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


class SurveyBlockTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for year, value in ((2023, 31.0), (2025, 42.5)):
            SurveyResult.objects.create(area=cls.nordost, year=year, indicator="unsafe_night", respondents=800,
                                        value=value, ci_low=value - 3, ci_high=value + 3, source="Test")

    def test_it_works(self):
        self.login("alice")
        r = self.client.get("/lagesbild/1/" + Q)
        self.assertContains(r, 'data-testid="survey-results"')
        self.assertContains(r, "42.5")
        self.assertContains(r, "/undersokningar/")  # partners get the link to every survey year

    def test_public_page(self):
        r = self.client.get("/lagesbild/offentlig/1/")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'data-testid="survey-results"')
        self.assertContains(r, "42.5")
        self.assertNotContains(r, "/undersokningar/")  # no link residents could not open

    def test_it_checks_access(self):
        self.login("carl")  # Centrum: Nordost's picture (with its survey) is not his
        self.assertEqual(self.client.get("/lagesbild/1/" + Q).status_code, 403)
        r = self.client.get("/lagesbild/2/" + Q)
        self.assertContains(r, 'data-testid="survey-results"')
        self.assertNotContains(r, "42.5")
