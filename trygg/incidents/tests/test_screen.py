"""The personal-data screen an import runs (``importing.Screen``): what it returns, what it refuses,
and that it screens each different text once."""

from unittest import mock

import pytest

from trygg.incidents import importing
from trygg.incidents.importing import REDACT, REJECT, ImportFileError, Screen

PHONE = "Ring 070-123 45 67 om du ser något"


def test_it_redacts_and_counts():
    fields = {"title": "Stöld, Storstad", "summary": PHONE, "body": ""}
    out, offending, found = Screen(REDACT)(fields, "feed: record 3")
    assert offending == ["summary"] and found == 1
    assert out["summary"] == "Ring [borttaget] om du ser något" and out["title"] == fields["title"]
    assert fields["summary"] == PHONE  # the caller's dict is left as it was


def test_it_rejects_without_changing():
    fields = {"place": "Torget", "description": PHONE}
    out, offending, found = Screen(REJECT)(fields)
    assert out == fields and offending == ["description"] and found == 1


def test_it_screens_each_text_once():
    screen = Screen(REDACT)
    real = importing.find_personal_data
    with mock.patch.object(importing, "find_personal_data", side_effect=real) as find:
        for _ in range(3):
            screen({"summary": PHONE, "body": "Inget särskilt"})
    assert find.call_count == 2  # two different texts
    assert screen.memo == {PHONE: 1, "Inget särskilt": 0}


def test_what_it_remembers_is_bounded(monkeypatch):
    monkeypatch.setattr(Screen, "MEMO", 3)
    screen = Screen(REJECT)
    for i in range(10):
        screen({"description": f"text {i}"})
    assert 1 <= len(screen.memo) <= 3


def test_it_refuses_what_is_not_text_or_too_long(settings):
    with pytest.raises(ImportFileError, match=r"feed: record 7, field 'summary': expected text, not list"):
        Screen(REDACT)({"summary": ["a"]}, "feed: record 7")
    settings.TRYGG_MAX_TEXT_LENGTH = 10
    with pytest.raises(ImportFileError, match=r"record, field 'body': too long \(11 characters"):
        Screen(REDACT)({"body": "x" * 11})
