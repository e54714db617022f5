"""The follow-up part of the report is read from real trygg.work objects with the work app's own
follow-up code."""

import datetime as dt

from django.template.loader import render_to_string
from django.utils import translation

from trygg.numbers.followup import goal_status
from trygg.reports.annual.work import work_section
from trygg.reports.synthetic import seed_incidents
from trygg.testing.personas import BaseTestCase
from trygg.work.models import Action, Cause, Goal, Problem, ProgressReport, Promise, PromiseLine


class WorkSectionTestCase(BaseTestCase):
    def setUp(self):
        problem = Problem.objects.create(area=self.hjallbo, title="Öppen narkotikahandel", theme="narkotika",
                                         prioritised=True)
        cause = Cause.objects.create(problem=problem, corner="place", description="Skymd plats", evidence="EST")
        seed_incidents([self.hjallbo], (2024, 2025), per_area_year=60)
        self.goal = Goal.objects.create(problem=problem, title="Färre narkotikabrott", area=self.hjallbo,
                            baseline_start=dt.date(2024, 1, 1), baseline_end=dt.date(2024, 6, 30),
                            target_date=dt.date(2025, 12, 31), target_change_pct=-20)
        common = {"area": self.hjallbo, "owner_organisation": self.so_nordost, "owner": self.alice,
                  "start": dt.date(2025, 2, 1)}
        Action.objects.create(title="Belysning vid torget", status="done", cause=cause, **common)
        Action.objects.create(title="Trygghetsvandringar", status="ongoing", **common)
        promise = Promise.objects.create(area=self.nordost, title="Medborgarlöfte Nordost", text="Vi lovar",
                                         start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
        line = PromiseLine.objects.create(promise=promise, text="Riktade insatser mot narkotika",
                                          owner_organisation=self.lpo_nordost_org, target=50, unit="insatser")
        ProgressReport.objects.create(line=line, date=dt.date(2025, 11, 1), value=52)

    def test_it_works(self):
        with translation.override("en"):
            work = work_section(self.nordost, 2025)
        titles = [b["title"] for b in work["blocks"]]
        status = goal_status(self.goal, today=dt.date(2025, 12, 31))  # the work app's own verdict
        self.assertGreater(status.baseline, 0)
        self.assertIn(f"baseline {status.baseline} → now {status.current}", work["blocks"][0]["items"][0])
        self.assertEqual(titles[:3], [f"Goals: {int(bool(status.reached))} of 1 reached", "Actions: 1 of 2 done", "Citizen-promise lines: 1 of 1 met"])
        self.assertTrue(titles[3].startswith("Brå checklist:"))
        self.assertEqual(len(work["blocks"][3]["items"]), 9)
        html = render_to_string("reports/_work.html", {"work": work})
        self.assertIn("Belysning vid torget", html)
        self.assertIn("52 / 50 insatser", html)
        self.assertNotIn("not available yet", html)

    def test_theme_keeps_only_actions_aimed_at_it(self):
        with translation.override("en"):
            work = work_section(self.goteborg, 2025, theme="narkotika")
        self.assertEqual(work["counts"], {"actions": 1, "done": 1})
        self.assertEqual(work_section(self.centrum, 2025, theme="narkotika")["counts"]["actions"], 0)
