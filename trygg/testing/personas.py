"""A small, fast geography and one named persona per role, for every app's tests.

The tree: Sverige → Göteborg (1480) → Nordost (1) → Hjällbo-area (12) → Hjällbo (612)
                                    → Centrum (2) → Inom Vallgraven-area (21) → Inom Vallgraven (116)
plus Stockholm (0180) and Malmö (1280). Squares in WGS84 near the real places.

Personas (password ``PASSWORD``): ``alice`` trygghetssamordnare Nordost, ``bob`` kommunpolis
Nordost, ``dina`` områdesdirektör Nordost, ``pelle`` polischef Nordost, ``carl``
trygghetssamordnare Centrum, ``ulla`` utvecklingsledare (city-wide: Göteborg), ``rami`` rapportör Nordost,
``lena`` läsare (city-wide: Göteborg), ``ada`` admin, ``nils`` logged in without any role.
"""

from django.contrib.auth import get_user_model
from django.test import TestCase

from trygg.accounts.models import Membership, Organisation, Role
from trygg.areas.models import Area, Level, LocalPoliceArea, Population

PASSWORD = "persona-password-123"


def square(lon, lat, d=0.01):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]}


def _area(code, name, level, parent, lon, lat, d, population):
    a = Area.objects.create(
        code=code, name=name, level=level, parent=parent, geometry=square(lon, lat, d),
        min_lon=lon, min_lat=lat, max_lon=lon + d, max_lat=lat + d,
        centroid_lon=lon + d / 2, centroid_lat=lat + d / 2, area_km2=round(d * d * 6500, 3),
    )
    for year in (2024, 2025):
        Population.objects.create(area=a, year=year, count=population, source="test")
    return a


def build_world():
    """Create areas, organisations and personas; returns a namespace dict."""
    w = {}
    w["sweden"] = _area("SE", "Sverige", Level.COUNTRY, None, 11.0, 55.0, 13.0, 10_000_000)
    w["goteborg"] = _area("1480", "Göteborg", Level.MUNICIPALITY, w["sweden"], 11.8, 57.6, 0.3, 600_000)
    w["stockholm"] = _area("0180", "Stockholm", Level.MUNICIPALITY, w["sweden"], 17.9, 59.2, 0.3, 990_000)
    w["malmo"] = _area("1280", "Malmö", Level.MUNICIPALITY, w["sweden"], 12.9, 55.5, 0.2, 360_000)
    w["nordost"] = _area("1", "Nordost", Level.STADSOMRADE, w["goteborg"], 11.95, 57.72, 0.1, 110_000)
    w["centrum"] = _area("2", "Centrum", Level.STADSOMRADE, w["goteborg"], 11.90, 57.68, 0.04, 200_000)
    w["hjallbo_mo"] = _area("12", "Hjällbo-Eriksbo", Level.MELLANOMRADE, w["nordost"], 11.96, 57.76, 0.03, 18_000)
    w["hjallbo"] = _area("612", "Hjällbo", Level.PRIMAROMRADE, w["hjallbo_mo"], 11.96, 57.765, 0.01, 8_000)
    w["vallgraven_mo"] = _area("21", "Centrum-Vallgraven", Level.MELLANOMRADE, w["centrum"], 11.96, 57.70, 0.01, 20_000)
    w["vallgraven"] = _area("116", "Inom Vallgraven", Level.PRIMAROMRADE, w["vallgraven_mo"], 11.962, 57.702, 0.005, 4_000)

    city = Organisation.objects.create(name="Göteborgs Stad", kind="city")
    police = Organisation.objects.create(name="Polisområde Storgöteborg", kind="police")
    so_nordost = Organisation.objects.create(name="Stadsområde Nordost", kind="city", parent=city)
    so_centrum = Organisation.objects.create(name="Stadsområde Centrum", kind="city", parent=city)
    lpo_nordost_org = Organisation.objects.create(name="LPO Nordost", kind="police", parent=police)
    lpo_city_org = Organisation.objects.create(name="LPO City", kind="police", parent=police)
    housing = Organisation.objects.create(name="Bostadsbolaget", kind="other")
    w.update(city=city, police=police, so_nordost=so_nordost, so_centrum=so_centrum,
             lpo_nordost_org=lpo_nordost_org, lpo_city_org=lpo_city_org, housing=housing)
    w["lpo_nordost"] = LocalPoliceArea.objects.create(code="lpo-nordost", name="LPO Nordost", organisation=lpo_nordost_org)
    w["lpo_nordost"].areas.add(w["nordost"])
    w["lpo_city"] = LocalPoliceArea.objects.create(code="lpo-city", name="LPO City", organisation=lpo_city_org)
    w["lpo_city"].areas.add(w["centrum"])

    User = get_user_model()
    specs = [
        ("alice", Role.TRYGGHETSSAMORDNARE, so_nordost, "nordost"),
        ("bob", Role.KOMMUNPOLIS, lpo_nordost_org, "nordost"),
        ("dina", Role.OMRADESDIREKTOR, so_nordost, "nordost"),
        ("pelle", Role.POLISCHEF, lpo_nordost_org, "nordost"),
        ("carl", Role.TRYGGHETSSAMORDNARE, so_centrum, "centrum"),
        ("ulla", Role.UTVECKLINGSLEDARE, city, "goteborg"),
        ("rami", Role.RAPPORTOR, housing, "nordost"),
        ("lena", Role.LASARE, city, "goteborg"),
        ("ada", Role.ADMIN, city, "goteborg"),
    ]
    for username, role, org, area_key in specs:
        user = User.objects.create_user(username, f"{username}@example.invalid", PASSWORD,
                                        first_name=username.capitalize())
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
            user.save()
        Membership.objects.create(user=user, organisation=org, role=role, area=w[area_key])
        w[username] = user
    w["nils"] = User.objects.create_user("nils", "nils@example.invalid", PASSWORD)
    return w


PERSONAS = ["alice", "bob", "dina", "pelle", "carl", "ulla", "rami", "lena", "ada", "nils"]


class BaseTestCase(TestCase):
    """Healthchecks-style base: ``self.alice``, ``self.nordost`` … and ``self.login(name)``."""

    @classmethod
    def setUpTestData(cls):
        for key, value in build_world().items():
            setattr(cls, key, value)

    def login(self, username):
        self.client.force_login(getattr(self, username))
