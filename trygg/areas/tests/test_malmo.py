"""Malmö beside Göteborg: set up from its shipped configuration and areas with one command, paired
with a police area, fed national police events, and its picture, public page, work cycle and
annual report shown with Malmö's own level names – and none of Göteborg's."""

import datetime as dt
import json
import re
from io import StringIO
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from trygg.accounts.models import Membership, Organisation, Role
from trygg.areas import schemes
from trygg.areas.models import Area, LocalPoliceArea, Municipality
from trygg.areas.municipality_setup import setup_municipality
from trygg.incidents.models import Incident
from trygg.incidents.police import import_police_events
from trygg.picture.tests.world import make
from trygg.testing.jobs import JobsMixin
from trygg.testing.personas import BaseTestCase

MALMO = schemes.SHIPPED / "malmo"
EVENTS = Path(__file__).parent / "data" / "malmo_police_events_2025.json"
GOTEBORG_NAMES = ["Nordost", "Hjällbo", "Vallgraven", "Storgöteborg", "stadsområde", "Stadsområde",
                  "mellanområde", "primärområde"]


def visible_text(response) -> str:
    """The page without its scripts and map data (the words a reader sees)."""
    html = response.content.decode()
    return re.sub(r"<script.*?</script>", "", html, flags=re.S)


