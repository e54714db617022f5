import datetime as dt

from trygg.numbers.followup import action_effect, goal_status
from trygg.picture.tests.world import make
from trygg.testing.personas import BaseTestCase
from trygg.work.models import Action

from .world import make_cycle


def post_data(t, **kw):
    d = {"title": "Belysning i tunneln", "area": t.hjallbo.pk, "cause": t.cause.pk, "owner_organisation": t.so_nordost.pk,
         "owner": t.alice.pk, "start": "2025-03-01", "end": "2025-06-30", "status": "planned"}
    d.update(kw)
    return d


class ActionViewsTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)

    def test_it_works(self):
        self.login("alice")
        r = self.client.post("/arbete/1/atgard/ny/", post_data(self))
        a = Action.objects.get(title="Belysning i tunneln")
        self.assertRedirects(r, f"/arbete/1/atgard/{a.pk}/")
        self.assertContains(self.client.get(f"/arbete/1/atgard/{a.pk}/"), "Belysning i tunneln")

    def test_it_checks_access(self):
        # alice (city) may not edit the police action, nor own a new action on the police side
        self.login("alice")
        self.assertEqual(self.client.get(f"/arbete/1/atgard/{self.action.pk}/andra/").status_code, 403)
        r = self.client.post("/arbete/1/atgard/ny/", post_data(self, owner_organisation=self.lpo_nordost_org.pk))
        self.assertContains(r, 'data-field="owner_organisation"')
        self.login("bob")
        self.assertEqual(self.client.get(f"/arbete/1/atgard/{self.action.pk}/andra/").status_code, 200)
        for name in ("carl", "rami", "lena"):
            self.login(name)
            self.assertEqual(self.client.post(f"/arbete/1/atgard/{self.action.pk}/andra/", {}).status_code, 403)

    def test_it_rejects_bad_input(self):
        self.login("alice")
        r = self.client.post("/arbete/1/atgard/ny/", post_data(self, owner_organisation="", start="2025-06-30",
                                                                end="2025-03-01"))
        self.assertContains(r, 'data-field="owner_organisation"')
        self.assertContains(r, 'data-field="end"')
        self.assertContains(r, "Belysning i tunneln")
        self.assertFalse(Action.objects.filter(title="Belysning i tunneln").exists())


class FollowupTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)
        # Hjällbo: 10 narcotics events in January (baseline), 4 in Feb (action period), 2 in March
        make(self.hjallbo, dt.date(2025, 1, 10), n=10)
        make(self.hjallbo, dt.date(2025, 2, 10), n=4)
        make(self.hjallbo, dt.date(2025, 3, 2), n=2)
        # rest of Hjällbo-Eriksbo (buffer) and rest of Nordost (control)
        make(self.hjallbo_mo, dt.date(2025, 1, 12), n=5)
        make(self.hjallbo_mo, dt.date(2025, 2, 12), n=5)
        make(self.nordost, dt.date(2025, 1, 15), n=20)
        make(self.nordost, dt.date(2025, 2, 15), n=20)

    def test_goal_status_from_the_data(self):
        st = goal_status(self.goal, today=dt.date(2025, 3, 31))
        self.assertEqual(st.baseline, 10)
        self.assertAlmostEqual(st.target, 8.0)
        # a 31-day window ending at the latest data (2025-03-02)
        self.assertEqual((st.current_start, st.current_end), (dt.date(2025, 2, 1), dt.date(2025, 3, 2)))
        self.assertEqual(st.current, 6)
        self.assertTrue(st.reached)

    def test_action_effect_uses_buffer_and_control(self):
        eff = action_effect(self.action, today=dt.date(2025, 3, 31))
        self.assertTrue(eff.available)
        self.assertEqual(eff.before, (dt.date(2025, 1, 4), dt.date(2025, 1, 31)))
        self.assertEqual(eff.counts, {"action": [10, 4], "buffer": [5, 5], "control": [20, 20]})
        self.assertAlmostEqual(eff.rr, 0.4)
        self.assertLess(eff.rr_low, eff.rr)
        self.assertLess(eff.rr, eff.rr_high)
        # the action area fell against the control, the buffer did not move: success, no displacement
        self.assertEqual(eff.wdq.interpretation, "no_change")
        self.login("dina")
        r = self.client.get("/arbete/1/uppfoljning/")
        self.assertContains(r, 'data-testid="did"')
        self.assertContains(r, 'data-rr="0.40"')
