"""The conference theme the situation picture highlights: the latest theme both partners of the
area's municipality approved."""

from django.test import override_settings
from django.utils import timezone

from trygg.reports.approval import approve
from trygg.reports.conference_theme import current_conference_theme
from trygg.reports.models import Conference
from trygg.testing.personas import BaseTestCase

Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


class ConferenceThemeTestCase(BaseTestCase):
    def test_falls_back_to_the_setting(self):
        self.assertEqual(current_conference_theme(self.nordost), "organiserad-brottslighet")
        self.assertEqual(current_conference_theme(), "organiserad-brottslighet")  # no area: no municipality's
        with override_settings(TRYGG_CONFERENCE_THEME="trafik"):
            self.assertEqual(current_conference_theme(self.nordost), "trafik")

    def test_only_an_approved_theme_counts(self):
        now = timezone.now()
        g = self.goteborg
        Conference.objects.create(municipality=g, year=2024, theme="narkotika", city_approved_at=now,
                                  police_approved_at=now)
        half = Conference.objects.create(municipality=g, year=2025, theme="vald", city_approved_at=now)  # no police yet
        Conference.objects.create(municipality=g, year=2026, theme="egendom")  # proposed only
        self.assertEqual(current_conference_theme(self.hjallbo), "narkotika")
        approve(self.pelle, half, "police", g, anywhere_below=True)
        self.assertEqual(current_conference_theme(self.hjallbo), "vald")
        self.assertEqual(current_conference_theme(g), "vald")

    def test_the_picture_highlights_it(self):
        now = timezone.now()
        Conference.objects.create(municipality=self.goteborg, year=2025, theme="vald", city_approved_at=now,
                                  police_approved_at=now)
        self.login("alice")
        r = self.client.get("/lagesbild/1/" + Q)
        self.assertEqual(r.context["conference_theme"], "vald")
        self.assertEqual(r.context["themes"][0][0], "vald")  # listed first, with the star
        self.assertContains(r, 'class="chip conference" data-theme="vald">★')
        self.assertNotContains(r, 'data-theme="organiserad-brottslighet">★')
