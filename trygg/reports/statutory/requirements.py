"""What the law (SFS 2023:196) and Brå's guidance ask of a statutory document, and what is still
missing in one: each section of the generated document is one requirement, met when the data
and the work cycle fill it and the analyst has written its text; adoption is the last one."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .data import StatutoryReport


@dataclass
class Requirement:
    key: str
    label: str
    basis: str
    done: bool
    missing: list[str] = field(default_factory=list)


def requirements(report: StatutoryReport, doc=None) -> list[Requirement]:
    out = []
    for s in report.sections:
        gaps = [b.text for b in s.blocks if b.kind == "missing"]
        out.append(Requirement(s.key, s.title, s.basis, not gaps, gaps))
    if doc is None:
        out.append(Requirement("adopted", _("Adopted by the responsible roles"), _("SFS 2023:196"), False,
                               [_("The document is not saved as a version yet.")]))
    else:
        sides = {"city": _("the city"), "police": _("the police")}
        gaps = [_("Approval for %(side)s is missing.") % {"side": sides[x]} for x in doc.missing_sides()]
        out.append(Requirement("adopted", _("Adopted by the responsible roles"), _("SFS 2023:196"), not gaps, gaps))
    return out
