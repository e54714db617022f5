"""Detection of personal data in free text. See the package docstring."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REDACTED = "[borttaget]"

# YYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD+NNNN (100+ years) … digits not glued to other digits.
_PNR = re.compile(r"(?<![\d-])((?:19|20)?\d{2})(\d{2})(\d{2})\s?([-+])?\s?(\d{3})(\d)(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
# Swedish phone numbers: 07x…, 0xx-…, +46 …; 8–12 digits with optional spaces/dashes.
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)\s?(?:\(0\)\s?)?\d{1,3}(?:[\s-]?\d{2,4}){2,4}(?!\d)")


@dataclass(frozen=True)
class Finding:
    kind: str  # "personnummer", "samordningsnummer", "phone", "email"
    start: int
    end: int

    @property
    def label(self) -> str:
        return {
            "personnummer": _("a personal identity number"),
            "samordningsnummer": _("a coordination number"),
            "phone": _("a phone number"),
            "email": _("an e-mail address"),
        }[self.kind]


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _valid_date(yy: str, mm: str, dd: str) -> bool:
    year = int(yy) if len(yy) == 4 else 2000 + int(yy)  # any leap-consistent year will do
    if len(yy) == 2 and not _is_leap(year) and mm == "02" and dd == "29":
        year = 2000  # 29 Feb exists in some century
    try:
        date(year, int(mm), int(dd))
    except ValueError:
        return False
    return True


def _is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _classify_pnr(m: re.Match) -> str | None:
    yy, mm, dd, _sep, serial, check = m.groups()
    day = int(dd)
    kind = "personnummer"
    if day > 60:  # coordination numbers add 60 to the day
        kind, dd = "samordningsnummer", f"{day - 60:02d}"
    if not _valid_date(yy, mm, dd):
        return None
    ten = f"{yy[-2:]}{mm}{m.group(3)}{serial}{check}"
    return kind if _luhn_ok(ten) else None


def find_personal_data(text: str | None) -> list[Finding]:
    """All findings in ``text``, in order, not overlapping."""
    if not text:
        return []
    found: list[Finding] = []
    for m in _PNR.finditer(text):
        kind = _classify_pnr(m)
        if kind:
            found.append(Finding(kind, m.start(), m.end()))
    for m in _EMAIL.finditer(text):
        found.append(Finding("email", m.start(), m.end()))
    taken = [(f.start, f.end) for f in found]
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if not 8 <= len(digits) <= 13:
            continue
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        found.append(Finding("phone", m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def redact(text: str | None) -> tuple[str, int]:
    """``text`` with every finding replaced by ``[borttaget]``, and the number replaced."""
    if not text:
        return text or "", 0
    findings = find_personal_data(text)
    out, pos = [], 0
    for f in findings:
        out.append(text[pos:f.start])
        out.append(REDACTED)
        pos = f.end
    out.append(text[pos:])
    return "".join(out), len(findings)


def validate_no_personal_data(value: str) -> None:
    """Django validator: refuse free text that holds personal data, saying what was found."""
    findings = find_personal_data(value)
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
