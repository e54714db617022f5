"""A problem raised from a Brå row of the situation picture keeps that indicator: its page names it,
says where it came from, and a goal can be set on the same Brå crime type."""

import datetime as dt

from trygg.incidents.models import CrimeStatistic
from trygg.numbers.followup import goal_status
from trygg.testing.personas import BaseTestCase
from trygg.work import indicators
from trygg.work.models import Goal, Problem

CODE = "bra/egendom/stold_ur_fordon"


class BraGoalTestCase(BaseTestCase):
    def setUp(self):
        for year, n in ((2022, 100), (2023, 120), (2024, 60)):
            CrimeStatistic.objects.create(area=self.nordost, year=year, crime_type="stold_ur_fordon",
                                          theme="egendom", count=n)
            CrimeStatistic.objects.create(area=self.nordost, year=year, crime_type="alla_brott", count=10 * n)
        self.problem = Problem.objects.create(area=self.nordost, title="Bilinbrott", theme="egendom",
                                              indicator=CODE, raised_by=self.alice)

    def goal_data(self, **kw):
        return {"title": "Färre stölder ur fordon", "area": self.nordost.pk, "sources": "bra", "theme": "egendom",
                "category": "", "crime_type": "stold_ur_fordon", "baseline_start": "2023-01-01",
                "baseline_end": "2023-12-31", "target_date": "2025-12-31", "target_change_pct": "-20", **kw}

    def test_it_works(self):
        self.login("alice")
        r = self.client.get(f"/arbete/1/problem/{self.problem.pk}/")
        self.assertContains(r, "Theft from vehicles · Reported crimes (Brå)")
        self.assertNotContains(r, CODE)
        self.assertContains(r, 'href="/lagesbild/1/"')  # where it came from: the live picture of Nordost
        r = self.client.get(f"/arbete/1/problem/{self.problem.pk}/mal/ny/")
        self.assertContains(r, '<option value="bra" selected>')
        self.assertContains(r, '<option value="stold_ur_fordon" selected>')
        r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/mal/ny/", self.goal_data())
        self.assertEqual(r.status_code, 302)
        goal = Goal.objects.get(problem=self.problem)
        self.assertEqual((goal.sources, goal.category), ("bra", "stold_ur_fordon"))
        r = self.client.get(f"/arbete/1/problem/{self.problem.pk}/")
        self.assertContains(r, '<td class="num" data-testid="baseline">120</td>')
        r = self.client.get(f"/arbete/1/mal/{goal.pk}/andra/")
        self.assertContains(r, '<option value="stold_ur_fordon" selected>')

    def test_the_raise_form_names_the_indicator_and_keeps_the_code(self):
        self.login("alice")
        url = f"/arbete/1/problem/ny/?indicator={CODE}&theme=egendom&area=1"
        r = self.client.get(url)
        self.assertContains(r, f'<option value="{CODE}" selected>Theft from vehicles · Reported crimes (Brå)</option>')
        r = self.client.post("/arbete/1/problem/ny/", {"title": "Bilstölder", "area": self.nordost.pk,
                                                      "theme": "egendom", "priority": 2, "indicator": CODE})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Problem.objects.get(title="Bilstölder").indicator, CODE)
        r = self.client.get("/arbete/1/problem/ny/?indicator=Narkotika, alla källor")
        self.assertContains(r, 'value="Narkotika, alla källor"')  # free text stays a text field

    def test_it_checks_access(self):
        for name in ("carl", "rami", "lena"):
            self.login(name)
            r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/mal/ny/", self.goal_data())
            self.assertEqual(r.status_code, 403, name)
        self.assertFalse(Goal.objects.exists())

    def test_it_rejects_bad_input(self):
        self.login("alice")
        r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/mal/ny/", self.goal_data(sources="police"))
        self.assertContains(r, 'data-field="crime_type"')
        r = self.client.post(f"/arbete/1/problem/{self.problem.pk}/mal/ny/",
                             self.goal_data(crime_type="", category="narkotikabrott"))
        self.assertContains(r, 'data-field="category"')
        self.assertFalse(Goal.objects.exists())

    def test_status_counts_whole_brå_years(self):
        goal = Goal.objects.create(problem=self.problem, title="x", area=self.nordost, sources="bra",
                                   theme="egendom", category="stold_ur_fordon", baseline_start=dt.date(2023, 1, 1),
                                   baseline_end=dt.date(2023, 12, 31), target_date=dt.date(2025, 12, 31),
                                   target_change_pct=-20)
        st = goal_status(goal, today=dt.date(2025, 6, 1))
        self.assertEqual((st.baseline, st.current), (120, 60))
        self.assertEqual((st.current_start, st.current_end), (dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
        self.assertTrue(st.reached)
        self.assertIsNone(goal_status(goal, today=dt.date(2024, 6, 1)).current)  # 2024 not over yet
        goal.category, goal.theme = "", ""
        self.assertEqual(goal_status(goal, today=dt.date(2025, 6, 1)).baseline, 1200)  # all reported crimes
        goal.baseline_start, goal.baseline_end = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
        st = goal_status(goal, today=dt.date(2025, 6, 1))
        self.assertFalse(st.has_baseline)
        self.assertIsNone(st.current)

    def test_indicator_codes(self):
        self.assertEqual(indicators.parse(CODE), indicators.Indicator("bra", "egendom", "stold_ur_fordon"))
        self.assertEqual(indicators.parse("police/narkotika").goal_initial(), {"sources": "police", "theme": "narkotika"})
        self.assertEqual(indicators.parse("bra/alla_brott").goal_initial()["crime_type"], "alla_brott")
        self.assertIsNone(indicators.parse("Narkotika, alla källor"))
        self.assertEqual(indicators.label("Narkotika, alla källor"), "Narkotika, alla källor")
