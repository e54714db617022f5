"""Detection of personal data in free text. See the package docstring.

Every pattern here runs in linear time: candidate patterns have bounded repetitions and no
nested quantifiers, e-mail addresses are only looked for around an ``@``, and phone numbers are
found by Google's libphonenumber (``phonenumbers``), which knows Swedish numbering (area codes,
mobile ranges, lengths) far better than a home-made pattern. Identity and coordination numbers
are checked by ``python-stdnum`` (date and Luhn check digit). On top of that every text is capped
(:data:`MAX_TEXT_LENGTH`): longer text is refused before any pattern runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REDACTED = "[borttaget]"
MAX_TEXT_LENGTH = 20_000  # characters; settings.TRYGG_MAX_TEXT_LENGTH overrides

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, en/em dash, minus sign …
# YYMMDD-NNNN / YYYYMMDDNNNN / YYMMDD+NNNN, optionally "pnr-"/"pnr " before it, the date part
# optionally spaced ("81 12 18-9876"); digits not glued to other digits.
_PNR = re.compile(
    rf"(?<![\d+])(?:(?:pnr|p-nr|personnr|personnummer|samordningsnr|snr)[\s:.{_DASHES}]{{0,3}})?"
    rf"((?:19|20)?\d{{2}}) ?(\d{{2}}) ?(\d{{2}}) ?([{_DASHES}+])? ?(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_EMAIL_LOCAL = re.compile(r"[\w.+-]{1,64}$")
_EMAIL_DOMAIN = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[a-zA-Z]{2,24}(?![\w-])")
# Swedish registration plates: three letters (no I, Q, V, Å, Ä, Ö), two digits, a digit or a
# letter (not O) – "ABC 123", "ABC 12A". Upper case only, as written on the plate.
_PLATE = re.compile(r"(?<![\w-])([A-HJ-PR-UW-Z]{3}) ?(\d{2}[\dA-HJ-NP-UW-Z])(?![\w-])")
_DIGIT = re.compile(r"\d")


def _plate_stop_words() -> set[str]:
    return set(getattr(settings, "TRYGG_PLATE_STOP_WORDS", ()) or ())


def max_text_length() -> int:
    return int(getattr(settings, "TRYGG_MAX_TEXT_LENGTH", MAX_TEXT_LENGTH) or MAX_TEXT_LENGTH)


class TextTooLong(ValueError):
    """A free text longer than the cap: refused before it is scanned."""

    def __init__(self, length: int, limit: int):
        super().__init__(f"{length} characters, more than the {limit} allowed")
        self.length, self.limit = length, limit


@dataclass(frozen=True)
class Finding:
    kind: str  # "personnummer", "samordningsnummer", "phone", "email", "registration"
    start: int
    end: int

    @property
    def label(self) -> str:
        return {
            "personnummer": _("a personal identity number"),
            "samordningsnummer": _("a coordination number"),
            "phone": _("a phone number"),
            "email": _("an e-mail address"),
            "registration": _("a car registration number"),
        }[self.kind]


def _classify_pnr(m: re.Match) -> str | None:
    from stdnum import luhn  # imported where used: most processes never screen a text with 10 digits
    from stdnum.se import personnummer

    yy, mm, dd, sep, tail = m.groups()
    sep = "+" if sep == "+" else "-"
    kind = "personnummer"
    day = int(dd)
    if day > 60:  # coordination numbers add 60 to the day of birth
        kind, dd = "samordningsnummer", f"{day - 60:02d}"
    if not luhn.is_valid(f"{yy[-2:]}{mm}{m.group(3)}{tail}"):
        return None
    if kind == "personnummer":  # stdnum checks the date and the check digit
        return kind if personnummer.is_valid(f"{yy}{mm}{dd}{sep}{tail}") else None
    try:  # a coordination number's check digit is over the number as written (day + 60)
        personnummer.get_birth_date(f"{yy}{mm}{dd}{sep}{tail}")
    except Exception:
        return None
    return kind


def _emails(text: str):
    at = text.find("@")
    while at != -1:
        left = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
        right = _EMAIL_DOMAIN.match(text, at + 1, min(len(text), at + 1 + 300))
        if left and right:
            yield left.start(), right.end()
        at = text.find("@", at + 1)


def _phones(text: str):
    import phonenumbers  # ~60 ms to import: only when a text has enough digits for a phone number

    matcher = phonenumbers.PhoneNumberMatcher(text, "SE", leniency=phonenumbers.Leniency.VALID)
    for m in matcher:
        yield m.start, m.end


def find_personal_data(text: str | None, *, limit: int | None = None) -> list[Finding]:
    """All findings in ``text``, in order, not overlapping. Raises :class:`TextTooLong` for text
    over the cap (``limit``, default :func:`max_text_length`)."""
    if not text:
        return []
    cap = limit or max_text_length()
    if len(text) > cap:
        raise TextTooLong(len(text), cap)
    # Each kind needs at least so many digits (an identity number 10, a phone number 7, a plate 2)
    # or an "@": most texts have too few, and counting digits once is far cheaper than running the
    # patterns (the police's national feed: 255,033 texts, 118 with 10 digits or more).
    digits = len(_DIGIT.findall(text))
    found: list[Finding] = []
    if digits >= 10:
        for m in _PNR.finditer(text):
            kind = _classify_pnr(m)
            if kind:
                found.append(Finding(kind, m.start(), m.end()))
    if "@" in text:
        found.extend(Finding("email", s, e) for s, e in _emails(text))
    if digits >= 2:
        plates = list(_PLATE.finditer(text))
        if plates:
            stop = _plate_stop_words()
            found.extend(Finding("registration", m.start(), m.end()) for m in plates if m.group(1) not in stop)
    if digits >= 7:
        taken = [(f.start, f.end) for f in found]
        for s, e in _phones(text):
            if not any(ts < e and s < te for ts, te in taken):
                found.append(Finding("phone", s, e))
    return sorted(found, key=lambda f: f.start) if len(found) > 1 else found


def redact(text: str | None, *, limit: int | None = None) -> tuple[str, int]:
    """``text`` with every finding replaced by ``[borttaget]``, and the number replaced."""
    if not text:
        return text or "", 0
    findings = find_personal_data(text, limit=limit)
    out, pos = [], 0
    for f in findings:
        if f.start < pos:
            continue
        out.append(text[pos:f.start])
        out.append(REDACTED)
        pos = f.end
    out.append(text[pos:])
    return "".join(out), len(findings)


def validate_no_personal_data(value: str) -> None:
    """Django validator: refuse free text that is too long or holds personal data, saying what."""
    try:
        findings = find_personal_data(value)
    except TextTooLong as exc:
        raise ValidationError(
            _("The text is too long: %(length)d characters, at most %(limit)d are allowed."),
            code="too_long", params={"length": exc.length, "limit": exc.limit},
        )
    if findings:
        kinds = []
        for f in findings:
            if f.label not in kinds:
                kinds.append(f.label)
        raise ValidationError(
            _("Remove personal data before saving: the text contains %(what)s. Describe places and "
              "situations, never identifiable people."),
            code="personal_data",
            params={"what": ", ".join(str(k) for k in kinds)},
        )
