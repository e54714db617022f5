"""The pre-aggregated daily counts stay equal to counts of the incident table after every kind of
write: the police import (new events, then events enriched and re-placed by a later file), the EST
import, the EST form's and API's saves (a report edited to another area and day, deleted), synthetic
demo rows, re-placing by the gazetteer, an area move, a category moved to another theme, the data
retention, and the rebuild command."""

import datetime as dt
from collections import Counter
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.db.models import Count

from trygg.incidents import daily, synthetic
from trygg.incidents.models import DailyCount, Incident, PlaceName
from trygg.ops.retention import run_retention
from trygg.testing.personas import BaseTestCase

from .test_placement import EventFilesMixin, WorldMixin, event

DATA = Path(__file__).parent / "data"
KEY = ("area_path", "source", "category", "theme", "synthetic", "placement", "place_level")


class DailyCountsTestCase(EventFilesMixin, WorldMixin, BaseTestCase):
    def load_synthetic(self, n):
        """``synthetic.load_synthetic`` over the test world's areas (no demo municipality loaded)."""
        centres = {h[1]: (11.96, 57.76) for h in synthetic.HOTSPOTS}
        with mock.patch.object(synthetic, "hotspot_centres", return_value=centres), \
                mock.patch.object(synthetic, "locate_points",
                                  side_effect=lambda lons, lats: [(self.hjallbo, self.vallgraven)[i % 2]
                                                                  for i in range(len(lons))]):
            return synthetic.load_synthetic(dt.date(2025, 3, 31), n=n)

    def assertInStep(self):
        raw = Counter({(r["date"], *(r[k] for k in KEY)): r["n"] for r in Incident.objects.order_by()
                       .values("date", *KEY).annotate(n=Count("id"))})
        cells = list(DailyCount.objects.values_list("day", *KEY, "n"))
        keys = [c[:-1] for c in cells]
        self.assertEqual(len(keys), len(set(keys)), "one row per cell")
        self.assertEqual(Counter({c[:-1]: c[-1] for c in cells}), raw)
        self.assertTrue(all(c[-1] > 0 for c in cells))
        self.assertSubtreesInStep()
        return raw

    def assertSubtreesInStep(self):
        """The sums over the subtree of the country, each municipality and each district equal the
        incidents counted at or below its path (as ``Incident.objects.within`` reads them)."""
        from trygg.areas.models import Area
        from trygg.incidents.models import SubtreeDailyCount

        fields = ("date", "source", "category", "theme", "synthetic", "placement", "place_level")
        roots = [a for a in Area.objects.all() if SubtreeDailyCount.is_root(a.path)]
        # the database's count of slashes names the same roots
        self.assertEqual(set(SubtreeDailyCount.roots(Area.objects.all()).values_list("path", flat=True)),
                         {a.path for a in roots})
        self.assertTrue({"country", "municipality", "stadsomrade"} <= {a.level for a in roots})
        self.assertTrue(roots)
        expected = Counter()
        for root in roots:
            for r in Incident.objects.within(root).order_by().values(*fields).annotate(n=Count("id")):
                expected[(root.path, *(r[f] for f in fields))] += r["n"]
        got = Counter()
        for row in SubtreeDailyCount.objects.values_list("area_path", "day", *fields[1:], "n"):
            got[row[:-1]] += row[-1]
        self.assertEqual(got, expected)
        self.assertFalse(SubtreeDailyCount.objects.exclude(area_path__in=[r.path for r in roots]).exists())

    def test_imports(self):
        call_command("import_police_events", str(self.write([
            event(1, "Rån i Hjällbo.", type_="Rån"), event(2, "Bråk."),
            event(3, "Sammanfattning natt", type_="Sammanfattning natt"),
            event(4, "Stöld.", when="2025-04-01 22:00:00 +02:00", type_="Stöld")])), stdout=StringIO())
        self.assertEqual(sum(self.assertInStep().values()), 4)
        # a later file: event 2 again with its page text (enriched, placed in a district), a new one
        PlaceName.objects.create(municipality=self.goteborg, name="Kvarngatan", area=self.eriksbo)
        call_command("import_police_events", str(self.write([
            event(2, "Bråk.", body="Bråk på Kvarngatan."), event(5, "Rån.", type_="Rån")], "b.json")),
            stdout=StringIO())
        self.assertEqual(Incident.objects.get(source_id="2").area, self.eriksbo)
        self.assertEqual(DailyCount.objects.get(area_path=self.eriksbo.path).n, 1)
        self.assertInStep()
        call_command("import_est", str(DATA / "est_sample.csv"), stdout=StringIO())
        self.assertEqual(sum(self.assertInStep().values()), 8)

    def test_replacing_by_the_gazetteer_and_an_area_move(self):
        call_command("import_police_events", str(self.write([event(1, "Rån på Kvarngatan."),
                                                             event(2, "Bråk i Angered.")])), stdout=StringIO())
        PlaceName.objects.create(municipality=self.goteborg, name="Kvarngatan", area=self.eriksbo)
        call_command("place_police_events", stdout=StringIO())
        self.assertEqual(Incident.objects.get(source_id="1").area_path, self.eriksbo.path)
        self.assertInStep()
        old = self.eriksbo.path
        self.eriksbo.refresh_from_db()
        self.eriksbo.parent = self.centrum
        self.eriksbo.save()
        self.assertNotEqual(self.eriksbo.path, old)
        self.assertFalse(DailyCount.objects.filter(area_path=old).exists())
        self.assertEqual(DailyCount.objects.get(area_path=self.eriksbo.path).n, 1)
        self.assertInStep()

    def test_saves_and_deletions_of_single_reports(self):
        day = dt.date(2025, 3, 10)
        a = Incident(source="est", source_id="form-1", occurred_at=dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC),
                     date=day, category="klotter", theme="ordning", area=self.hjallbo, placement="area")
        a.save()
        b = Incident(source="est", source_id="form-2", occurred_at=dt.datetime(2025, 3, 10, 13, tzinfo=dt.UTC),
                     date=day, category="klotter", theme="ordning", area=self.hjallbo, placement="area")
        b.save()
        self.assertEqual(DailyCount.objects.get().n, 2)
        b.area, b.date = self.vallgraven, day + dt.timedelta(days=1)  # edited to another area and day
        b.save()
        self.assertEqual(DailyCount.objects.get(area_path=self.hjallbo.path).n, 1)
        self.assertInStep()
        a.delete()
        self.assertFalse(DailyCount.objects.filter(area_path=self.hjallbo.path).exists())
        self.assertInStep()
        Incident.objects.filter(pk=b.pk).delete()  # a queryset's delete sends the signals too
        self.assertEqual(self.assertInStep(), Counter())

    def test_a_deletion_of_many_refreshes_their_days_once(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.load_synthetic(300)
        self.assertInStep()
        some = Incident.objects.filter(area=self.hjallbo)
        n = some.count()
        self.assertGreater(n, 50)
        with CaptureQueriesContext(connection) as queries:
            deleted, _by_model = some.delete()
        self.assertEqual(deleted, n)
        self.assertLess(len(queries), 40 + n // 10)  # not one refresh per row (each is several queries)
        self.assertFalse(DailyCount.objects.filter(area_path=self.hjallbo.path).exists())
        self.assertInStep()

    def test_days_refreshed_as_ranges_and_as_lists(self):
        """A write over a long run of days (summed as one range, bridging short gaps) and over
        scattered days (summed as lists of days) leaves every cell and sum in step."""
        self.load_synthetic(300)
        rows = list(Incident.objects.order_by("pk").values_list("pk", "date"))
        start = dt.date(2024, 1, 1)
        run = [start + dt.timedelta(days=d) for d in range(60) if d % 9 != 4]  # gaps of 1 day
        scattered = [dt.date(2023, 6, 1), dt.date(2023, 8, 20), dt.date(2024, 11, 2)]
        days = run + scattered
        groups = daily.day_groups(days)
        self.assertEqual(groups[0], ("range", run[0], run[-1]))
        self.assertEqual([g[0] for g in groups[1:]], ["days"])
        self.assertEqual(sorted(groups[1][1]), scattered)
        gaps = [start + dt.timedelta(days=d) for d in range(60) if d % 9 == 4]
        for (pk, _old), day in zip(rows[120:], gaps, strict=False):  # cells on days the range bridges
            Incident.objects.filter(pk=pk).update(date=day)
        daily.rebuild()
        self.assertInStep()
        touched = set()
        for i, (pk, old) in enumerate(rows[:120]):  # bulk updates send no signals: refreshed by hand
            Incident.objects.filter(pk=pk).update(date=days[i % len(days)])
            touched |= {old, days[i % len(days)]}
        self.assertTrue(set(gaps) - touched)  # days inside the range that the write did not touch
        daily.refresh_days(touched)  # the bridged days' sums are computed again from their cells
        self.assertInStep()

    def test_day_groups(self):
        d = dt.date(2025, 1, 1)
        days = [d + dt.timedelta(days=k) for k in (0, 3, 11, 40)]  # gaps of 2, 7 and 28 days
        self.assertEqual(daily.day_groups(days, gap=7, run=3), [("range", days[0], days[2]), ("days", [days[3]])])
        self.assertEqual(daily.day_groups(days, gap=1, run=3), [("days", days)])
        self.assertEqual(daily.day_groups([]), [])
        many = [d + dt.timedelta(days=30 * k) for k in range(450)]  # scattered: lists of at most 200
        self.assertEqual([len(g[1]) for g in daily.day_groups(many)], [200, 200, 50])

    def test_synthetic_rows_and_the_retention(self):
        n = self.load_synthetic(200)
        self.assertGreater(n, 0)
        raw = self.assertInStep()
        self.assertTrue(all(key[1 + KEY.index("synthetic")] for key in raw))  # every cell marked synthetic
        run_retention(now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        after = self.assertInStep()  # the EST reports are placed by their area now: counted again

        def without_placement(counts):
            out = Counter()
            for key, n in counts.items():
                out[key[:1 + KEY.index("placement")]] += n
            return out

        self.assertEqual(without_placement(after), without_placement(raw))
        self.assertNotIn("point", {key[1 + KEY.index("placement")] for key in after})
        self.assertIn("point", {key[1 + KEY.index("placement")] for key in raw})

    def test_a_category_moved_to_another_theme(self):
        from trygg.incidents.models import Category, Theme

        self.load_synthetic(100)
        category = Category.objects.get(slug=DailyCount.objects.order_by("pk").first().category)
        category.theme = Theme.objects.exclude(pk=category.theme_id).order_by("pk").first()
        category.save()
        self.assertTrue(DailyCount.objects.filter(category=category.slug, theme=category.theme.slug).exists())
        self.assertInStep()

    def test_the_rebuild_command(self):
        self.load_synthetic(100)
        raw = self.assertInStep()
        DailyCount.objects.filter(pk=DailyCount.objects.order_by("pk").first().pk).update(n=999)
        DailyCount.objects.create(day=dt.date(2020, 1, 1), area_path="/SE/", source="police", category="ran",
                                  theme="egendom", synthetic=False, n=1)
        out = StringIO()
        call_command("rebuild_daily", stdout=out)
        self.assertIn(f"{len(raw)} daily cells", out.getvalue())
        self.assertEqual(self.assertInStep(), raw)
        self.assertEqual(daily.rebuild(), len(raw))
