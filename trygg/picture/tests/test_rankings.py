"""Comparable comparisons: the sibling ranking is made per source (and per Brå crime type), never
on a sum of sources whose coverage differs; EST only between areas that collect it; synthetic demo
rows never ranked against real ones.

The world mirrors the demo's real situation: four districts with the demo's populations, the demo's
police-event counts per district over a year, a synthetic EST set concentrated in Nordost, and
Brå's real 2023–2025 figures (the CSV the demo ships). On a sum of police events and EST, Nordost
comes out worst; Brå's reported crimes say Centrum – each ranking must follow its own source.
"""

import datetime as dt
from pathlib import Path

import numpy as np
from django.utils import timezone

from trygg.areas.models import Area, Level, Population
from trygg.incidents import daily
from trygg.incidents.bra import import_bra_csv
from trygg.incidents.categories import theme_of
from trygg.incidents.models import CrimeStatistic, Incident
from trygg.numbers import figures
from trygg.testing.personas import BaseTestCase

START, END = dt.date(2025, 8, 23), dt.date(2026, 8, 22)  # the demo's last twelve months
BRA_CSV = Path(figures.__file__).resolve().parents[1] / "incidents" / "data" / "demo" / \
    "bra_anmalda_brott_goteborg_stadsomraden_2023_2025.csv"
POLICE = {"Nordost": 40, "Centrum": 48, "Hisingen": 43, "Sydväst": 15}  # the demo's counts in those months
EST = {"Nordost": 1696, "Centrum": 624, "Sydväst": 375, "Hisingen": 282}  # the demo's synthetic set, 2 years
POPULATION = {"Sydväst": 127_803, "Hisingen": 174_806}

_seq = iter(range(1, 10**9))


def spread(area, n, first, last, *, source, category, synthetic=False, municipality=None):
    """``n`` incidents evenly over ``first``–``last`` (bulk)."""
    days = (last - first).days
    objs = []
    for k in range(n):
        day = first + dt.timedelta(days=int(round(k * days / max(n - 1, 1))))
        i = next(_seq)
        objs.append(Incident(
            source=source, source_id=f"r{i}", occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
            date=day, category=category, theme=theme_of(category), area=area, area_path=area.path,
            municipality=municipality, placement="area", synthetic=synthetic))
    Incident.objects.bulk_create(objs)
    daily.refresh_days({o.date for o in objs})  # as every writer does


def ranking_problems(area, start, end) -> list[str]:
    """Every way the sibling comparison of ``area`` disagrees with its sources' own numbers (empty:
    each table ranks one source, by that source's own rate, with that source's own counts)."""
    out = figures.sibling_comparison(area, start, end)
    problems = []
    for t in out["tables"]:
        name = f"{t['source']}/{t['crime_type']}"
        rows = t["rows"]
        rates = [r["rate"] for r in rows]
        if any(a < b for a, b in zip(rates, rates[1:], strict=False)):
            problems.append(f"{name}: ranks not in the order of the rates {rates}")
        if [r["rank"] for r in rows] != list(range(1, len(rows) + 1)):
            problems.append(f"{name}: ranks {[r['rank'] for r in rows]}")
        for r in rows:
            a = Area.objects.get(code=r["code"])
            if t["source"] == "bra":
                own = sum(CrimeStatistic.objects.filter(area=a, year=t["year"], crime_type=t["crime_type"])
                          .values_list("count", flat=True))
            else:
                own = figures.incident_counts(a, dt.date.fromisoformat(t["start"]), dt.date.fromisoformat(t["end"]),
                                              sources=[t["source"]], synthetic=t["synthetic"])
            if r["count"] != own:
                problems.append(f"{name}: {a.name} counted {r['count']}, its own {t['source']} figure is {own}")
            if r["population"] and abs(r["rate"] - 1000.0 * r["count"] / r["population"]) > 1e-9:
                problems.append(f"{name}: {a.name} rate {r['rate']} is not its count per 1,000")
    if out["tables"] and out["rows"] != out["tables"][0]["rows"]:
        problems.append("the headline ranking is not one source's ranking")
    return problems


class RankingsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for code, name in (("3", "Sydväst"), ("4", "Hisingen")):
            a = Area.objects.create(code=code, name=name, level=Level.STADSOMRADE, parent=cls.goteborg,
                                    path=f"{cls.goteborg.path}{code}/")
            for year in (2023, 2024, 2025):
                Population.objects.create(area=a, year=year, count=POPULATION[name], source="test")
            setattr(cls, name.lower().replace("ä", "a"), a)
        cls.districts = {a.name: a for a in Area.objects.filter(level=Level.STADSOMRADE)}
        for name, n in POLICE.items():
            spread(cls.districts[name], n, START, END, source="police", category="misshandel",
                   municipality=cls.goteborg)
        spread(cls.goteborg, 1200, START, END, source="police", category="trafikolycka", municipality=cls.goteborg)
        for name, n in EST.items():
            spread(cls.districts[name], n, dt.date(2024, 8, 23), END, source="est", category="klotter", synthetic=True)
        import_bra_csv(BRA_CSV)

    def test_every_ranking_agrees_with_its_own_source(self):
        for area in self.districts.values():
            self.assertEqual(ranking_problems(area, START, END), [], area.name)
        out = figures.sibling_comparison(self.nordost, START, END)
        by = {(t["source"], t["crime_type"]): t for t in out["tables"]}
        self.assertEqual(len(by), 2 + 6)  # police, EST, and Brå's six crime types
        order = {k: [r["name"] for r in t["rows"]] for k, t in by.items()}
        self.assertEqual(order[("bra", "alla_brott")], ["Centrum", "Nordost", "Hisingen", "Sydväst"])
        self.assertEqual(order[("est", "")][0], "Nordost")
        self.assertEqual(order[("police", "")], ["Nordost", "Hisingen", "Centrum", "Sydväst"])
        # the old single ranking on police + EST (Nordost worst by far) is nowhere
        summed = {n: figures.incident_counts(a, START, END) for n, a in self.districts.items()}
        for t in out["tables"]:
            for r in t["rows"]:
                self.assertNotEqual(r["count"], summed[r["name"]], (t["source"], r["name"]))
        self.assertEqual(out["source"], "police")
        self.assertTrue(by[("est", "")]["synthetic"])
        self.assertFalse(by[("police", "")]["synthetic"])

    def test_municipality_level_events_are_not_given_to_a_district(self):
        police = figures.sibling_comparison(self.centrum, START, END)["tables"][0]
        self.assertEqual(sum(r["count"] for r in police["rows"]), sum(POLICE.values()))
        self.assertEqual(police["references"][-1]["count"], sum(POLICE.values()) + 1200)  # Göteborg as a whole

    def test_est_only_between_areas_that_collect_it(self):
        # EST starts in Hisingen only in the middle of the period: Hisingen is not ranked on EST
        Incident.objects.filter(source="est", area=self.districts["Hisingen"], date__lt=dt.date(2026, 2, 1)).delete()
        out = figures.sibling_comparison(self.nordost, START, END)
        est = next(t for t in out["tables"] if t["source"] == "est")
        self.assertEqual(est["excluded"], ["Hisingen"])
        self.assertEqual({r["name"] for r in est["rows"]}, {"Nordost", "Centrum", "Sydväst"})
        self.assertEqual([r["rank"] for r in est["rows"]], [1, 2, 3])
        # Hisingen's own page has no EST ranking at all
        own = figures.sibling_comparison(self.districts["Hisingen"], START, END)
        est = next(t for t in own["tables"] if t["source"] == "est")
        self.assertEqual(est["rows"], [])
        self.assertEqual(ranking_problems(self.nordost, START, END), [])

    def test_synthetic_rows_are_never_ranked_against_real_ones(self):
        # Centrum starts real EST reporting; the other districts have only the synthetic set
        spread(self.centrum, 200, dt.date(2024, 9, 1), END, source="est", category="klotter", synthetic=False)
        est = next(t for t in figures.sibling_comparison(self.centrum, START, END)["tables"] if t["source"] == "est")
        self.assertFalse(est["synthetic"])
        self.assertEqual(est["rows"], [])  # one real-EST area: nothing to compare it with
        self.assertEqual(sorted(est["excluded"]), ["Hisingen", "Nordost", "Sydväst"])
        police = figures.sibling_comparison(self.centrum, START, END)["tables"][0]
        self.assertEqual(len(police["rows"]), 4)

    def test_the_page_shows_one_table_per_source_and_labels_synthetic_data(self):
        self.login("ulla")
        r = self.client.get(f"/lagesbild/1/?from={START}&to={END}")
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertEqual(html.count('data-testid="siblings"'), 8)
        self.assertIn('data-source="est"', html)
        self.assertIn('data-testid="ranking-synthetic"', html)
        self.assertIn('data-testid="synthetic"', html)  # the picture's own EST rows are labelled too
        api = self.client.get(f"/api/omraden/1/jamforelse.json?from={START}&to={END}").json()
        self.assertEqual([t["source"] for t in api["tables"]], ["police", "est"] + ["bra"] * 6)
        self.assertEqual(api["rows"], r.context["siblings"]["rows"])

    def test_brå_is_ranked_on_one_year_with_that_years_population(self):
        bra = [t for t in figures.sibling_comparison(self.nordost, START, END)["tables"] if t["source"] == "bra"]
        self.assertEqual({t["year"] for t in bra}, {2025})
        centrum = next(r for r in bra[0]["rows"] if r["name"] == "Centrum")
        n = CrimeStatistic.objects.get(area=self.centrum, year=2025, crime_type="alla_brott").count
        self.assertAlmostEqual(centrum["rate"], 1000 * n / 200_000)
        self.assertTrue(np.isfinite(centrum["ci_low"]))

    def test_queries_do_not_grow_with_siblings_or_crime_types(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        figures.sibling_comparison(self.nordost, START, END)  # warm the coverage cache
        with CaptureQueriesContext(connection) as before:
            figures.sibling_comparison(self.nordost, START, END)
        for code in ("5", "6"):
            a = Area.objects.create(code=code, name=f"Område {code}", level=Level.STADSOMRADE, parent=self.goteborg,
                                    path=f"{self.goteborg.path}{code}/")
            Population.objects.create(area=a, year=2025, count=50_000, source="test")
            spread(a, 30, START, END, source="police", category="misshandel", municipality=self.goteborg)
            for crime_type in ("alla_brott", "misshandel", "bilstold"):
                CrimeStatistic.objects.create(area=a, year=2025, crime_type=crime_type, count=1000,
                                              theme="" if crime_type == "alla_brott" else "vald")
        from django.core.cache import cache

        cache.clear()
        figures.sibling_comparison(self.nordost, START, END)
        with self.assertNumQueries(len(before.captured_queries)):
            out = figures.sibling_comparison(self.nordost, START, END)
        self.assertEqual(len(out["tables"][0]["rows"]), 6)
