"""The disclosure auditor over every public page of a realistic, sparse world: every public area
(the municipality and each district, incidents placed at every level below them and in no
district), every tertial the public pages publish over time (the latest and every earlier one,
each of which is once "the same tertial a year before"), the whole hierarchy audited together.
No cell printed as "1–4" or hidden can be narrowed below the band 1–4.

The full demo (``trygg demo``: the real police events, Brå and the synthetic EST) is audited the
same way by the ``slow`` test at the end."""

import datetime as dt
import io

import numpy as np
import pytest

from trygg.analysis import periods
from trygg.incidents.categories import THEMES, categories_of
from trygg.picture import public as public_figures
from trygg.testing.personas import BaseTestCase

from .test_public import printed, reader_audit
from .world import make

FIRST = dt.date(2023, 1, 1)
LAST = dt.date(2025, 8, 31)  # the data end: T2 2025 is the latest complete tertial


def tertials(first, last):
    out, p = [], periods.tertial(first)
    while p.end <= last:
        out.append(p)
        p = periods.tertial(p.end + dt.timedelta(days=1))
    return out


def table_marks(root, p):
    """{(area, period start, theme): mark} of one tertial as the public pages print it."""
    t = public_figures.public_table(root, p.start, p.end)
    out = {}
    for code in t.areas:
        row = t.row(code)
        for theme, mark in row["themes"].items():
            out[(code, p.start.isoformat(), theme)] = mark
        out[(code, p.start.isoformat(), "total")] = row["total"]
    return out


def audit_every_tertial(root, first, last):
    """(tertials audited, cells printed "1–4", the exposed cells found) over every tertial."""
    audited, sensitive, exposed = 0, 0, []
    for p in tertials(first, last):
        marks = table_marks(root, p)
        a = reader_audit(root, p.start, p.end, marks)
        if not a.ok:
            exposed.append((p, np.flatnonzero(a.exposed), a.lower[a.exposed], a.upper[a.exposed]))
        audited += 1
        sensitive += sum(1 for m in marks.values() if m == "1–4")
    return audited, sensitive, exposed


class PublicPagesAuditTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        rng = np.random.default_rng(17)
        # sparse counts as on real small areas: many cells of 1–4 next to larger ones, at every level
        places = [cls.hjallbo, cls.hjallbo_mo, cls.nordost, cls.vallgraven, cls.centrum, cls.goteborg]
        for p in tertials(FIRST, LAST):
            for area in places:
                for theme in THEMES:
                    n = int(rng.poisson(rng.choice([0.4, 1.5, 3.0, 8.0])))
                    if n:
                        day = p.start + dt.timedelta(days=int(rng.integers(0, (p.end - p.start).days + 1)))
                        make(area, day, categories_of(theme)[0], source=str(rng.choice(["police", "est"])), n=n)
        make(cls.stockholm, LAST, "ran")  # both feeds run to the data end
        make(cls.stockholm, LAST, "klotter", source="est")

    def test_it_works(self):
        r = self.client.get(f"/lagesbild/offentlig/{self.nordost.code}/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["period"], periods.tertial(dt.date(2025, 5, 1)))

    def test_every_tertial_of_every_public_page_passes_the_audit(self):
        audited, sensitive, exposed = audit_every_tertial(self.goteborg, FIRST, LAST)
        self.assertEqual(exposed, [])
        self.assertEqual(audited, 8)  # T1 2023 … T2 2025
        self.assertGreater(sensitive, 20)  # the world really has small cells to protect

    def test_the_printed_pages_and_open_data_pass_the_audit_together(self):
        codes = [a.code for a in public_figures.public_areas(self.goteborg)]
        self.assertEqual(codes, ["1480", "1", "2"])
        marks = printed(self.client, codes)
        r = self.client.get(f"/lagesbild/offentlig/{self.nordost.code}/")
        for p in (r.context["period"], r.context["comparison_period"]):
            self.assertTrue(reader_audit(self.goteborg, p.start, p.end, marks).ok, p)
        for code in codes:  # open data prints exactly the page's marks
            d = self.client.get(f"/api/v1/open/areas/{code}/figures").json()
            for row in d["rows"]:
                self.assertEqual(row["count"], marks[(code, d["start"], row["theme"])])

    def test_lower_levels_have_no_public_page(self):
        # only the municipality and its districts are published; the levels below add no table
        for area in (self.hjallbo_mo, self.hjallbo, self.vallgraven_mo, self.vallgraven):
            self.assertEqual(self.client.get(f"/lagesbild/offentlig/{area.code}/").status_code, 404)

    def test_it_checks_access(self):
        self.login("rami")  # anyone may read it, signed in or not
        self.assertEqual(self.client.get("/lagesbild/offentlig/1/").status_code, 200)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_full_demo_passes_the_audit():
    """``trygg demo``'s areas and incidents (the real police events and the synthetic EST): every
    tertial of every municipality with public pages, audited together with its districts."""
    from importlib import import_module

    from django.conf import settings

    from trygg.areas.models import Area, Level

    out = io.StringIO()
    for step in settings.TRYGG_DEMO_STEPS[:3]:  # areas, partners, incidents
        import_module(step).load(out)
    roots = [a for a in Area.objects.filter(level=Level.MUNICIPALITY) if a.children.filter(level=Level.STADSOMRADE)]
    assert roots
    for root in roots:
        audited, sensitive, exposed = audit_every_tertial(root, dt.date(2023, 1, 1), public_figures.public_data_end(root))
        assert exposed == [] and audited >= 9, (root, audited, exposed)
        print(root.code, audited, "tertials,", sensitive, "cells 1–4")
