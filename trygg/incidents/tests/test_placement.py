"""Placing police events from their text: matching rules, resolution, other municipalities,
re-placement, a second (toy) municipality, the analyst's gazetteer page and the picture block."""

import datetime as dt
import json
import shutil
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from trygg.areas.models import Area, Level
from trygg.incidents.gazetteer import Gazetteer
from trygg.incidents.models import Incident, PlaceName
from trygg.incidents.placing import load_gazetteer
from trygg.incidents.templatetags.placement_tags import placement_share
from trygg.testing.personas import BaseTestCase


def event(id_, summary, body="", town="Göteborg", type_="Misshandel", when="2025-05-03 9:05:00 +02:00"):
    return {"id": id_, "datetime": when, "name": f"03 maj 08:40, {type_}, {town}",
            "summary": summary, "html_body": body, "url": f"/x/{id_}/", "type": type_,
            "location": {"name": "Västra Götalands län", "gps": "58.252793,13.059643"}}


class WorldMixin:
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        muni = Level.MUNICIPALITY
        cls.molndal = Area.objects.create(code="1481", name="Mölndal", level=muni, parent=cls.sweden)
        cls.ale = Area.objects.create(code="1440", name="Ale", level=muni, parent=cls.sweden)
        cls.kungalv = Area.objects.create(code="1482", name="Kungälv", level=muni, parent=cls.sweden)
        cls.eriksbo = Area.objects.create(code="613", name="Eriksbo", level=Level.PRIMAROMRADE, parent=cls.hjallbo_mo)
        names = [
            (cls.goteborg, "Hjällbo torg", cls.hjallbo), (cls.goteborg, "Gustaf Adolfs torg", cls.vallgraven),
            (cls.goteborg, "Angered", cls.nordost), (cls.goteborg, "Hisings Backa", cls.hjallbo_mo),
            (cls.goteborg, "Heden", cls.vallgraven), (cls.goteborg, "Gårda", cls.vallgraven),
            (cls.goteborg, "Centrum", None),
            (cls.molndal, "Gunnebo", cls.molndal), (cls.molndal, "Gårda", cls.molndal),
            (cls.ale, "Bräcke", cls.ale), (cls.kungalv, "Bräcke", cls.kungalv),
        ]
        for municipality, name, area in names:
            PlaceName.objects.create(municipality=municipality, name=name, area=area, origin="curated")
        PlaceName.objects.create(municipality=cls.molndal, name="Kungsgatan", area=cls.molndal, kind="street",
                                 origin="register")


