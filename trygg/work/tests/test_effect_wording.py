"""Effect statements never claim more than the numbers: "worked", "more", "fewer" only when the
test says so; otherwise "no change that can be told from chance" with the CI – in Swedish by
default, English when chosen; one wording function (``trygg.numbers.wording``) everywhere."""

import datetime as dt

from django.test import SimpleTestCase
from django.utils import translation

from trygg.analysis import evaluation
from trygg.numbers import wording
from trygg.numbers.followup import action_effect
from trygg.picture.tests.world import make
from trygg.testing.personas import BaseTestCase
from trygg.work.models import Meeting

from .world import make_cycle


class WordingTestCase(SimpleTestCase):
    def test_the_issues_example_is_no_change_in_both_languages(self):
        # rate ratio 0.26 (95 % CI 0.04–1.70, p = 0.16): the follow-up used to say "The action worked"
        with translation.override("sv"):
            s = wording.describe(0.26, 0.04, 1.70, 0.16, kind="effect")
            self.assertEqual(s.verdict, "none")
            self.assertEqual(s.text, "Ingen förändring som kan skiljas från slumpen (kvot 0,26, 95 % KI 0,04–1,70, "
                                     "p = 0,160): siffrorna visar inte om åtgärden gav effekt.")
        with translation.override("en"):
            s = wording.describe(0.26, 0.04, 1.70, 0.16, kind="effect")
            self.assertEqual(s.text, "No change that can be told from chance (rate ratio 0.26, 95 % CI 0.04–1.70, "
                                     "p = 0.160): the figures do not show whether the action worked.")
            self.assertNotIn("The action worked", s.text)

    def test_worked_more_and_fewer_only_when_significant(self):
        with translation.override("en"):
            self.assertTrue(wording.describe(0.4, 0.25, 0.64, 0.0002, kind="effect").text.startswith("The action worked"))
            self.assertIn("no sign that the action worked", wording.describe(2.1, 1.3, 3.4, 0.003, kind="effect").text)
            self.assertTrue(wording.describe(1.4, 1.1, 1.8, 0.01, significant=True).text.startswith("More than"))
            self.assertTrue(wording.describe(0.7, 0.6, 0.9, 0.01, significant=True).text.startswith("Fewer than"))
            # p < 0.05 on its own is not enough where the caller's FDR flag says no
            self.assertTrue(wording.describe(0.7, 0.6, 0.9, 0.04, significant=False).text.startswith("No change"))
            self.assertEqual(wording.describe(None, None, None, None).verdict, "untested")
            self.assertIn("towards the goal", wording.describe(0.5, 0.3, 0.8, 0.001, kind="goal", wants_down=True).text)
            self.assertIn("away from the goal", wording.describe(1.5, 1.2, 1.9, 0.001, kind="goal", wants_down=True).text)
        with translation.override("sv"):
            self.assertTrue(wording.describe(0.4, 0.25, 0.64, 0.0002, kind="effect").text.startswith("Åtgärden gav effekt"))
            self.assertIn("p < 0,001", wording.describe(0.4, 0.25, 0.64, 0.0002, kind="effect").text)
            self.assertTrue(wording.describe(0.7, 0.6, 0.9, 0.01, significant=True).text.startswith("Färre än"))

    def test_displacement_is_not_read_without_an_effect(self):
        w = evaluation.wdq(10, 4, 5, 5, 20, 20)  # the WDQ itself says "no displacement"
        with translation.override("en"):
            self.assertIn("not read", wording.displacement(w, effect_significant=False).text)
            self.assertNotIn("worked", wording.displacement(w, effect_significant=True).text)
        # the analysis core's own (English, CLI) description of the quotient claims no effect either
        for counts in [(10, 4, 5, 5, 20, 20), (10, 4, 5, 3, 20, 20), (10, 4, 5, 7, 20, 20), (10, 4, 5, 30, 20, 20),
                       (10, 4, 5, 0, 20, 20), (4, 10, 5, 5, 20, 20)]:
            self.assertNotIn("worked", evaluation.wdq(*counts).text)


class FollowupWordingTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)
        # Hjällbo 10 → 4 while the control stays 20 → 20: a fall the test cannot tell from chance
        make(self.hjallbo, dt.date(2025, 1, 10), n=10)
        make(self.hjallbo, dt.date(2025, 2, 10), n=4)
        make(self.hjallbo_mo, dt.date(2025, 1, 12), n=5)
        make(self.hjallbo_mo, dt.date(2025, 2, 12), n=5)
        make(self.nordost, dt.date(2025, 1, 15), n=20)
        make(self.nordost, dt.date(2025, 2, 15), n=20)
        make(self.goteborg, dt.date(2025, 2, 28), n=1)  # the feed runs to the end of the action period

    def test_the_follow_up_page_does_not_say_worked_without_a_significant_test(self):
        eff = action_effect(self.action, today=dt.date(2025, 3, 31))
        self.assertGreater(eff.rr_p, 0.05)
        self.assertEqual(eff.wdq.interpretation, "no_change")  # the old page read this as "the action worked"
        self.login("dina")
        r = self.client.get("/arbete/1/uppfoljning/", HTTP_ACCEPT_LANGUAGE="sv")
        self.assertContains(r, 'data-verdict="none"')
        self.assertContains(r, "Ingen förändring som kan skiljas från slumpen (kvot 0,40")
        self.assertContains(r, "Förskjutningskvoten tolkas inte")
        self.assertNotContains(r, "worked")
        self.assertNotContains(r, "gav effekt:")
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        r = self.client.get("/arbete/1/uppfoljning/")
        self.assertContains(r, "No change that can be told from chance (rate ratio 0.40")

    def test_a_significant_effect_says_it_worked(self):
        make(self.hjallbo, dt.date(2025, 1, 11), n=90)  # 100 → 4 against 20 → 20
        self.login("dina")
        r = self.client.get("/arbete/1/uppfoljning/", HTTP_ACCEPT_LANGUAGE="sv")
        self.assertContains(r, 'data-verdict="down"')
        self.assertContains(r, "Åtgärden gav effekt: åtgärdsområdet minskade mer än jämförelseområdet")

    def test_the_meeting_pack_words_its_flags_with_the_same_function(self):
        make(self.hjallbo, dt.date(2025, 3, 10), n=300)  # a real rise, far beyond the swings of earlier weeks
        make(self.goteborg, dt.date(2025, 3, 14), n=1)
        mt = Meeting.objects.create(area=self.nordost, kind="weekly", date=dt.date(2025, 3, 15), created_by=self.alice)
        self.login("dina")
        r = self.client.get(f"/arbete/1/moten/{mt.pk}/", HTTP_ACCEPT_LANGUAGE="sv")
        self.assertContains(r, "Fler än väntat utifrån jämförelseperioden och perioderna före den (kvot")
        self.assertContains(r, 'data-testid="currency"')
