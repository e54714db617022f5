"""The residents' page: aggregates only, one fixed tertial, and no figure 1–4 that a reader can
work out from everything the public pages print together (audited by linear programming)."""

import datetime as dt
import re

import numpy as np

from trygg.analysis import disclosure
from trygg.incidents.categories import THEMES
from trygg.picture import public as public_figures
from trygg.testing.personas import BaseTestCase

from .world import busy_world, make

CELL = re.compile(r'data-area="([^"]+)" data-period="([^"]+)" data-theme="([^"]+)">([^<]*)<')


def printed(client, codes):
    """{(area, period start, theme): mark} as the public pages print them."""
    out = {}
    for code in codes:
        r = client.get(f"/lagesbild/offentlig/{code}/")
        assert r.status_code == 200
        for area, period, theme, mark in CELL.findall(r.content.decode()):
            key = (area, period, theme)
            assert out.get(key, mark.strip()) == mark.strip(), f"{key} printed two ways"
            out[key] = mark.strip()
    return out


def reader_audit(root, start, end, marks):
    """Rebuild the linked tables of one period from the true counts and audit what the pages
    printed: numbers are what they say, "1–4" is 1–4, "·" is ≥ 5 or a withheld breakdown."""
    districts = public_figures.public_areas(root)[1:]
    leaves = public_figures.leaf_counts(root, districts, start, end)
    t, index = disclosure.tree_table(
        leaves, row_tree=[(len(districts) + 1, list(range(len(districts) + 1)))],
        col_tree=[(len(THEMES) + 1, list(range(len(THEMES) + 1)))],
        row_shown=[True] * len(districts) + [False, True], col_shown=[True] * len(THEMES) + [False, True])
    rows = {a.code: i for i, a in enumerate(districts)} | {root.code: len(districts) + 1}
    cols = {th: j for j, th in enumerate(THEMES)} | {"total": len(THEMES) + 1}
    hidden = np.zeros(t.values.size, bool)
    seen = 0
    withheld = disclosure.withheld_breakdowns(t) & t.shown
    for (area, period, theme), mark in marks.items():
        if period != start.isoformat():
            continue
        cell = index[rows[area], cols[theme]]
        seen += 1
        if mark == "1–4":
            assert 1 <= t.values[cell] <= 4
            hidden[cell] = True
        elif mark == "·":
            assert withheld[cell] or t.values[cell] >= 5
            hidden[cell] = not withheld[cell]
        else:
            assert int(mark) == t.values[cell]
            assert not withheld[cell]
    assert seen == int(t.shown.sum())  # every published cell was on some page
    return disclosure.audit(t, hidden, withheld)


class PublicPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        busy_world(cls)  # March 2025 (and February): the tertial January–April 2025
        make(cls.centrum, dt.date(2025, 2, 3), "misshandel", n=6)
        make(cls.centrum, dt.date(2025, 2, 4), "narkotikabrott", n=1)
        make(cls.goteborg, dt.date(2025, 2, 5), "skadegorelse", n=2)  # placed in no district
        make(cls.nordost, dt.date(2024, 3, 12), "misshandel", n=8)  # the same tertial a year before
        make(cls.centrum, dt.date(2024, 4, 2), "narkotikabrott", n=3)
        make(cls.nordost, dt.date(2025, 5, 2), "klotter")  # data runs into May: T1 is complete

    def test_it_works(self):
        r = self.client.get("/lagesbild/offentlig/1/")  # anonymous
        self.assertEqual(r.status_code, 200)
        self.assertEqual((r.context["period"].start, r.context["period"].end), (dt.date(2025, 1, 1), dt.date(2025, 4, 30)))
        self.assertEqual(r.context["comparison_period"].start, dt.date(2024, 1, 1))
        rows = {x["theme"]: x for x in r.context["rows"]}
        self.assertEqual(rows["vald"]["count"], "1–4")  # 3 assaults
        self.assertIn(rows["vald"]["comparison_count"], ("8", "·"))  # 8, or hidden to protect Centrum's 3
        self.assertEqual(rows["vald"]["direction"], "suppressed")
        self.assertIsNone(rows["vald"]["rate"])
        self.assertContains(r, "1–4")
        self.assertNotContains(r, "Klotter vid skolan")
        self.assertNotContains(r, "Narkotikabrott på torget")
        self.assertNotContains(r, 'data-testid="latest"')
        municipality = self.client.get("/lagesbild/offentlig/1480/")
        self.assertEqual(municipality.status_code, 200)
        for district in (self.nordost, self.centrum):  # linked, by name
            self.assertContains(municipality, f'<a href="/lagesbild/offentlig/{district.code}/">{district.name}</a>',
                                html=True)

    def test_all_public_pages_together_pass_the_audit(self):
        codes = ["1480", "1", "2"]
        marks = printed(self.client, codes)
        r = self.client.get("/lagesbild/offentlig/1/")
        for p in (r.context["period"], r.context["comparison_period"]):
            a = reader_audit(self.goteborg, p.start, p.end, marks)
            self.assertTrue(a.ok, (p, a))
        self.assertIn("·", marks.values())  # secondary suppression was needed and is there

    def test_the_old_rule_would_have_been_undone(self):
        """The old rule (1–4 per column, one complementary cell when a column hides exactly one,
        pages suppressed one at a time) on the same counts: the auditor finds a cell it can pin."""
        root = self.goteborg
        districts = public_figures.public_areas(root)[1:]
        start, end = dt.date(2025, 1, 1), dt.date(2025, 4, 30)
        leaves = public_figures.leaf_counts(root, districts, start, end)
        t, index, _s = public_figures.suppress_leaves(leaves)
        hidden = np.zeros(t.values.size, bool)
        for i in [len(districts) + 1, *range(len(districts))]:
            col = [int(t.values[index[i, j]]) for j in range(len(THEMES))]
            small = [j for j, v in enumerate(col) if 0 < v < 5]
            for j in small:
                hidden[index[i, j]] = True
            big = [j for j, v in enumerate(col) if v >= 5]
            if len(small) == 1 and big:
                hidden[index[i, min(big, key=lambda j: col[j])]] = True
            if 0 < t.values[index[i, len(THEMES) + 1]] < 5:
                hidden[index[i, len(THEMES) + 1]] = True
        self.assertFalse(disclosure.audit(t, hidden).ok)

    def test_it_checks_access(self):
        self.assertEqual(self.client.get("/lagesbild/offentlig/612/").status_code, 404)  # not public level
        self.login("rami")
        self.assertEqual(self.client.get("/lagesbild/offentlig/1/").status_code, 200)

    def test_it_rejects_bad_input(self):
        self.assertEqual(self.client.get("/lagesbild/offentlig/nowhere/").status_code, 404)

    def test_the_period_is_a_fixed_tertial(self):
        from trygg.analysis import periods

        self.assertEqual(periods.latest_complete("tertial", dt.date(2026, 8, 22)),
                         periods.tertial(dt.date(2026, 1, 1)))
        self.assertEqual(periods.latest_complete("tertial", dt.date(2026, 8, 31)),
                         periods.tertial(dt.date(2026, 5, 1)))
        # a query string cannot move it: the page takes no period from the reader
        a = self.client.get("/lagesbild/offentlig/1/?from=2025-03-01&to=2025-03-05")
        self.assertEqual(a.context["period"].start, dt.date(2025, 1, 1))