class MalmoTestCase(JobsMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.result = setup_municipality(MALMO)
        cls.malmo_area = Area.objects.get(code="1280")
        cls.geso1 = Area.objects.get(code="1280-1")  # Västra hamnen, Gamla staden m fl
        police = Organisation.objects.get(name="Polisområde Malmö")
        lpo_org = Organisation.objects.create(name="LPO Malmö Norr", kind="police", parent=police)
        cls.lpo = LocalPoliceArea.objects.create(code="lpo-malmo-norr", name="LPO Malmö Norr",
                                                 organisation=lpo_org)
        cls.lpo.areas.add(cls.geso1)
        city = Organisation.objects.get(name="Malmö stad")
        cls.maja = get_user_model().objects.create_user("maja", "maja@example.invalid", "persona-password-123")
        Membership.objects.create(user=cls.maja, organisation=city, role=Role.TRYGGHETSSAMORDNARE, area=cls.geso1)
        cls.police_import = import_police_events(json.loads(EVENTS.read_text("utf-8")), file_name=EVENTS.name)
        gamla_staden = Area.objects.get(code="1280-11312")
        make(gamla_staden, dt.date(2025, 3, 5), "klotter", source="est", n=6, lon=13.0008, lat=55.6059)

    def test_it_loads_the_levels_and_areas(self):
        self.assertEqual(self.result.areas, {"statistikomrade": 14, "delomrade": 136})
        self.assertEqual(Area.objects.filter(parent=self.malmo_area, level="statistikomrade").count(), 14)
        self.assertEqual(Area.objects.filter(path__startswith=self.malmo_area.path, level="delomrade").count(), 136)
        self.assertEqual(Area.objects.get(code="1280-25612").parent.code, "1280-14")  # Hyllievång
        scheme = schemes.scheme_for(self.geso1)
        self.assertEqual((scheme.name, scheme.district_level), ("Malmö", "statistikomrade"))
        self.assertEqual(schemes.scheme_for(self.hjallbo).district_level, "stadsomrade")  # Göteborg unchanged
        self.assertEqual(self.geso1.get_level_display(), "statistikområde")
        self.assertTrue(self.geso1.is_district)
        self.assertFalse(Area.objects.get(code="1280-25612").is_district)

    def test_placement_and_reports_use_each_municipalitys_own_levels(self):
        from trygg.incidents.views import _report_areas

        gbg, malmo = schemes.scheme_for(self.hjallbo), schemes.scheme_for(self.geso1)
        self.assertEqual(gbg.finest_first, ("basomrade", "primaromrade", "mellanomrade", "stadsomrade"))
        self.assertEqual(gbg.nameable_levels, ("stadsomrade", "mellanomrade", "primaromrade"))
        self.assertEqual(malmo.finest_first, ("delomrade", "statistikomrade"))
        self.assertEqual(malmo.nameable_levels, ("statistikomrade",))
        # the gazetteer's levels and depth rules (trygg.incidents.gazetteer)
        self.assertEqual((gbg.text_levels, gbg.large_levels, gbg.street_up_levels),
                         (("stadsomrade", "mellanomrade", "primaromrade"), ("stadsomrade", "mellanomrade"),
                          ("primaromrade", "basomrade")))
        self.assertEqual((malmo.text_levels, malmo.large_levels, malmo.street_up_levels),
                         (("statistikomrade", "delomrade"), ("statistikomrade",), ("delomrade",)))
        # an EST reporter without an area scope may place a report in either municipality's areas
        self.assertEqual(set(schemes.report_levels()), {"primaromrade", "statistikomrade"})
        with mock.patch("trygg.incidents.views.scoped_areas", return_value=None):  # every area in scope
            offered = _report_areas(self.maja)
        self.assertIn(self.geso1, offered)  # Malmö's statistikområden are offered, not nothing
        self.assertTrue(all(a.level in ("primaromrade", "statistikomrade") for a in offered))

    def test_it_is_idempotent(self):
        before = Area.objects.count(), Organisation.objects.count(), Municipality.objects.count()
        again = setup_municipality(MALMO)
        self.assertFalse(again.created)
        self.assertEqual(again.new_areas, 0)
        self.assertEqual((Area.objects.count(), Organisation.objects.count(), Municipality.objects.count()), before)

    def test_the_police_events_are_malmos(self):
        self.assertEqual(self.police_import.new, 12)
        self.assertEqual(Incident.objects.filter(source="police", reported_municipality=self.malmo_area).count(), 12)

    def test_police_events_are_placed_in_malmos_areas(self):
        """Malmö has no gazetteer file: its events are placed by its own areas' names, at its own
        levels, with the depth rules of its configuration (a street found by one point goes one
        level up: from a delområde to its statistikområde)."""
        from trygg.incidents.gazetteer import Gazetteer
        from trygg.incidents.models import PlaceName

        self.assertEqual(self.result.place_names, {})
        self.assertFalse(PlaceName.objects.filter(municipality=self.malmo_area).exists())
        placed = {i.summary: (i.area.code, i.placement, i.place_level, i.place_text)
                  for i in Incident.objects.filter(reported_municipality=self.malmo_area).select_related("area")}
        self.assertEqual(placed["Det brinner i en lägenhet på Holma."], ("1280-25611", "text", "delomrade", "Holma"))
        self.assertEqual(placed["Brand i företagslokal, Katrinelund."],
                         ("1280-11431", "text", "delomrade", "Katrinelund"))
        hindby = Area.objects.get(code="1280-36110", level="delomrade")  # Östra Hindbyvägen: the road, not Hindby
        self.assertEqual(placed["Skott mot bostad på Östra Hindbyvägen."],
                         (hindby.parent.code, "text", "statistikomrade", "Hindbyvägen"))
        self.assertEqual(placed["Explosion vid flerfamiljshus."][:2], ("1280", "municipality"))
        gaz = Gazetteer(self.malmo_area)
        self.assertEqual(gaz.find("Rån i Västra hamnen, Gamla staden m fl.").path, self.geso1.path)  # a statistikområde
        self.assertEqual(gaz.find("Bråk vid Gamla Staden i natt.").path,
                         Area.objects.get(code="1280-11312").path)  # a delområde
        self.assertEqual(set(gaz.levels.values()) - {"", "municipality"}, {"statistikomrade", "delomrade"})

    def test_the_placement_block_names_malmos_levels(self):
        from trygg.incidents.templatetags.placement_tags import placement_share

        holma = Area.objects.get(code="1280-25611")
        share = placement_share(holma.parent, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        self.assertEqual(share["levels"], [("delområde", 1)])
        share = placement_share(self.geso1.parent, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        self.assertEqual(share["municipality"], self.malmo_area)
        self.assertEqual(share["levels"], [("statistikområde", 2), ("delområde", 2)])  # top down

    def test_a_gazetteer_named_in_the_configuration_is_loaded_with_it(self):
        """A register (stops, places; the area column named) and a curated list in the folder,
        named under [gazetteer]: loaded by the same setup, and used for placing."""
        import tempfile

        from trygg.incidents.gazetteer import Gazetteer
        from trygg.incidents.models import PlaceName

        text = (MALMO / "municipality.toml").read_text("utf-8") + (
            '\n[gazetteer]\nregister = "stops.csv"\narea_column = "delomrade"\nnames = "names.csv"\n')
        Area.objects.create(code="1281", name="Lund", level="municipality", parent=self.sweden)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "municipality.toml").write_text(text, "utf-8")
            for name in ("malmo_statistikomraden.geojson.gz", "malmo_delomraden.geojson.gz"):
                (folder / name).write_bytes((MALMO / name).read_bytes())
            (folder / "stops.csv").write_text(
                "name,kind,municipality,name_type,delomrade\n"
                "Limhamns torg,stop,Malmö,square,1280-23107\nKalkbrottsgatan,stop,Malmö,street,1280-23107\n"
                "Lund C,stop,Lund,other,\n", "utf-8")
            (folder / "names.csv").write_text("name,area,note\nLimhamn,1280-6,the whole of it\nMöllan,1280-9,\n",
                                              "utf-8")
            result = setup_municipality(folder)
            again = setup_municipality(folder)
        self.assertEqual(result.place_names["1280"], 4)
        self.assertEqual(again.place_names, result.place_names)  # a second run replaces, adds nothing
        self.assertEqual(again.new_areas, 0)
        self.assertTrue(PlaceName.objects.filter(municipality__code="1281", name="Lund C").exists())  # a neighbour
        street = PlaceName.objects.get(municipality=self.malmo_area, name="Kalkbrottsgatan")
        self.assertEqual(street.area.code, "1280-6")  # a street by one point: one level up
        gaz = Gazetteer(self.malmo_area)
        self.assertEqual(gaz.find("Personrån, Limhamn").path, Area.objects.get(code="1280-6").path)
        self.assertEqual(gaz.find("Bråk på Limhamns torg.").path, Area.objects.get(code="1280-23107").path)
        self.assertEqual(gaz.find("Rån på Möllan.").path, Area.objects.get(code="1280-9").path)
        outside = gaz.find("Rån vid Lund C.")  # only another municipality's place: moved there
        self.assertTrue(outside.outside)
        self.assertEqual(outside.path, Area.objects.get(code="1281").path)

    def assert_malmo_only(self, response):
        self.assertEqual(response.status_code, 200)
        text = visible_text(response)
        leaked = [n for n in GOTEBORG_NAMES if n in text]
        self.assertEqual(leaked, [], "Göteborg's names on a Malmö page")
        return text

    def test_the_picture_page(self):
        self.client.force_login(self.maja)
        text = self.assert_malmo_only(self.client.get(f"/lagesbild/{self.geso1.code}/?from=2025-03-01&to=2025-03-31"))
        self.assertIn("Statistikområde", text)
        self.assertIn("Gamla Staden", text)  # a delområde of the district

    def test_no_population_means_no_rate(self):
        """Malmö's areas have no population: the picture says so and shows no rate (not 0)."""
        self.client.force_login(self.maja)
        with translation.override("sv"):
            response = self.client.get(f"/lagesbild/{self.geso1.code}/?from=2025-03-01&to=2025-03-31",
                                       HTTP_ACCEPT_LANGUAGE="sv")
        text = self.assert_malmo_only(response)
        self.assertIn("Befolkning: okänd – inga tal per invånare", re.sub(r"<[^>]+>", "", text))
        self.assertIsNone(response.context["fig"].population)
        self.assertTrue(response.context["fig"].rows)  # there are figures, only no rates
        rates = [r.rate for r in response.context["fig"].rows if getattr(r, "rate", None) is not None]
        self.assertEqual(rates, [])

    def test_the_public_page(self):
        text = self.assert_malmo_only(self.client.get(f"/lagesbild/offentlig/{self.geso1.code}/"))
        self.assertIn("Västra hamnen, Gamla staden m fl", text)
        self.assertIn("Ribersborg, Bellevue m fl", text)  # another district of Malmö, not of Göteborg
        self.assertEqual(self.client.get("/lagesbild/offentlig/1280-11312/").status_code, 404)  # a delområde

    def test_the_work_cycle_page(self):
        self.client.force_login(self.maja)
        text = self.assert_malmo_only(self.client.get(f"/arbete/{self.geso1.code}/"))
        self.assertIn("Västra hamnen, Gamla staden m fl", text)

    def test_the_annual_report(self):
        self.login("ulla")  # Göteborg's analyst: Malmö's report is not hers
        self.assertEqual(self.client.get("/rapporter/arsanalys/2025/vald/?kommun=1280").status_code, 404)
        self.login("ada")  # a superuser sees every municipality's
        response = self.client.get("/rapporter/arsanalys/2025/vald/?kommun=1280")
        self.assertEqual(response.status_code, 202)  # queued: built by the background job runner
        self.run_jobs()
        text = self.assert_malmo_only(self.client.get("/rapporter/arsanalys/2025/vald/?kommun=1280"))
        self.assertIn("Malmö stad och Polisen, polisområde Malmö", text)
        self.assertIn("Hyllievång, Kroksbäck m fl", text)
        self.assertNotIn("Göteborgs Stad och Polisen", text)
        self.client.get("/rapporter/arsanalys/2025/vald/")  # the installation's own: Göteborg
        self.run_jobs()
        home = self.client.get("/rapporter/arsanalys/2025/vald/")
        self.assertIn("Göteborgs Stad och Polisen, Storgöteborg", home.content.decode())
        self.assertEqual(self.client.get("/rapporter/arsanalys/2025/vald/?kommun=9999").status_code, 404)

    def test_it_checks_access(self):
        self.login("alice")  # Göteborg, Nordost
        for url in (f"/arbete/{self.geso1.code}/", f"/lagesbild/{self.geso1.code}/", "/arbete/1280-2/"):
            self.assertEqual(self.client.get(url).status_code, 403, url)
        # the area register (with the partnership's people) is each municipality's own
        self.assertEqual(self.client.get(f"/omraden/{self.geso1.code}/").status_code, 404)
        self.client.force_login(self.maja)  # Malmö's coordinator sees none of Göteborg
        self.assertEqual(self.client.get(f"/arbete/{self.nordost.code}/").status_code, 403)
        self.assertEqual(self.client.get(f"/lagesbild/{self.nordost.code}/").status_code, 403)
        self.assertEqual(self.client.get("/arbete/1280-2/").status_code, 403)  # nor another Malmö district


class SetupCommandTestCase(BaseTestCase):
    def call(self, *args):
        out = StringIO()
        with mock.patch("django.core.management.base.connections.close_all"):
            call_command("setup_municipality", *args, stdout=out)
        return out.getvalue()

    def write(self, tmp: Path, text: str) -> Path:
        tmp.mkdir(parents=True, exist_ok=True)
        path = tmp / "municipality.toml"
        path.write_text(text, "utf-8")
        return path

    def test_it_runs_as_trygg_setup_municipality(self):
        import contextlib

        from trygg.cli import main

        out, err = StringIO(), StringIO()
        with mock.patch("django.core.management.base.connections.close_all"), \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            self.assertEqual(main(["setup", "municipality", str(MALMO)]), 0, err.getvalue())
        self.assertIn("Malmö (1280): configuration created", out.getvalue())
        self.assertTrue(Municipality.objects.filter(code="1280").exists())
        with mock.patch("django.core.management.base.connections.close_all"), \
                contextlib.redirect_stdout(StringIO()), contextlib.redirect_stderr(err):
            self.assertNotEqual(main(["setup", "municipality", "/no/such/folder"]), 0)
        self.assertIn("/no/such/folder: no such file", err.getvalue())
        self.assertNotIn("Traceback", err.getvalue())

    def test_it_works(self):
        out = self.call(str(MALMO))
        self.assertIn("Malmö (1280): configuration created", out)
        self.assertIn("150 areas in files, 150 new", out)
        self.assertIn("configuration updated", self.call(str(MALMO / "municipality.toml")))

    def test_errors_name_file_line_and_field(self):
        import tempfile

        text = (MALMO / "municipality.toml").read_text("utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            for broken, expected in [
                (text.replace('district_level = "statistikomrade"', 'district_level = "stadsdel"'),
                 r"municipality\.toml:\d+: municipality\.district_level: 'stadsdel' is not one of the levels"),
                (text.replace('code = "1280"', 'code = "128"'), r"municipality\.toml:\d+: municipality\.code"),
                (text.replace('key = "delomrade"', 'key = "Del område"'), r"municipality\.toml:\d+: levels\[1\]\.key"),
                (text.replace('name_field = "name"\nparent_field', 'parent_field'),
                 r"municipality\.toml:\d+: levels\[1\]\.name_field: missing"),
                (text.replace("[municipality]", "[municipality"), r"municipality\.toml: .*line \d+"),
                (text.replace('key = "delomrade"', 'key = "delomrade"\nnamed_in_texts = "no"'),
                 r"municipality\.toml:\d+: levels\[1\]\.named_in_texts: expected true or false"),
                (text.replace('parent_field = "parent_code"', 'parent_field = "parent_code"\nname_format = "{nr}"'),
                 r"municipality\.toml:\d+: levels\[1\]\.name_format: \{code\}, \{name\} and \{parent\}"),
                (text.replace('parent_field = "parent_code"', 'parent_field = "parent_code"\ninvalid_geometry = "x"'),
                 r"levels\[1\]\.invalid_geometry: refuse, repair or keep"),
                (text + '\n[population]\nyear = "2025"\n', r"municipality\.toml:\d+: population\.year: a year"),
                (text + '\n[population]\nyear = 2025\nmunicipality = { "" = -1 }\n',
                 r"municipality\.toml:\d+: population\.municipality: expected a table"),
                (text + '\n[gazetteer]\nregister = "stops.csv"\n',
                 r"municipality\.toml:\d+: gazetteer\.register: .*stops\.csv does not exist"),
                (text + '\n[gazetteer]\nnamn = "names.csv"\n', r"municipality\.toml:\d+: gazetteer\.namn: unknown"),
            ]:
                path = self.write(Path(tmp) / "case", broken)
                for name in ("malmo_statistikomraden.geojson.gz", "malmo_delomraden.geojson.gz"):
                    (path.parent / name).write_bytes((MALMO / name).read_bytes())
                with self.assertRaisesRegex(CommandError, expected):
                    self.call(str(path.parent))
            self.assertFalse(Municipality.objects.exists())
            self.assertFalse(Area.objects.filter(level="statistikomrade").exists())

    def test_it_is_atomic(self):
        import tempfile

        text = (MALMO / "municipality.toml").read_text("utf-8").replace('parent_field = "parent_code"',
                                                                        'parent_field = "no_such_property"')
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write(Path(tmp), text)
            for name in ("malmo_statistikomraden.geojson.gz", "malmo_delomraden.geojson.gz"):
                (path.parent / name).write_bytes((MALMO / name).read_bytes())
            with self.assertRaisesRegex(CommandError, r"levels\[1\]\.file: .*no_such_property"):
                self.call(str(path))
        # the first level loaded before the second failed: rolled back with the configuration
        self.assertFalse(Area.objects.filter(level="statistikomrade").exists())
        self.assertFalse(Municipality.objects.exists())
