"""Minimum group size 5 for every survey breakdown: no mean, share or count of 1–4 respondents on
any view, and none that can be worked out from a total and the other groups; survey changes get
Benjamini–Hochberg over the table."""

import datetime as dt
import re

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse
from scipy import stats

from trygg.accounts.models import Membership, Role
from trygg.analysis import disclosure
from trygg.surveys import smallgroups
from trygg.surveys.collaboration import round_summary, send_round, trend
from trygg.surveys.importing import import_survey
from trygg.surveys.models import CollaborationAnswer
from trygg.surveys.results import HiddenResult, area_series
from trygg.testing.personas import BaseTestCase


def reader_audit(sizes, sums, reasons):
    """What a reader can work out of the respondent counts from what is printed: shown counts are
    exact, "fewer than 5 answers" is 1–4 (or a breakdown of a total under 5), "hidden" is ≥ 5."""
    values, shown, rel = list(sizes), [True] * len(sizes), []
    for total, parts in sums:
        rest = sizes[total] - sum(sizes[i] for i in parts)
        if rest == 0:  # the parts cover the total, and the reader knows it
            rel.append((total, parts))
        elif rest > 0:
            values.append(rest)
            shown.append(False)
            rel.append((total, [*parts, len(values) - 1]))
    t = disclosure.LinkedTables(np.array(values), disclosure.additive(len(values), rel), np.array(shown))
    withheld = disclosure.withheld_breakdowns(t) & t.shown
    hidden = np.zeros(len(values), bool)
    for i, r in enumerate(reasons):
        if r == smallgroups.SMALL and not withheld[i]:
            assert 1 <= sizes[i] <= 4
            hidden[i] = True
        elif r == smallgroups.PROTECT:
            assert sizes[i] >= 5
            hidden[i] = True
        elif r == "":
            assert not withheld[i]
    return disclosure.audit(t, hidden, withheld)


def test_a_table_no_pattern_protects_is_not_published():
    # 7 = 6 + 1 (per area) = 4 + 3 (per role): every pattern leaves a group narrowed below 1–4
    assert smallgroups.protect([7, 6, 1, 4, 3], [(0, [1, 2]), (0, [3, 4])]) == [smallgroups.PROTECT] * 5


def test_the_auditor_catches_one_and_five_with_total_six():
    sums = [(0, [1, 2])]
    naive = ["", smallgroups.SMALL, ""]  # only the group of 1 hidden: 6 − 5 = 1
    a = reader_audit([6, 1, 5], sums, naive)
    assert not a.ok and a.lower[1] == pytest.approx(1) == a.upper[1]
    reasons = smallgroups.protect([6, 1, 5], sums)
    assert reasons[1] == smallgroups.SMALL and reasons.count("") < 2
    assert reader_audit([6, 1, 5], sums, reasons).ok


@pytest.mark.parametrize("seed", range(40))
def test_no_group_under_five_is_shown_or_derivable(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    parts = [int(v) for v in rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 30], size=k)]
    extra = int(rng.choice([0, 0, 2, 10]))  # respondents in none of the groups
    sizes = [sum(parts) + extra, *parts]
    sums = [(0, list(range(1, k + 1)))]
    if rng.random() < 0.5:  # a second breakdown of the same total (per role)
        a = int(rng.integers(0, sizes[0] + 1))
        sizes += [a, sizes[0] - a]
        sums.append((0, [k + 1, k + 2]))
    reasons = smallgroups.protect(sizes, sums)
    if all(r == smallgroups.PROTECT for n, r in zip(sizes, reasons, strict=True) if n):
        assert all(r == "" for n, r in zip(sizes, reasons, strict=True) if not n)  # nothing published
        return
    for n, r in zip(sizes, reasons, strict=True):
        if 1 <= n <= 4:
            assert r == smallgroups.SMALL
    assert reader_audit(sizes, sums, reasons).ok
    for total, grp in sums:  # what a breakdown hides (with those in none of its groups): 0 or ≥ 5
        if reasons[total] == "":
            held = sum(sizes[i] for i in grp if reasons[i])
            assert held == 0 or held + sizes[total] - sum(sizes[i] for i in grp) >= smallgroups.MIN_RESPONDENTS


class CollaborationSmallGroupsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        User = get_user_model()
        for i in range(6):  # six more coordinators in Nordost
            u = User.objects.create_user(f"n{i}", f"n{i}@example.invalid", "x")
            Membership.objects.create(user=u, organisation=cls.so_nordost, role=Role.TRYGGHETSSAMORDNARE, area=cls.nordost)
        u = User.objects.create_user("c1", "c1@example.invalid", "x")
        Membership.objects.create(user=u, organisation=cls.lpo_city_org, role=Role.KOMMUNPOLIS, area=cls.centrum)
        cls.rnd, _n = send_round(2025, dt.date.today() + dt.timedelta(days=10))
        for inv in cls.rnd.invitations.select_related("area"):
            score = 5 if inv.area == cls.nordost else 1  # Centrum's 2 answers: all 1
            CollaborationAnswer.objects.create(invitation=inv, collaboration=score, agreement=score,
                                               shared_picture=score, follow_up=score)
        old, _n = send_round(2024, dt.date(2024, 11, 30))
        for inv in old.invitations.filter(user__username__in=["alice", "bob", "carl"]):
            CollaborationAnswer.objects.create(invitation=inv, collaboration=3, agreement=3, shared_picture=3, follow_up=3)

    def test_it_works(self):
        s = round_summary(self.rnd)
        groups = [s["total"], *s["by_area"], *s["by_role"]]
        by_label = {g.label: g for g in groups}
        self.assertEqual(by_label["Centrum"].hidden, smallgroups.SMALL)  # 2 answers
        self.assertIsNone(by_label["Centrum"].answered)
        self.assertTrue(all(m is None for m in by_label["Centrum"].means.values()))
        # Nordost (8) or the total (10) is hidden too: otherwise 10 − 8 = Centrum's 2
        self.assertTrue(by_label["Nordost"].hidden or s["total"].hidden)
        for g in groups:
            self.assertTrue(g.hidden or g.answered == 0 or g.answered >= 5, g)
        self.assertEqual(s["total"].hidden, dict(trend())[2025].hidden)  # the trend prints the same total

    def test_every_view_hides_the_small_groups(self):
        self.login("ulla")
        for url in (reverse("surveys:round", args=[2025]), reverse("surveys:rounds")):
            html = self.client.get(url).content.decode()
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
                if "Centrum" in row or "Community police" in row or "2024" in row:
                    self.assertIn("fewer than 5 answers", row)  # 2 answers / 2 answers / a round of 3
                    self.assertNotRegex(row.replace("<td>2024</td>", ""), r">\s*\d+(\.\d)?\s*<")
        html = self.client.get(reverse("surveys:round", args=[2025])).content.decode()
        self.assertNotIn("1.0<", html)  # Centrum's mean appears nowhere

    def test_it_checks_access(self):
        self.login("alice")
        self.assertEqual(self.client.get(reverse("surveys:round", args=[2025])).status_code, 403)


RESIDENTS = ("indicator,area_code,year,respondents,value\n"
             "unsafe_night,1480,2024,1000,30\nunsafe_night,1,2024,500,35\nunsafe_night,2,2024,480,25\n"
             "unsafe_night,1480,2025,1000,30\nunsafe_night,1,2025,997,30\nunsafe_night,2,2025,3,67\n"
             "worried_crime,2,2025,400,31\nworried_crime,2,2024,400,24\n"
             "exposed_crime,2,2025,400,15\nexposed_crime,2,2024,400,15.5\n"
             "avoid_places,2,2025,400,20\navoid_places,2,2024,400,19.5\n")


class ResidentSurveySmallGroupsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        import_survey(RESIDENTS, "small.csv")

    def test_it_works(self):
        centrum = {s.indicator.slug: s for s in area_series(self.centrum)}
        latest = centrum["unsafe_night"].latest
        self.assertIsInstance(latest, HiddenResult)  # 3 respondents
        self.assertEqual(latest.reason, smallgroups.SMALL)
        self.assertIsNone(latest.value)
        self.assertIsNone(centrum["unsafe_night"].change)  # no change against a hidden result
        # Göteborg 1000 − Nordost 997 = Centrum's 3: one of them is hidden too
        nordost = area_series(self.nordost)[0].latest
        city = area_series(self.goteborg)[0].latest
        self.assertTrue(isinstance(nordost, HiddenResult) or isinstance(city, HiddenResult))
        self.assertFalse(isinstance(area_series(self.nordost)[0].previous, HiddenResult))  # 2024 is fine

    def test_changes_get_fdr_over_the_table(self):
        series = [s for s in area_series(self.centrum) if s.change]
        raw = [s.change.p_value for s in series]
        self.assertEqual(len(raw), 3)
        np.testing.assert_allclose([s.change.p_adj for s in series], stats.false_discovery_control(raw, method="bh"))
        worried = next(s for s in series if s.indicator.slug == "worried_crime")
        self.assertLess(worried.change.p_value, 0.05)  # alone it would be "significant"
        self.assertGreater(worried.change.p_adj, 0.05)  # 3 tests: not after FDR
        self.assertFalse(worried.change.significant)
        self.assertEqual(worried.flag, "")
        self.assertEqual(worried.statement.verdict, "none")
        self.assertIn("No change that can be told from chance", str(worried.statement))

    def test_every_view_hides_the_small_group(self):
        self.login("carl")  # Centrum
        r = self.client.get(reverse("surveys:area", args=["2"]))
        self.assertContains(r, "fewer than 5 answers")
        self.assertNotContains(r, "n=3")
        self.assertNotContains(r, "67.0")
        html = Template('{% include "surveys/area_results.html" with area=a %}').render(Context({"a": self.centrum}))
        self.assertIn("fewer than 5 answers", html)
        self.assertNotIn("67.0", html)
        r = self.client.get("/lagesbild/offentlig/2/")  # the residents' page
        self.assertContains(r, "fewer than 5 answers")
        self.assertNotContains(r, "67.0")

    def test_it_checks_access(self):
        self.login("carl")
        self.assertEqual(self.client.get(reverse("surveys:area", args=["1"])).status_code, 403)
