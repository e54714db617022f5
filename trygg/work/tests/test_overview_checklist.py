import datetime as dt

from trygg.testing.personas import BaseTestCase
from trygg.work.checklist import checklist
from trygg.work.models import Meeting

from .world import make_cycle


class OverviewTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)

    def test_it_works(self):
        done = {c.key: c.done for c in checklist(self.nordost, today=dt.date(2025, 3, 1))}
        self.assertTrue(done["problems_prioritised"])
        self.assertTrue(done["causes_analysed"])
        self.assertTrue(done["goals_set"])
        self.assertTrue(done["actions_aimed"])
        self.assertFalse(done["agreement_signed"])
        self.assertFalse(done["promises_published"])
        self.assertFalse(done["followup_planned"])
        Meeting.objects.create(area=self.nordost, date=dt.date(2025, 4, 1), kind="tertial")
        done = {c.key: c.done for c in checklist(self.nordost, today=dt.date(2025, 3, 1))}
        self.assertTrue(done["followup_planned"])
        centrum = {c.key: c.done for c in checklist(self.centrum, today=dt.date(2025, 3, 1))}
        self.assertFalse(centrum["problems_prioritised"])
        self.login("dina")
        r = self.client.get("/arbete/")
        self.assertContains(r, 'data-area="1"')
        self.assertContains(r, 'data-area="2"')
        self.assertContains(self.client.get("/arbete/1/"), "Narkotikahandel vid torget")

    def test_it_checks_access(self):
        self.login("rami")
        self.assertEqual(self.client.get("/arbete/").status_code, 403)
        self.login("carl")
        self.assertEqual(self.client.get("/arbete/1/").status_code, 403)

    def test_meeting_pack(self):
        Meeting.objects.create(area=self.nordost, date=dt.date(2025, 2, 20))
        mt = Meeting.objects.create(area=self.nordost, date=dt.date(2025, 3, 5))
        self.login("bob")
        r = self.client.get(f"/arbete/1/moten/{mt.pk}/")
        self.assertContains(r, "2025-02-21")  # since the previous meeting
        self.assertContains(r, "Insatser vid torget")  # late: ended 2025-02-28, still ongoing
        self.assertContains(r, "@media print")
