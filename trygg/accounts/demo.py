"""Demo step: the two partners, their units, the LPO pairing and one login per role."""

from django.contrib.auth import get_user_model
from django.db import transaction

from trygg.areas import schemes
from trygg.areas.models import Area, LocalPoliceArea

from .models import Membership, Organisation, Role

DEMO_PASSWORD = "trygg-demo-2026"

# stadsområde code → (city administration, LPO code, LPO name)
PAIRS = {
    "1": ("Stadsområde Nordost", "lpo-nordost", "LPO Nordost"),
    "2": ("Stadsområde Centrum", "lpo-city", "LPO City"),
    "3": ("Stadsområde Sydväst", "lpo-syd", "LPO Syd"),
    "4": ("Stadsområde Hisingen", "lpo-hisingen", "LPO Hisingen"),
}

# username, first, last, role, organisation key, area code (None = the whole municipality), title
USERS = [
    ("samordnare.nordost", "Sara", "Lindqvist", Role.TRYGGHETSSAMORDNARE, "1", "1", "Trygghetssamordnare"),
    ("kommunpolis.nordost", "Karim", "Haddad", Role.KOMMUNPOLIS, "lpo-nordost", "1", "Kommunpolis"),
    ("direktor.nordost", "Dana", "Ek", Role.OMRADESDIREKTOR, "1", "1", "Områdesdirektör"),
    ("polischef.nordost", "Per", "Holm", Role.POLISCHEF, "lpo-nordost", "1", "Lokalpolisområdeschef"),
    ("samordnare.centrum", "Cecilia", "Berg", Role.TRYGGHETSSAMORDNARE, "2", "2", "Trygghetssamordnare"),
    ("kommunpolis.city", "Jonas", "Åberg", Role.KOMMUNPOLIS, "lpo-city", "2", "Kommunpolis"),
    ("analytiker", "Ulla", "Utvecklare", Role.UTVECKLINGSLEDARE, "city", None, "Utvecklingsledare"),
    ("rapportor.nordost", "Rami", "Rapport", Role.RAPPORTOR, "housing", "1", "Fastighetsvärd"),
    ("lasare", "Lena", "Läsare", Role.LASARE, "city", None, "Nämndsekreterare"),
    ("admin", "Ada", "Admin", Role.ADMIN, "city", None, "Systemförvaltare"),
]


@transaction.atomic
def load(stdout):
    city, _ = Organisation.objects.get_or_create(name="Göteborgs Stad", defaults={"kind": "city"})
    police, _ = Organisation.objects.get_or_create(name="Polisområde Storgöteborg", defaults={"kind": "police"})
    housing, _ = Organisation.objects.get_or_create(
        name="Bostadsbolaget (EST-partner)", defaults={"kind": "other"})
    orgs = {"city": city, "police": police, "housing": housing}
    for so_code, (admin_name, lpo_code, lpo_name) in PAIRS.items():
        orgs[so_code], _ = Organisation.objects.get_or_create(
            name=admin_name, defaults={"kind": "city", "parent": city})
        lpo_org, _ = Organisation.objects.get_or_create(name=lpo_name, defaults={"kind": "police", "parent": police})
        orgs[lpo_code] = lpo_org
        area = Area.objects.filter(code=so_code).first()
        lpo, _ = LocalPoliceArea.objects.get_or_create(code=lpo_code, defaults={"name": lpo_name, "organisation": lpo_org})
        if area:
            lpo.areas.add(area)
    User = get_user_model()
    for username, first, last, role, org_key, area_code, title in USERS:
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@example.invalid"})
        if created:
            user.set_password(DEMO_PASSWORD)
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        user.save()
        area = Area.objects.filter(code=area_code or schemes.home_code()).first()
        Membership.objects.get_or_create(user=user, organisation=orgs[org_key], role=role, area=area,
                                         defaults={"title": title})
    stdout.write(f"Partners: {Organisation.objects.count()} organisations, {len(USERS)} demo users")


def logins():
    """(username, password, role label, where) for the demo's printed login list."""
    rows = []
    for username, _f, _l, role, _o, area_code, _t in USERS:
        where = Area.objects.filter(code=area_code).values_list("name", flat=True).first() if area_code else "hela staden"
        rows.append((username, DEMO_PASSWORD, Role(role).label, where))
    return rows
