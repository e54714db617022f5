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


class TranslationCoverageTestCase(BaseTestCase):
    def test_every_string_is_translated(self):
        """Every gettext string in the code and the templates has a Swedish translation: an
        English fallback never reaches the Swedish UI."""
        from trygg.web.i18n_check import untranslated

        missing = untranslated("sv")
        self.assertEqual(missing, [], "untranslated: " + "; ".join(f"{m.where}: {m.msgid!r}" for m in missing[:30]))

    def test_the_check_can_fail(self):
        from trygg.web.i18n_check import _parse_pot

        rows = _parse_pot('#: x.py:1\nmsgctxt "c"\nmsgid "Hello "\n"world"\nmsgstr ""\n\n#: y.py:2\nmsgid "May"\nmsgstr ""\n')
        self.assertEqual(rows, [("c", "Hello world", "x.py:1"), ("", "May", "y.py:2")])

    def test_may_is_a_month_not_permissions(self):
        import datetime as dt

        from django.utils import formats, translation

        with translation.override("sv"):
            self.assertEqual(formats.date_format(dt.date(2026, 5, 16), "j F Y"), "16 maj 2026")
            self.assertEqual(translation.pgettext("column: what the role may do", "May"), "Behörigheter")