class MatchingTestCase(WorldMixin, BaseTestCase):
    def place(self, text):
        return Gazetteer(self.goteborg).find(text)

    def assertPlaced(self, text, area, rule=None):
        res = self.place(text)
        self.assertIsNotNone(res, text)
        self.assertEqual(res.path, area.path, text)
        if rule:
            self.assertEqual(res.rule, rule, text)
        return res

    def test_names_inflections_and_compounds(self):
        self.assertEqual(self.assertPlaced("Bråk vid Hjällbo torg.", self.hjallbo).names, ("Hjällbo torg",))
        self.assertPlaced("Bråk i Hjällbos centrum.", self.hjallbo)  # genitive of an area name
        self.assertPlaced("Fotboll på Hjällbovallen.", self.hjallbo, "compound")  # a site: the area itself
        self.assertPlaced("Olycka på Hjällbovägen.", self.hjallbo_mo, "compound")  # a road: one level up
        self.assertPlaced("Krock vid Hjällbomotet.", self.hjallbo_mo)
        self.assertIsNone(self.place("Olycka på Gunnebovägen."))  # never a compound of another municipality's name
        self.assertIsNone(self.place("Olycka på Göteborgsvägen."))

    def test_case_spelling_and_hyphens(self):
        self.assertPlaced("Misshandel vid Gustav Adolfs Torg.", self.vallgraven)
        self.assertPlaced("Smällar i Hisings-backa.", self.hjallbo_mo)
        self.assertIsNone(self.place("det var en backe vid torget"))  # lower-case common words
        self.assertIsNone(self.place("Heden var full av folk."))  # a common word at the start of a sentence
        self.assertPlaced("Bråk på Heden.", self.vallgraven)
        self.assertIsNone(self.place("Bråk i Centrum."))  # a name the gazetteer blocks

    def test_context_rules(self):
        self.assertIsNone(self.place("Bilen tog avfart mot Hjällbo."))
        self.assertIsNone(self.place("Gärningsmannen sprang i riktning mot Hjällbo torg."))
        self.assertIsNone(self.place("Mannen fördes till Hjällbo."))
        self.assertIsNone(self.place("En man från Hjällbo blev rånad."))
        self.assertPlaced("Polis larmas till Hjällbo torg.", self.hjallbo)
        self.assertIsNone(self.place("Insats av lokalpolisområde Nordost."))
        self.assertPlaced("Rån i Inom Vallgraven. Gärningsmannen stoppades kring Hjällbo torg.", self.vallgraven)
        self.assertIsNone(self.place("En man greps senare i Hjällbo."))

    def test_resolution_never_guesses(self):
        res = self.assertPlaced("Bråk i Angered.", self.nordost)  # a name covering several areas
        self.assertEqual(res.rule, "name")
        self.assertPlaced("Misshandel i Nordost, vid Hjällbo torg.", self.hjallbo)  # one chain: the finest
        self.assertPlaced("Bränder i Hjällbo och Eriksbo.", self.hjallbo_mo, "common-ancestor")
        self.assertIsNone(self.place("Bråk i Hjällbo och vid Gustaf Adolfs torg."))  # only the municipality in common
        self.assertIsNone(self.place("Ingen plats här."))

    def test_other_municipalities(self):
        res = self.assertPlaced("Brand i Gunnebo.", self.molndal, "outside")
        self.assertTrue(res.outside)
        self.assertPlaced("Olycka i Mölndal.", self.molndal)  # a municipality of the same county
        self.assertIsNone(self.place("Brand i Bräcke."))  # in two other municipalities: not moved
        self.assertIsNone(self.place("Olycka på Kungsgatan."))  # other municipalities' streets are not used
        self.assertPlaced("Brand i Gårda.", self.vallgraven)  # the event's own municipality wins
        self.assertIsNone(self.place("Brand i Gunnebo, nära Hjällbo."))  # names in both: not moved, not placed
        self.assertIsNone(self.place("Trafiken gick mot Mölndal."))


class EventFilesMixin:
    """``self.write(records)``: a police events file in a folder removed after the test."""

    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def write(self, records, name="events.json"):
        path = self.tmp / name
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        return path


