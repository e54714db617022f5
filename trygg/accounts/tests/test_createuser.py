import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from trygg.accounts.models import Membership, Organisation
from trygg.areas.models import Area, Level


@pytest.fixture
def org(db):
    Area.objects.create(code="1480", name="Göteborg", level=Level.MUNICIPALITY)
    return Organisation.objects.create(name="Göteborgs Stad", kind="city")


def test_it_creates_a_scoped_user(org):
    call_command("createuser", "sara", role="trygghetssamordnare", organisation="Göteborgs Stad",
                 area="Göteborg", password="a-long-Password-77")
    m = Membership.objects.get(user__username="sara")
    assert m.area.code == "1480" and m.role == "trygghetssamordnare"
    assert get_user_model().objects.get(username="sara").check_password("a-long-Password-77")


def test_it_rejects_a_weak_password(org):
    with pytest.raises(CommandError, match="password rejected"):
        call_command("createuser", "sara", role="lasare", organisation="Göteborgs Stad", password="123")
    assert not get_user_model().objects.filter(username="sara").exists()


def test_it_names_an_unknown_organisation_and_area(org):
    with pytest.raises(CommandError, match="organisation 'Polisen' not found"):
        call_command("createuser", "x", role="lasare", organisation="Polisen", password="a-long-Password-77")
    with pytest.raises(CommandError, match="area 'Atlantis' not found"):
        call_command("createuser", "x", role="lasare", organisation="Göteborgs Stad", area="Atlantis",
                     password="a-long-Password-77")


def test_a_city_wide_role_gets_the_sole_municipality(org):
    call_command("createuser", "ulla", role="utvecklingsledare", organisation="Göteborgs Stad",
                 password="a-long-Password-77")
    assert Membership.objects.get(user__username="ulla").area.code == "1480"


def test_with_several_municipalities_it_asks_for_the_area(org):
    from trygg.areas.models import Municipality

    Area.objects.create(code="1280", name="Malmö", level=Level.MUNICIPALITY)
    Municipality.objects.create(code="1280", name="Malmö", city_organisation="Malmö stad",
                                police_organisation="Polisen", levels=[], district_level="x", report_cover="")
    with pytest.raises(CommandError, match="give --area"):
        call_command("createuser", "ulla", role="utvecklingsledare", organisation="Göteborgs Stad",
                     password="a-long-Password-77")
    assert not get_user_model().objects.filter(username="ulla").exists()
