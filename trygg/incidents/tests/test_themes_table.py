"""Themes, categories, the police event-type and the Brå crime-type mappings are tables: loaded from the shipped files
(idempotently, by the migration and ``trygg setup municipality``), edited in the admin by staff,
and read by pages, imports and forms through one snapshot per process."""

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from django.core.cache import caches
from django.test import override_settings

from trygg.areas.municipality_setup import setup_municipality
from trygg.areas.schemes import SchemeError
from trygg.incidents import categories, taxonomy
from trygg.incidents.bra import import_bra_csv
from trygg.incidents.models import BraCrimeType, Category, CrimeStatistic, Incident, PoliceEventType, Theme
from trygg.incidents.police import import_police_events
from trygg.incidents.tests.test_import_police import gbg
from trygg.picture.tests.world import make
from trygg.testing.personas import BaseTestCase

MINIMAL = """
[municipality]
code = "1280"
name = "Malmö"
city_organisation = "Malmö stad"
police_organisation = "Polisområde Malmö"
district_level = "statistikomrade"
metro_peers = []
report_cover = "Malmö stad och Polisen"

[[levels]]
key = "statistikomrade"
name = "statistikområde"
plural = "statistikområden"
"""
Q = "?from=2025-03-01&to=2025-03-28&compare=previous"
ADMIN = "/admin/incidents/"


class ThemesTableTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        taxonomy.load()  # the migration's rows (a TransactionTestCase elsewhere may have emptied the tables)
        make(cls.nordost, dt.date(2025, 3, 12), "misshandel", n=3)
        make(cls.nordost, dt.date(2025, 3, 10), "narkotikabrott", n=4)

    def category_form(self, category, **changes):
        data = {"name_sv": category.name_sv, "name_en": category.name_en, "theme": category.theme_id,
                "counted": "on" if category.counted else "", "est_order": category.est_order or "",
                "order": category.order}
        return {k: v for k, v in {**data, **changes}.items() if v != ""}

    def test_the_defaults_are_the_former_constants(self):
        self.assertEqual(list(categories.THEMES)[:3], ["narkotika", "organiserad-brottslighet", "vald"])
        self.assertEqual(len(categories.THEMES), 7)
        self.assertEqual(len(categories.CATEGORIES), 24)
        self.assertEqual(set(categories.NOT_COUNTED), {"sammanfattning", "uppdatering"})
        self.assertEqual(list(categories.EST_CATEGORIES), [
            "klotter", "skadegorelse", "nedskrapning", "brand", "narkotika-handel", "narkotika-fynd",
            "ansamling", "otrygg-plats", "hot-vald", "annat"])
        self.assertEqual(categories.theme_of("skottlossning"), "organiserad-brottslighet")
        self.assertEqual(categories.theme_of("okänd"), "ovrigt")
        self.assertEqual(categories.category_of_police_type(" Rattfylleri "), "trafik")
        self.assertEqual(categories.category_label("misshandel"), "Assault")  # tests read English
        self.assertEqual(categories.crime_type_theme("skjutvapenbrott"), "organiserad-brottslighet")
        self.assertEqual(categories.crime_type_theme("alla_brott"), "")
        self.assertEqual(categories.crime_type_label("bostadsinbrott_villa"), "Burglary in a house")
        self.assertEqual(categories.crime_type_label("ny_brottstyp"), "ny brottstyp")

    def test_labels_follow_the_language_swedish_first(self):
        from django.utils import translation

        with translation.override("sv"):
            self.assertEqual(categories.theme_label("egendom"), "Egendomsbrott")
            self.assertEqual(categories.category_label("narkotika-fynd"), "Narkotikarelaterat skräp (t.ex. sprutor)")
        with translation.override("en"):
            self.assertEqual(categories.theme_label("egendom"), "Property crime")
        Theme.objects.filter(slug="egendom").update(name_en="")
        categories.forget()
        with translation.override("en"):
            self.assertEqual(categories.theme_label("egendom"), "Egendomsbrott")  # no English name: Swedish

    def test_the_snapshot_costs_no_queries_per_row(self):
        categories.current()
        with self.assertNumQueries(0):
            for _ in range(200):
                categories.category_label("misshandel"), categories.theme_of("ran"), list(categories.THEMES)
                categories.category_of_police_type("Rån")

    def test_an_admin_edit_of_a_category_label_shows_on_the_picture(self):
        assault = Category.objects.get(slug="misshandel")
        self.login("ada")
        r = self.client.post(f"{ADMIN}category/{assault.pk}/change/",
                             self.category_form(assault, name_en="Assault and battery", name_sv="Misshandel och våld"))
        self.assertEqual(r.status_code, 302, getattr(r, "context", None) and r.context["adminform"].form.errors)
        self.login("alice")
        r = self.client.get("/lagesbild/1/" + Q)
        self.assertContains(r, "Assault and battery")
        r = self.client.get("/lagesbild/1/" + Q, HTTP_ACCEPT_LANGUAGE="sv")
        self.assertContains(r, "Misshandel och våld")
        self.assertNotContains(r, "Assault and battery")

    def test_a_new_theme_of_a_category_moves_its_incidents(self):
        assault = Category.objects.get(slug="misshandel")
        self.login("ada")
        r = self.client.post(f"{ADMIN}category/{assault.pk}/change/",
                             self.category_form(assault, theme=Theme.objects.get(slug="ordning").pk))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(set(Incident.objects.filter(category="misshandel").values_list("theme", flat=True)), {"ordning"})
        self.assertEqual(categories.theme_of("misshandel"), "ordning")
        self.assertIn("misshandel", categories.categories_of("ordning"))

    def test_a_new_theme_is_offered_in_the_pictures_theme_choice(self):
        self.login("ada")
        r = self.client.post(f"{ADMIN}theme/add/", {"slug": "unga", "name_sv": "Unga i riskzon",
                                                     "name_en": "Young people at risk", "order": 75})
        self.assertEqual(r.status_code, 302)
        self.login("alice")
        r = self.client.get("/lagesbild/1/" + Q)
        self.assertIn(("unga", "Young people at risk"), r.context["themes"])
        self.assertContains(r, 'value="unga"')
        r = self.client.get("/lagesbild/1/" + Q + "&theme=unga")  # a theme the picture accepts
        self.assertEqual((r.status_code, r.context["fig"].theme), (200, "unga"))
        r = self.client.get("/lagesbild/1/" + Q + "&theme=finns-inte")
        self.assertNotEqual(getattr(r.context and r.context.get("fig"), "theme", None), "finns-inte")

    def test_the_police_import_uses_an_added_and_a_changed_event_type(self):
        shootings = Category.objects.get(slug="skottlossning")
        self.login("ada")
        r = self.client.post(f"{ADMIN}policeeventtype/add/", {"event_type": "Skottlossning, nytt namn",
                                                               "category": shootings.pk})
        self.assertEqual(r.status_code, 302)
        drugs_type = PoliceEventType.objects.get(event_type="Narkotikabrott")
        r = self.client.post(f"{ADMIN}policeeventtype/{drugs_type.pk}/change/", {
            "event_type": "Narkotikabrott", "category": Category.objects.get(slug="vapenbrott").pk})
        self.assertEqual(r.status_code, 302)
        import_police_events([gbg(1, "Skott hördes.", type_="Skottlossning, nytt namn"),
                              gbg(2, "Narkotika.", type_="Narkotikabrott"),
                              gbg(3, "Okänt.", type_="Något helt nytt")], file_name="t.json")
        got = dict((i.source_id, (i.category, i.theme)) for i in Incident.objects.filter(source="police", source_id__in=["1", "2", "3"]))
        self.assertEqual(got, {"1": ("skottlossning", "organiserad-brottslighet"),
                               "2": ("vapenbrott", "organiserad-brottslighet"), "3": ("ovrigt", "ovrigt")})

    def test_a_theme_or_category_in_use_cannot_be_deleted(self):
        self.login("ada")
        drugs = Category.objects.get(slug="narkotikabrott")
        self.assertEqual(self.client.get(f"{ADMIN}category/{drugs.pk}/delete/").status_code, 403)
        theme = Theme.objects.get(slug="trafik")
        self.assertEqual(self.client.get(f"{ADMIN}theme/{theme.pk}/delete/").status_code, 403)  # has categories
        spare = Theme.objects.create(slug="reserv", name_sv="Reserv", order=99)
        unused = Category.objects.create(slug="oanvand", name_sv="Oanvänd", theme=spare)
        self.assertEqual(self.client.get(f"{ADMIN}category/{unused.pk}/delete/").status_code, 200)
        self.assertEqual(self.client.post(f"{ADMIN}category/{unused.pk}/delete/", {"post": "yes"}).status_code, 302)
        self.assertFalse(Category.objects.filter(slug="oanvand").exists())
        self.assertNotIn("oanvand", categories.CATEGORIES)
        r = self.client.get(f"{ADMIN}category/")
        self.assertNotContains(r, "delete_selected")  # no bulk delete past the check
        self.assertEqual(self.client.post(f"{ADMIN}theme/{spare.pk}/delete/", {"post": "yes"}).status_code, 302)

    def test_only_staff_use_the_admin_of_the_tables(self):
        for page in ("theme/", "category/", "policeeventtype/", "bracrimetype/", f"category/{Category.objects.get(slug='ran').pk}/change/"):
            self.client.logout()
            r = self.client.get(ADMIN + page)
            self.assertEqual(r.status_code, 302, page)
            self.assertIn("/admin/login/", r["Location"])
            for name in ("alice", "ulla", "nils"):  # not staff
                self.login(name)
                r = self.client.get(ADMIN + page)
                self.assertEqual(r.status_code, 302, (name, page))
                self.assertIn("/admin/login/", r["Location"])
            self.lena.is_staff = True  # staff without the tables' permissions
            self.lena.save()
            self.login("lena")
            self.assertEqual(self.client.get(ADMIN + page).status_code, 403, page)
            self.login("ada")
            self.assertEqual(self.client.get(ADMIN + page).status_code, 200, page)
        self.login("alice")
        r = self.client.post(f"{ADMIN}theme/add/", {"slug": "x", "name_sv": "X", "order": 1})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(Theme.objects.filter(slug="x").exists())

    def test_the_bra_import_uses_the_crime_type_table(self):
        csv = Path(tempfile.mkdtemp()) / "bra.csv"
        self.addCleanup(shutil.rmtree, csv.parent)
        csv.write_text("year,area,crime_type,count\n2024,Nordost,bilstold,5\n2024,Nordost,cykelstold,7\n", "utf-8")
        self.login("ada")
        r = self.client.post(f"{ADMIN}bracrimetype/add/", {"slug": "cykelstold", "name_sv": "Cykelstöld",
                                                            "name_en": "Bicycle theft",
                                                            "theme": Theme.objects.get(slug="egendom").pk, "order": 200})
        self.assertEqual(r.status_code, 302)
        import_bra_csv(csv)
        self.assertEqual(CrimeStatistic.objects.get(crime_type="cykelstold").theme, "egendom")
        self.assertEqual(categories.crime_type_label("cykelstold"), "Bicycle theft")
        car = BraCrimeType.objects.get(slug="bilstold")
        r = self.client.post(f"{ADMIN}bracrimetype/{car.pk}/change/", {
            "name_sv": car.name_sv, "name_en": car.name_en, "theme": Theme.objects.get(slug="trafik").pk, "order": car.order})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(CrimeStatistic.objects.get(crime_type="bilstold").theme, "trafik")  # moved with its type
        self.assertEqual(self.client.get(f"{ADMIN}bracrimetype/{car.pk}/delete/").status_code, 403)  # in use

    def test_loading_the_defaults_is_idempotent(self):
        BraCrimeType.objects.all().delete()
        PoliceEventType.objects.all().delete()
        Category.objects.all().delete()
        Theme.objects.all().delete()
        counts = taxonomy.load()
        n = 7 + 24 + len(taxonomy.defaults().event_types) + 10
        self.assertEqual(counts, {"created": n, "updated": 0, "unchanged": 0})
        self.assertEqual(taxonomy.load(), {"created": 0, "updated": 0, "unchanged": n})
        Category.objects.filter(slug="ran").update(name_sv="Rån (ändrat i admin)")
        taxonomy.load()  # an edit in the admin wins over the defaults
        self.assertEqual(Category.objects.get(slug="ran").name_sv, "Rån (ändrat i admin)")
        self.assertEqual(Category.objects.get(slug="hot-vald").est_order, 9)
        self.assertEqual(PoliceEventType.objects.get(event_type="Rån").category.slug, "ran")


class MunicipalityTaxonomyTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        taxonomy.load()

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def config(self, extra: str) -> Path:
        """A configuration of the test world's Malmö without area files, and ``extra``."""
        path = self.tmp / "municipality.toml"
        path.write_text(MINIMAL + "\n" + extra, encoding="utf-8")
        return path

    def test_setup_adds_and_renames_from_the_municipality_file_idempotently(self):
        path = self.config('''
[[themes]]
slug = "unga"
sv = "Unga i riskzon"
en = "Young people at risk"

[[categories]]
slug = "ungdomsgang"
sv = "Ungdomsgäng"
theme = "unga"
est_order = 11

[[categories]]
slug = "ran"
sv = "Rån och personrån"

[[bra_crime_types]]
slug = "ungdomsrån"
sv = "Ungdomsrån"
theme = "unga"

[police_event_types]
"Ungdomsbrott" = "ungdomsgang"
''')
        first = setup_municipality(path).taxonomy
        self.assertEqual((first["created"], first["updated"]), (4, 1))
        self.assertEqual(categories.crime_type_theme("ungdomsrån"), "unga")
        self.assertEqual(setup_municipality(path).taxonomy["created"] + setup_municipality(path).taxonomy["updated"], 0)
        self.assertEqual(Category.objects.get(slug="ran").name_sv, "Rån och personrån")
        self.assertEqual(Category.objects.get(slug="ran").theme.slug, "vald")  # only the names it gives
        self.assertEqual(categories.theme_of("ungdomsgang"), "unga")
        self.assertEqual(categories.EST_CATEGORIES[-1], "ungdomsgang")
        self.assertEqual(categories.category_of_police_type("Ungdomsbrott"), "ungdomsgang")
        self.assertIn(("unga", "Young people at risk"), categories.theme_choices())

    def test_a_municipality_file_naming_no_themes_loads_the_defaults(self):
        BraCrimeType.objects.all().delete()
        PoliceEventType.objects.all().delete()
        Category.objects.all().delete()
        Theme.objects.all().delete()
        res = setup_municipality(self.config(""))
        self.assertEqual(res.taxonomy["updated"], 0)
        self.assertEqual(Theme.objects.count(), 7)
        self.assertEqual(Category.objects.count(), 24)
        self.assertEqual(BraCrimeType.objects.count(), 10)

    def test_errors_name_the_file_and_entry(self):
        with self.assertRaisesMessage(SchemeError, "categories[0].theme: missing"):
            setup_municipality(self.config('[[categories]]\nslug = "ny"\nsv = "Ny"\n'))
        with self.assertRaisesMessage(SchemeError, "unknown theme 'saknas'"):
            setup_municipality(self.config('[[categories]]\nslug = "ny"\nsv = "Ny"\ntheme = "saknas"\n'))
        with self.assertRaisesMessage(SchemeError, "unknown category 'saknas'"):
            setup_municipality(self.config('[police_event_types]\n"Typ" = "saknas"\n'))
        self.assertFalse(Category.objects.filter(slug="ny").exists())


class OtherProcessesTestCase(BaseTestCase):
    @override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                               "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                           "LOCATION": "h19-taxonomy"}})
    def test_a_change_in_another_process_is_seen_after_a_few_seconds(self):
        taxonomy.load()
        categories.forget()
        self.assertEqual(categories.category_label("ran"), "Robbery")
        Category.objects.filter(slug="ran").update(name_en="Robbery (elsewhere)")  # no signal: another process
        self.assertEqual(categories.category_label("ran"), "Robbery")
        caches["figures"].set(categories.TOKEN_KEY, "another process changed the tables")
        categories._state["checked"] -= categories.RECHECK_S
        self.assertEqual(categories.category_label("ran"), "Robbery (elsewhere)")
        categories.forget()  # the rollback puts the old name back