class ImportAndReplaceTestCase(EventFilesMixin, WorldMixin, BaseTestCase):

    def test_import_records_the_name_and_level_and_moves_other_municipalities(self):
        call_command("import_police_events", str(self.write([
            event(1, "Bråk vid Hjällbo torg."), event(2, "Bråk i Angered."), event(3, "Brand i Gunnebo."),
            event(4, "Ingen plats."), event(5, "Sammanfattning", body="Hjällbo torg", type_="Sammanfattning natt"),
        ])))
        one, two, three, four, five = (Incident.objects.get(source_id=str(i)) for i in range(1, 6))
        self.assertEqual((one.area, one.placement, one.place_text, one.place_level),
                         (self.hjallbo, "text", "Hjällbo torg", "primaromrade"))
        self.assertEqual((two.area, two.place_level), (self.nordost, "stadsomrade"))
        self.assertEqual((three.municipality, three.area, three.reported_municipality, three.place_level),
                         (self.molndal, self.molndal, self.goteborg, "municipality"))
        self.assertFalse(Incident.objects.within(self.goteborg).filter(pk=three.pk).exists())
        self.assertEqual((four.area, four.placement, four.place_level), (self.goteborg, "municipality", ""))
        self.assertEqual(five.placement, "municipality")  # summaries are never placed
        self.assertEqual(one.import_run.placed_in_district, 2)

    def test_replace_command_dry_run_then_apply(self):
        call_command("import_police_events", str(self.write([event(1, "Rån på Kvarngatan."), event(2, "Bråk i Angered.")])))
        PlaceName.objects.create(municipality=self.goteborg, name="Kvarngatan", area=self.eriksbo)
        out = StringIO()
        call_command("place_police_events", "--dry-run", stdout=out)
        self.assertIn("1 would change", out.getvalue())
        self.assertIn("Göteborg (municipality) → Eriksbo (primärområde)", out.getvalue())
        self.assertEqual(Incident.objects.get(source_id="1").area, self.goteborg)  # nothing written
        call_command("place_police_events", stdout=StringIO())
        moved = Incident.objects.get(source_id="1")
        self.assertEqual((moved.area, moved.area_path, moved.place_text), (self.eriksbo, self.eriksbo.path, "Kvarngatan"))
        out = StringIO()
        call_command("place_police_events", stdout=out)  # idempotent
        self.assertIn("0 changed", out.getvalue())


@override_settings(TRYGG_MUNICIPALITY_CODE="9999")
class ToyMunicipalityTestCase(BaseTestCase):
    """The same machinery for another municipality with its own areas and gazetteer."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.toy = Area.objects.create(code="9999", name="Toyköping", level=Level.MUNICIPALITY, parent=cls.sweden)
        cls.norr = Area.objects.create(code="T1", name="Norrstaden", level=Level.STADSOMRADE, parent=cls.toy)
        cls.kvarn = Area.objects.create(code="T11", name="Kvarnbacken", level=Level.PRIMAROMRADE, parent=cls.norr)
        cls.syd = Area.objects.create(code="T2", name="Söderstaden", level=Level.STADSOMRADE, parent=cls.toy)

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_own_gazetteer_and_events(self):
        names = self.tmp / "names.csv"
        names.write_text("name,area,note\nStortorget,T11,the square\nÅstranden,T2,\nHjällbo torg,,not here\n", "utf-8")
        call_command("import_gazetteer", "--municipality", "9999", "--file", str(names), stdout=StringIO())
        self.assertEqual(PlaceName.objects.filter(municipality=self.toy).count(), 3)
        events = self.tmp / "events.json"
        events.write_text(json.dumps([
            event(1, "Bråk på Stortorget.", town="Toyköping"), event(2, "Brand vid Åstrandens bad.", town="Toyköping"),
            event(3, "Rån i Kvarnbacken och på Åstranden.", town="Toyköping"),
            event(4, "Bråk vid Stortorget.", town="Göteborg"),  # Göteborg's gazetteer has no Stortorget
        ], ensure_ascii=False), "utf-8")
        call_command("import_police_events", str(events))
        got = {i.source_id: (i.municipality.code, i.area.code, i.placement)
               for i in Incident.objects.select_related("area", "municipality")}
        self.assertEqual(got, {"1": ("9999", "T11", "text"), "2": ("9999", "T2", "text"),
                               "3": ("9999", "9999", "municipality"), "4": ("1480", "1480", "municipality")})

    def test_bad_gazetteer_file_names_the_line_and_changes_nothing(self):
        PlaceName.objects.create(municipality=self.toy, name="Gammal", area=self.norr, origin="curated")
        bad = self.tmp / "bad.csv"
        bad.write_text("name,area\nStortorget,T11\nNowhere,ZZ9\n", "utf-8")
        with self.assertRaisesMessage(CommandError, "bad.csv line 3: field 'area': no area with code 'ZZ9'"):
            call_command("import_gazetteer", "--municipality", "9999", "--file", str(bad))
        self.assertEqual(list(PlaceName.objects.filter(municipality=self.toy).values_list("name", flat=True)), ["Gammal"])
        nocol = self.tmp / "nocol.csv"
        nocol.write_text("namn,omrade\nX,T1\n", "utf-8")
        with self.assertRaisesMessage(CommandError, "missing column(s) area, name"):
            call_command("import_gazetteer", "--municipality", "9999", "--file", str(nocol))

    def test_a_reload_without_a_shipped_gazetteer_is_refused(self):
        """Toyköping's names came from its own list: reloading "the shipped ones" would only remove them."""
        PlaceName.objects.create(municipality=self.toy, name="Stortorget", area=self.kvarn, origin="register")
        with self.assertRaisesMessage(CommandError, "no shipped configuration has a gazetteer for Toyköping"):
            call_command("import_gazetteer", "--municipality", "9999", stdout=StringIO())
        self.assertTrue(PlaceName.objects.filter(municipality=self.toy, name="Stortorget").exists())
        from trygg.incidents.placing import shipped_sources

        shipped = shipped_sources()
        self.assertTrue(shipped.covers(self.goteborg))  # its configuration names its register and list
        molndal = Area.objects.create(code="1481", name="Mölndal", level=Level.MUNICIPALITY, parent=self.sweden)
        self.assertTrue(shipped.covers(molndal))  # a neighbour its register names

    def test_analyst_names_survive_a_reload(self):
        PlaceName.objects.create(municipality=self.toy, name="Egen", area=self.syd, origin="analyst")
        names = self.tmp / "names.csv"
        names.write_text("name,area\nEgen,T1\nStortorget,T11\n", "utf-8")
        load_gazetteer([self.toy], curated_file=names)
        self.assertEqual(PlaceName.objects.get(municipality=self.toy, name="Egen").area, self.syd)


