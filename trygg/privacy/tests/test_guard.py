import pytest
from django.core.exceptions import ValidationError

from trygg.privacy import find_personal_data, redact, validate_no_personal_data


@pytest.mark.parametrize("text", [
    "Anmälare 811218-9876 ringde",            # valid check digit, with separator
    "pnr 8112189876 i texten",                 # without separator
    "19811218-9876",                           # with century
    "198112189876",
    "811218+9876",                             # over 100 years old
    "samordningsnr 701063-2391",               # coordination number (day + 60)
])
def test_it_finds_identity_numbers(text):
    kinds = {f.kind for f in find_personal_data(text)}
    assert kinds & {"personnummer", "samordningsnummer"}, text


@pytest.mark.parametrize("text", [
    "811218-9875",           # wrong check digit
    "Ärende 2024-05-12 kl 13",
    "Klotter på 3 fasader, 120 m2",
    "Kvarter 201345",
])
def test_it_ignores_lookalikes(text):
    assert not [f for f in find_personal_data(text) if f.kind in {"personnummer", "samordningsnummer"}], text


def test_it_finds_phone_and_email():
    kinds = [f.kind for f in find_personal_data("Ring 070-123 45 67 eller mejla a.b@example.se")]
    assert kinds == ["phone", "email"]
    assert [f.kind for f in find_personal_data("+46 31 123 45 67")] == ["phone"]


def test_redact_replaces_everything():
    text, n = redact("Person 811218-9876, tel 0701234567, x@y.se")
    assert n == 3
    assert "9876" not in text and "0701234567" not in text and "@" not in text
    assert text.count("[borttaget]") == 3


def test_validator_names_what_it_found():
    with pytest.raises(ValidationError) as exc:
        validate_no_personal_data("Kontakta 070-1234567")
    assert "phone" in str(exc.value.messages) or "telefon" in str(exc.value.messages)
    validate_no_personal_data("Klotter vid Hjällbo torg, belysningen trasig")
