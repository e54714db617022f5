"""Demo step: the demo municipality's 2024 conference (with decisions) and its 2025 conference on
narcotics, theme approved by both partners."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from trygg.areas import schemes
from trygg.areas.models import Area, Level

from .attach import attach_analysis
from .models import Conference

CONFERENCES = {
    2024: {"date": dt.date(2025, 3, 12), "place": "Göteborgs Stadshus", "theme": "organiserad-brottslighet",
           "agenda": "09.00 Inledning\n09.30 Årsanalysen 2024\n11.00 Grupparbete per stadsområde\n13.00 Beslut",
           "participants": "Områdesdirektörer: 4\nLokalpolisområdeschefer: 4\nTrygghetssamordnare: 8\nKommunpoliser: 8",
           "decisions": "Narkotika blir tema för 2025 års analys\nVarje stadsområde följer upp sina åtgärder per tertial\n"
                        "EST införs i alla stadsområden"},
    2025: {"date": dt.date(2026, 3, 11), "place": "Göteborgs Stadshus", "theme": "narkotika",
           "theme_motivation": "Organiserad brottslighet med narkotikafokus: öppen narkotikahandel påverkar tryggheten "
                               "i flera stadsområden.",
           "agenda": "09.00 Inledning\n09.30 Årsanalysen 2025: narkotika\n11.00 Grupparbete\n13.00 Beslut",
           "participants": "Områdesdirektörer: 4\nLokalpolisområdeschefer: 4\nTrygghetssamordnare: 8\nKommunpoliser: 8\n"
                           "Utvecklingsledare: 1",
           "notes": "", "decisions": ""},
}


@transaction.atomic
def load(stdout):
    User = get_user_model()
    ulla = User.objects.filter(username="analytiker").first()
    city = User.objects.filter(username="direktor.nordost").first()
    police = User.objects.filter(username="polischef.nordost").first()
    municipality = Area.objects.defer("geometry").get(level=Level.MUNICIPALITY, code=schemes.home_code())
    for year, fields in CONFERENCES.items():
        conf, created = Conference.objects.get_or_create(municipality=municipality, year=year,
                                                         defaults={**fields, "proposed_by": ulla})
        if created:
            approved = timezone.make_aware(dt.datetime(year, 10, 1, 10, 0))
            conf.city_approved_by, conf.city_approved_at = city, approved
            conf.police_approved_by, conf.police_approved_at = police, approved + dt.timedelta(days=2)
            conf.save()
    conf = Conference.objects.get(municipality=municipality, year=2025)
    if not conf.analysis_pdf:
        attach_analysis(conf)
    stdout.write(f"reports: {municipality.name}'s conferences 2024 and 2025 (theme narkotika, approved by both partners, "
                 "analysis PDF attached)\n")
