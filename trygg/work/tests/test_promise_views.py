import datetime as dt

from trygg.testing.personas import BaseTestCase
from trygg.work.models import ProgressReport, Signature
from trygg.work.public import public_promises

from .world import make_cycle


class PromiseViewsTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)

    def test_it_works(self):
        # bob (police) reports progress on the police line
        self.login("bob")
        r = self.client.post(f"/arbete/1/rad/{self.line.pk}/framsteg/", {"date": "2025-03-01", "mode": "add",
                                                                              "value": "12"})
        self.assertEqual(r.status_code, 302)
        self.assertContains(self.client.get(f"/arbete/1/loften/{self.promise.pk}/"), 'data-testid="achieved">12<')
        # each side signs for itself, then the promise can be published
        self.login("dina")
        self.client.post(f"/arbete/1/signera/promise/{self.promise.pk}/")
        self.assertEqual(self.client.post(f"/arbete/1/loften/{self.promise.pk}/publicera/").status_code, 302)
        self.promise.refresh_from_db()
        self.assertIsNone(self.promise.published_at)  # only one side signed
        self.login("pelle")
        self.client.post(f"/arbete/1/signera/promise/{self.promise.pk}/")
        self.client.post(f"/arbete/1/loften/{self.promise.pk}/publicera/")
        self.promise.refresh_from_db()
        self.assertIsNotNone(self.promise.published_at)
        sides = dict(Signature.objects.values_list("side", "user__username"))
        self.assertEqual(sides, {"city": "dina", "police": "pelle"})
        # the public page shows the promise with status, no personal names
        shown = public_promises(self.hjallbo, today=dt.date(2025, 3, 1))
        self.assertEqual(shown[0]["lines"][0].achieved, 12)
        self.client.logout()
        r = self.client.get("/lagesbild/offentlig/1/")
        self.assertContains(r, "50 insatser")
        self.assertNotContains(r, "Pelle")

    def test_it_checks_access(self):
        self.login("alice")  # city side: not the police line
        r = self.client.post(f"/arbete/1/rad/{self.line.pk}/framsteg/", {"date": "2025-03-01", "mode": "add",
                                                                              "value": "1"})
        self.assertEqual(r.status_code, 403)
        for name in ("alice", "bob", "carl", "lena", "rami"):  # only directors/police chiefs sign
            self.login(name)
            self.assertEqual(self.client.post(f"/arbete/1/signera/promise/{self.promise.pk}/").status_code, 403)
        self.assertEqual(ProgressReport.objects.count(), 0)
        self.assertEqual(Signature.objects.count(), 0)

    def test_it_rejects_bad_input(self):
        self.login("bob")
        r = self.client.post(f"/arbete/1/rad/{self.line.pk}/framsteg/", {"date": "", "mode": "add", "value": "-3",
                                                                              "note": "bra"})
        self.assertContains(r, 'data-field="value"')
        self.assertContains(r, 'data-field="date"')
        self.assertContains(r, "bra")
        r = self.client.post("/arbete/1/loften/ny/", {"title": "L", "text": "t", "start": "2025-09-30",
                                                      "end": "2025-02-01"})
        self.assertContains(r, 'data-field="end"')


class ProgressWordingTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)

    def test_progress_form_asks_added_or_new_total_and_the_page_shows_both(self):
        ProgressReport.objects.create(line=self.line, date=dt.date(2025, 2, 1), value=27)
        self.login("bob")
        r = self.client.get(f"/arbete/1/rad/{self.line.pk}/framsteg/")
        self.assertContains(r, 'value="add"')
        self.assertContains(r, 'value="total"')
        self.assertContains(r, "Reported so far: 27 insatser")
        url = f"/arbete/1/rad/{self.line.pk}/framsteg/"
        r = self.client.post(url, {"date": "2025-03-01", "mode": "add", "value": "4"}, follow=True)
        self.assertNotContains(r, "ProgressReport object")
        self.assertContains(r, "50 insatser: +4")
        self.assertContains(r, 'data-testid="achieved">31<')
        self.assertContains(r, 'data-testid="last-added">+4 (2025-03-01)<')
        # the new total 40: the report adds 9
        r = self.client.post(url, {"date": "2025-04-01", "mode": "total", "value": "40"}, follow=True)
        self.assertEqual(list(ProgressReport.objects.values_list("value", flat=True)), [27, 4, 9])
        self.assertContains(r, 'data-testid="achieved">40<')
        self.assertContains(r, 'data-testid="last-added">+9 (2025-04-01)<')

    def test_progress_rejects_a_total_below_what_was_reported(self):
        ProgressReport.objects.create(line=self.line, date=dt.date(2025, 2, 1), value=27)
        self.login("bob")
        url = f"/arbete/1/rad/{self.line.pk}/framsteg/"
        r = self.client.post(url, {"date": "2025-03-01", "mode": "total", "value": "20"})
        self.assertContains(r, "below the 27 reported so far")
        r = self.client.post(url, {"date": "2025-03-01", "value": "4"})  # no choice made: not guessed
        self.assertContains(r, 'data-field="mode"')
        self.assertEqual(ProgressReport.objects.count(), 1)