class GazetteerPageTestCase(WorldMixin, BaseTestCase):
    url = reverse("incidents:gazetteer")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for i, text in enumerate(["Rån på Kvarngatan.", "Bråk vid Kvarngatan.", "Ingen plats."], start=1):
            Incident.objects.create(source="police", source_id=str(i), occurred_at=dt.datetime(2025, 5, i, 12, tzinfo=dt.UTC),
                                    date=dt.date(2025, 5, i), category="misshandel", theme="vald",
                                    municipality=cls.goteborg, reported_municipality=cls.goteborg, area=cls.goteborg,
                                    placement="municipality", summary=text, event_type="Misshandel")

    def test_it_works(self):
        self.login("ulla")
        r = self.client.get(self.url, {"q": "Hjällbo"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Hjällbo torg")
        self.assertNotContains(r, "Gustaf Adolfs torg")  # filtered by the search

    def test_it_checks_access(self):
        for username in ("alice", "bob", "carl", "rami", "lena", "nils"):
            self.login(username)
            self.assertEqual(self.client.get(self.url).status_code, 403, username)
            self.assertEqual(self.client.post(self.url, {"name": "X", "action": "save"}).status_code, 403, username)
        self.assertFalse(PlaceName.objects.filter(name="X").exists())
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def test_preview_shows_what_would_move_and_saves_nothing(self):
        self.login("ulla")
        r = self.client.post(self.url, {"name": "Kvarngatan", "area": self.eriksbo.code, "action": "preview"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["preview"].changed, 2)
        self.assertContains(r, "Eriksbo")
        self.assertNotContains(r, "Rån på Kvarngatan")  # police text only for police roles
        self.assertFalse(PlaceName.objects.filter(name="Kvarngatan").exists())
        self.assertEqual(Incident.objects.filter(area=self.eriksbo).count(), 0)

    def test_save_adds_the_name_and_places_again(self):
        self.login("ulla")
        r = self.client.post(self.url, {"name": " Kvarngatan ", "area": self.eriksbo.code, "note": "ny gata",
                                        "action": "save"})
        self.assertRedirects(r, self.url)
        entry = PlaceName.objects.get(municipality=self.goteborg, name="Kvarngatan")
        self.assertEqual((entry.area, entry.origin, entry.created_by), (self.eriksbo, "analyst", self.ulla))
        self.assertEqual(Incident.objects.filter(area=self.eriksbo, placement="text").count(), 2)
        # the same name again points it elsewhere (no duplicate)
        self.client.post(self.url, {"name": "kvarngatan", "area": "", "action": "save"})
        self.assertEqual(PlaceName.objects.filter(municipality=self.goteborg, name__iexact="kvarngatan").count(), 1)
        self.assertEqual(Incident.objects.filter(area=self.eriksbo).count(), 0)

    def test_edit_and_delete_an_own_name(self):
        self.login("ulla")
        self.client.post(self.url, {"name": "Kvarngatan", "area": self.eriksbo.code, "action": "save"})
        entry = PlaceName.objects.get(municipality=self.goteborg, name="Kvarngatan")
        r = self.client.get(self.url, {"edit": entry.pk})
        self.assertEqual(r.context["form"].initial["area"], self.eriksbo.code)
        # edit: point it elsewhere, same entry
        self.client.post(self.url, {"entry": entry.pk, "name": "Kvarngatan", "area": self.hjallbo.code, "action": "save"})
        entry.refresh_from_db()
        self.assertEqual(entry.area, self.hjallbo)
        self.assertEqual(Incident.objects.filter(area=self.hjallbo, placement="text").count(), 2)
        # delete: the preview shows what would move back and changes nothing
        r = self.client.post(self.url, {"entry": entry.pk, "action": "delete-preview"})
        self.assertEqual(r.context["preview"].changed, 2)
        self.assertEqual(r.context["preview"].placed_after, 0)
        self.assertTrue(PlaceName.objects.filter(pk=entry.pk).exists())
        self.assertEqual(Incident.objects.filter(area=self.hjallbo).count(), 2)
        r = self.client.post(self.url, {"entry": entry.pk, "action": "delete"})
        self.assertRedirects(r, self.url)
        self.assertFalse(PlaceName.objects.filter(pk=entry.pk).exists())
        self.assertEqual(Incident.objects.filter(area=self.goteborg, placement="municipality").count(), 3)

    def test_delete_checks_access(self):
        own = PlaceName.objects.create(municipality=self.goteborg, name="Kvarngatan", area=self.eriksbo,
                                       origin="analyst")
        shipped = PlaceName.objects.get(municipality=self.goteborg, name="Hjällbo torg")
        for username in ("alice", "bob", "carl", "rami", "lena", "nils"):
            self.login(username)
            self.assertEqual(self.client.post(self.url, {"entry": own.pk, "action": "delete"}).status_code, 403, username)
        self.login("ulla")
        # shipped names are corrected by a name of one's own, not deleted; another municipality's never
        self.assertEqual(self.client.post(self.url, {"entry": shipped.pk, "action": "delete"}).status_code, 404)
        other = PlaceName.objects.create(municipality=self.molndal, name="Kvarnen", origin="analyst")
        self.assertEqual(self.client.post(self.url, {"entry": other.pk, "action": "delete"}).status_code, 404)
        self.assertEqual(self.client.get(self.url, {"edit": shipped.pk}).status_code, 404)
        self.assertTrue(PlaceName.objects.filter(pk__in=[own.pk, shipped.pk, other.pk]).count() == 3)
        self.assertEqual(self.client.post(self.url, {"entry": own.pk, "action": "delete"}).status_code, 302)
        self.assertFalse(PlaceName.objects.filter(pk=own.pk).exists())

    def test_it_refuses_personal_data(self):
        self.login("ulla")
        r = self.client.post(self.url, {"name": "19811218-9876", "action": "save"})
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.context["form"].errors)
        self.assertFalse(PlaceName.objects.filter(name__contains="1981").exists())


class PictureBlockTestCase(WorldMixin, BaseTestCase):
    def setUp(self):
        day = dt.date(2025, 5, 2)
        rows = [(self.hjallbo, "text", "primaromrade", self.goteborg), (self.nordost, "text", "stadsomrade", self.goteborg),
                (self.goteborg, "municipality", "", self.goteborg), (self.goteborg, "municipality", "", self.goteborg),
                (self.molndal, "text", "municipality", self.molndal)]
        for i, (area, placement, level, muni) in enumerate(rows):
            Incident.objects.create(source="police", source_id=f"p{i}", occurred_at=dt.datetime(2025, 5, 2, 12, tzinfo=dt.UTC),
                                    date=day, category="misshandel", theme="vald", municipality=muni,
                                    reported_municipality=self.goteborg, area=area, placement=placement,
                                    place_level=level)

    def test_counts_per_area_and_period(self):
        start, end = dt.date(2025, 5, 1), dt.date(2025, 5, 31)
        with self.assertNumQueries(2):
            city = placement_share(self.goteborg, start, end)
        self.assertEqual((city["text"], city["only_municipality"], city["moved_out"]), (2, 2, 1))
        with self.assertNumQueries(3):
            district = placement_share(self.nordost, start, end)
        self.assertEqual((district["text"], district["only_municipality"]), (2, 2))
        self.assertEqual([n for _label, n in district["levels"]], [1, 1])
        self.assertEqual(placement_share(self.nordost, dt.date(2025, 6, 1), dt.date(2025, 6, 30))["text"], 0)

    def test_the_picture_block_is_counted_once_per_data_version(self):
        from django.core.cache import caches
        from django.test.utils import override_settings

        from trygg.incidents import dataversion
        from trygg.incidents.templatetags.placement_tags import police_placement

        start, end = dt.date(2025, 5, 1), dt.date(2025, 5, 31)
        caches["figures"].clear()
        with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                                       "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                   "LOCATION": "placement-test"}}):
            first = police_placement(self.nordost, start, end)["share"]
            with self.assertNumQueries(1):  # the data version only
                again = police_placement(self.nordost, start, end)["share"]
            self.assertEqual(again["text"], first["text"])
            Incident.objects.create(source="police", source_id="p-new", date=dt.date(2025, 5, 3),
                                    occurred_at=dt.datetime(2025, 5, 3, 12, tzinfo=dt.UTC), category="misshandel",
                                    theme="vald", municipality=self.goteborg, reported_municipality=self.goteborg,
                                    area=self.hjallbo, placement="text", place_level="primaromrade")
            self.assertEqual(police_placement(self.nordost, start, end)["share"]["text"], first["text"])  # cached
            # the commit raises the data version (this test's transaction never commits: as if it had)
            with mock.patch.object(dataversion, "current", return_value=dataversion.current() + 1):
                self.assertEqual(police_placement(self.nordost, start, end)["share"]["text"], first["text"] + 1)

    def test_the_public_page_says_how_much_is_placed_citywide(self):
        from types import SimpleNamespace

        from trygg.picture.views import public_placement

        period = SimpleNamespace(start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 31))
        for area in (self.nordost, self.goteborg):  # a district shows the municipality's figures, never its own
            got = public_placement(area, period)
            self.assertEqual((got["municipality"], got["text"], got["only_municipality"], got["percent"]),
                             (self.goteborg, 2, 2, 50))
        empty = public_placement(self.nordost, SimpleNamespace(start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30)))
        self.assertIsNone(empty["percent"])

    def test_the_picture_page_shows_the_block(self):
        self.login("alice")
        r = self.client.get(reverse("picture:picture", args=[self.nordost.code]), {"from": "2025-05-01", "to": "2025-05-31"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'data-testid="police-placement"')
        self.assertContains(r, "known only at municipality level")
