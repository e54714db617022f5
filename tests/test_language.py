from django.test import override_settings

from trygg.testing.personas import BaseTestCase


@override_settings(LANGUAGE_CODE="sv")
class LanguageTestCase(BaseTestCase):
    def test_swedish_is_the_default(self):
        r = self.client.get("/konto/logga-in/")
        self.assertContains(r, 'lang="sv"')
        self.assertContains(r, "Logga in")

    def test_english_on_request(self):
        r = self.client.get("/konto/logga-in/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(r, 'lang="en"')
        self.assertContains(r, "Log in")

    def test_the_settings_default_is_swedish_and_stockholm(self):
        from trygg import settings as project

        self.assertEqual(project.LANGUAGE_CODE, "sv")
        self.assertEqual(project.TIME_ZONE, "Europe/Stockholm")
