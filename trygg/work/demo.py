"""Demo step: a realistic work cycle for Nordost (Hjällbo, Hammarkullen) and Centrum (Inom
Vallgraven), in Swedish: agreements, three problems with causes and goals, eight actions on both
sides, an action plan, a citizen promise with lines and progress, and meetings. Idempotent."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from trygg.accounts.models import Organisation
from trygg.areas.models import Area

from . import models as m

MARKER = "Lokal samverkansöverenskommelse Nordost 2026–2027"


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _sign(obj, username, side, role):
    u = _user(username)
    if u:
        m.Signature.objects.get_or_create(content_type_id=_ct(obj), object_id=obj.pk, side=side,
                                          defaults={"user": u, "role": role})


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(type(obj)).pk


@transaction.atomic
def load(stdout):
    if m.Agreement.objects.filter(title=MARKER).exists():
        stdout.write("Work cycle: demo already loaded")
        return
    areas = {c: Area.objects.filter(code=c).first() for c in ("1480", "1", "2", "612", "606", "116")}
    missing = [c for c, a in areas.items() if a is None]
    if missing:
        stdout.write(f"Work cycle: skipped, areas {missing} are not loaded")
        return
    orgs = {o.name: o for o in Organisation.objects.all()}
    so_no, lpo_no = orgs.get("Stadsområde Nordost"), orgs.get("LPO Nordost")
    so_ce, lpo_ce = orgs.get("Stadsområde Centrum"), orgs.get("LPO City")
    housing = next((o for o in orgs.values() if o.kind == "other"), None)
    city, police = orgs.get("Göteborgs Stad"), orgs.get("Polisområde Storgöteborg")
    sara, karim = _user("samordnare.nordost"), _user("kommunpolis.nordost")
    cecilia, jonas = _user("samordnare.centrum"), _user("kommunpolis.city")
    if not all([so_no, lpo_no, so_ce, lpo_ce, sara, karim, cecilia, jonas, city, police]):
        stdout.write("Work cycle: skipped, the demo partners and users are not loaded")
        return
    today = dt.date.today()
    y = today.year
    nordost, centrum, hjallbo, hammarkullen, vallgraven = (areas[c] for c in ("1", "2", "612", "606", "116"))

    central = m.Agreement.objects.create(
        area=areas["1480"], kind=m.Agreement.Kind.CENTRAL, title=f"Samverkansöverenskommelse Göteborg {y - 1}–{y + 1}",
        start=dt.date(y - 1, 1, 1), end=dt.date(y + 1, 12, 31), created_by=sara,
        priorities="Organiserad brottslighet med fokus på narkotika; trygghet i offentlig miljö.")
    central.parties.set([city, police])
    _sign(central, "direktor.nordost", "city", "Stadsdirektör, Göteborgs Stad")
    _sign(central, "polischef.nordost", "police", "Polisområdeschef, Polisområde Storgöteborg")

    old = m.Agreement.objects.create(
        area=nordost, title="Lokal samverkansöverenskommelse Nordost 2024–2025", start=dt.date(y - 2, 1, 1),
        end=dt.date(y - 1, 12, 31), created_by=sara, priorities="Narkotikahandel i Hjällbo.")
    old.parties.set([so_no, lpo_no])
    local = m.Agreement.objects.create(
        area=nordost, title=MARKER, start=dt.date(y, 1, 1), end=dt.date(y + 1, 12, 31), created_by=sara,
        priorities="1. Öppen narkotikahandel vid Hjällbo torg.\n2. Otrygghet och skadegörelse kring Hammarkullens centrum.")
    local.parties.set([so_no, lpo_no])
    _sign(local, "direktor.nordost", "city", "Områdesdirektör, Stadsområde Nordost")
    _sign(local, "polischef.nordost", "police", "Lokalpolisområdeschef, LPO Nordost")

    p1 = m.Problem.objects.create(
        area=hjallbo, title="Öppen narkotikahandel vid Hjällbo torg", theme="narkotika", priority=1, prioritised=True,
        description="EST-rapporter och polisens händelser visar återkommande handel och narkotikaskräp vid torget "
                    "och gångtunneln mot spårvagnshållplatsen.",
        place_text="Hjällbo torg, gångtunneln och lekplatsen bakom torget", time_pattern="vardagar 16–22, ökar under sommaren",
        indicator="Narkotika, alla källor (ökning mot samma period förra året)", raised_by=sara)
    p2 = m.Problem.objects.create(
        area=hammarkullen, title="Skadegörelse och otrygghet vid Hammarkullens centrum", theme="egendom", priority=2,
        prioritised=True, description="Klotter, krossade rutor och bränder i soprum; boende undviker centrum kvällstid.",
        place_text="Hammarkullens centrum, parkeringsdäcket", time_pattern="fredag–lördag kväll och natt",
        indicator="Egendom, EST-rapporter", raised_by=karim)
    p3 = m.Problem.objects.create(
        area=vallgraven, title="Ordningsstörningar i krogkvarteren Inom Vallgraven", theme="ordning", priority=1,
        prioritised=True, description="Bråk och berusning vid stängningstid; återkommande misshandel på helgnätter.",
        place_text="Kungsgatan–Magasinsgatan, taxikön vid Stora Nygatan", time_pattern="fredag–söndag 00–04",
        indicator="Ordning och våld, polisens händelser", raised_by=cecilia)

    C = m.Cause.Corner
    c = {}
    c["p1_place"] = m.Cause.objects.create(problem=p1, corner=C.PLACE, created_by=sara,
                                           description="Dålig belysning och skymd sikt i gångtunneln och bakom torget.",
                                           evidence="Trygghetsvandring i april; 14 EST-rapporter om otrygg plats.")
    c["p1_off"] = m.Cause.objects.create(problem=p1, corner=C.OFFENDER, created_by=karim,
                                          description="Etablerad försäljning kopplad till lokal kriminell miljö.",
                                          evidence="Polisens underrättelsebild (sammanfattad, utan personuppgifter).")
    c["p1_vic"] = m.Cause.objects.create(problem=p1, corner=C.VICTIM, created_by=sara,
                                         description="Unga i området rekryteras som springpojkar.",
                                         evidence="Fältassistenternas observationer; skolans signaler.")
    c["p2_place"] = m.Cause.objects.create(problem=p2, corner=C.PLACE, created_by=karim,
                                           description="Olåsta soprum och obevakat parkeringsdäck.",
                                           evidence="Fastighetsägarens skadeanmälningar; EST-rapporter om brand.")
    c["p2_vic"] = m.Cause.objects.create(problem=p2, corner=C.VICTIM, created_by=sara,
                                         description="Lite vuxennärvaro i centrum efter kl. 20.",
                                         evidence="Trygghetsundersökningen: 62 % undviker centrum kvällstid.")
    c["p3_place"] = m.Cause.objects.create(problem=p3, corner=C.PLACE, created_by=cecilia,
                                           description="Trängsel vid taxikön när krogarna stänger samtidigt.",
                                           evidence="Polisens händelser klustrar kl. 02–03 vid Stora Nygatan.")
    c["p3_off"] = m.Cause.objects.create(problem=p3, corner=C.OFFENDER, created_by=jonas,
                                         description="Överservering på ett fåtal serveringsställen.",
                                         evidence="Tillsynsrapporter från tillståndsenheten.")

    for prob, area, theme, src, pct, title in [
        (p1, hjallbo, "narkotika", "all", -20, "Narkotikahändelser i Hjällbo −20 % till 2027-06-30 jämfört med "),
        (p2, hammarkullen, "egendom", "est", -30, "Skadegörelse i Hammarkullen (EST) −30 % till 2027-06-30 jämfört med "),
        (p3, vallgraven, "ordning", "all", -15, "Ordningsstörningar Inom Vallgraven −15 % till 2027-06-30 jämfört med "),
    ]:
        m.Goal.objects.create(problem=prob, area=area, theme=theme, sources=src, target_change_pct=pct,
                              title=title + str(y - 1), baseline_start=dt.date(y - 1, 1, 1),
                              baseline_end=dt.date(y - 1, 12, 31), target_date=dt.date(y + 1, 6, 30), created_by=sara)

    S = m.Action.Status
    actions = [
        ("Ny belysning i gångtunneln vid Hjällbo torg", hjallbo, c["p1_place"], so_no, sara, -200, -120, S.DONE,
         "Park- och naturförvaltningen, 350 tkr", "Färre tillfällen till handel i skymda lägen."),
        ("Riktade narkotikainsatser vid Hjällbo torg", hjallbo, c["p1_off"], lpo_no, karim, -150, 120, S.ONGOING,
         "2 patruller, 8 timmar/vecka", "Störa handeln; minst 50 insatser under löftesperioden."),
        ("Fältassistenter kvällstid i Hjällbo", hjallbo, c["p1_vic"], so_no, sara, -100, 200, S.ONGOING,
         "2 fältassistenter", "Färre unga rekryteras; fler vuxna på plats."),
        ("Låsbyte och kameror i soprum, Hammarkullen", hammarkullen, c["p2_place"], housing or so_no, sara, -60, 30,
         S.ONGOING, "Bostadsbolaget", "Färre bränder och mindre skadegörelse i soprum."),
        ("Trygghetsvandringar med boende i Hammarkullen", hammarkullen, c["p2_vic"], so_no, sara, -30, -5, S.PLANNED,
         "Samordnare + 10 boende", "Fler trygga platser; underlag för åtgärder."),
        ("Polisiär närvaro vid Hammarkullens centrum helgkvällar", hammarkullen, c["p2_vic"], lpo_no, karim, 10, 180,
         S.PLANNED, "1 patrull fre–lör", "Ökad trygghet och färre ordningsstörningar."),
        ("Samordnad stängning och taxivärdar vid Stora Nygatan", vallgraven, c["p3_place"], so_ce, cecilia, -180, 60,
         S.ONGOING, "Taxivärdar, 4 helger/månad", "Kortare köer och färre bråk vid stängning."),
        ("Krogtillsyn och ansvarsfull alkoholservering", vallgraven, c["p3_off"], lpo_ce, jonas, -120, 90, S.ONGOING,
         "Tillståndsenheten och polisen, 2 tillsyner/månad", "Mindre överservering och färre misshandelsfall."),
    ]
    for title, area, cause, org, owner, s, e, status, res, effect in actions:
        m.Action.objects.create(title=title, area=area, cause=cause, owner_organisation=org, owner=owner,
                                start=today + dt.timedelta(days=s), end=today + dt.timedelta(days=e), status=status,
                                resources=res, expected_effect=effect, created_by=owner,
                                lon=area.centroid_lon, lat=area.centroid_lat)

    plan = m.ActionPlan.objects.create(area=nordost, title=f"Åtgärdsplan Nordost {y}–{y + 1}", start=dt.date(y, 1, 1),
                                       end=dt.date(y + 1, 12, 31), created_by=sara)
    _sign(plan, "direktor.nordost", "city", "Områdesdirektör, Stadsområde Nordost")
    _sign(plan, "polischef.nordost", "police", "Lokalpolisområdeschef, LPO Nordost")
    m.ActionPlan.objects.create(area=centrum, title=f"Åtgärdsplan Centrum {y}", start=dt.date(y, 1, 1),
                                end=dt.date(y, 12, 31), created_by=cecilia)

    promise = m.Promise.objects.create(
        area=nordost, title="Medborgarlöfte Nordost: tryggt i Hjällbo och Hammarkullen",
        text="Polisen och Göteborgs Stad lovar att tillsammans minska den öppna narkotikahandeln och öka tryggheten "
             "kring centrumen i Hjällbo och Hammarkullen.",
        start=dt.date(y, 2, 1), end=dt.date(y + 1, 9, 30), created_by=sara, published_at=timezone.now())
    _sign(promise, "direktor.nordost", "city", "Områdesdirektör, Stadsområde Nordost")
    _sign(promise, "polischef.nordost", "police", "Lokalpolisområdeschef, LPO Nordost")
    lines = [
        ("Minst 50 riktade insatser mot narkotikahandel", lpo_no, 50, "insatser", [(60, 8), (120, 9), (200, 10)], karim),
        ("Minst 20 trygghetsvandringar med boende", so_no, 20, "vandringar", [(90, 3), (210, 2)], sara),
        ("Belysning förbättrad på 10 otrygga platser", so_no, 10, "platser", [(150, 6), (250, 3)], sara),
    ]
    for text, org, target, unit, reports, who in lines:
        line = m.PromiseLine.objects.create(promise=promise, text=text, owner_organisation=org, target=target, unit=unit)
        for day, value in reports:
            d = promise.start + dt.timedelta(days=day)
            if d <= today:
                m.ProgressReport.objects.create(line=line, date=d, value=value, reported_by=who)

    for area, who in ((nordost, sara), (centrum, cecilia)):
        m.Meeting.objects.create(area=area, kind=m.Meeting.Kind.WEEKLY, date=today - dt.timedelta(days=7), created_by=who)
        m.Meeting.objects.create(area=area, kind=m.Meeting.Kind.WEEKLY, date=today, created_by=who)
        m.Meeting.objects.create(area=area, kind=m.Meeting.Kind.TERTIAL, date=today + dt.timedelta(days=28),
                                 created_by=who)
    stdout.write(f"Work cycle: {m.Problem.objects.count()} problems, {m.Action.objects.count()} actions, "
                 f"{m.Promise.objects.count()} promises")
