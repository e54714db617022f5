"""Report test data on top of the personas' world: synthetic incidents, survey results, a
collaboration round with answers and a conference (of Hjällbo's municipality, Göteborg)."""

import datetime as dt

from trygg.areas.models import Area, Level
from trygg.areas.schemes import municipality_code
from trygg.reports.models import Conference
from trygg.reports.synthetic import seed_incidents
from trygg.surveys.collaboration import send_round
from trygg.surveys.importing import import_survey
from trygg.surveys.models import CollaborationAnswer

# Centrum 2024 has 4 respondents: never shown (minimum group size 5)
SURVEY = ("indicator,area_code,year,respondents,value,ci_low,ci_high,sd,source\n"
          "unsafe_night,1,2024,500,35,,,,Test\nunsafe_night,1,2025,500,26,,,,Test\n"
          "unsafe_night,2,2024,4,20,,,,Test\nunsafe_night,2,2025,400,21,,,,Test\n")


def fill(w):
    seed_incidents([w["hjallbo"], w["vallgraven"]], range(2021, 2026), per_area_year=130)
    import_survey(SURVEY, "survey.csv")
    rnd, _n = send_round(2025, dt.date.today() + dt.timedelta(days=10))
    inv = rnd.invitations.get(user=w["alice"])
    CollaborationAnswer.objects.create(invitation=inv, collaboration=4, agreement=3, shared_picture=5, follow_up=2,
                                       comment="Vi träffas varje vecka.")
    goteborg = Area.objects.get(level=Level.MUNICIPALITY, code=municipality_code(w["hjallbo"]))
    return Conference.objects.create(municipality=goteborg, year=2025, theme="narkotika", place="Stadshuset", proposed_by=w["ulla"],
                                     decisions="Följ upp åtgärder per tertial\nEST i alla områden")
