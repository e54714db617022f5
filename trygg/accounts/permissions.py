"""The permission table: which role may do what, and where.

Every view is wrapped in :func:`trygg.accounts.access.access` with one capability from
``Capability`` (or ``PUBLIC``). ``ROLE_CAPABILITIES`` below is the single place that says which
role holds which capability; ``tests/test_url_access.py`` checks every URL pattern against it.

Area scope: a membership on an area grants its capabilities on that area and every area below it.
A membership without an area is city-wide. The ``admin`` role and superusers hold everything.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .models import Role


class Capability(StrEnum):
    PUBLIC = "public"  # anyone, no login
    SIGNED_IN = "signed_in"  # any logged-in, active user
    VIEW_PICTURE = "view_picture"  # situation picture, aggregated figures, snapshots
    VIEW_INCIDENTS = "view_incidents"  # incident lists (police detail is further limited)
    VIEW_POLICE_DETAIL = "view_police_detail"  # police event text and detail
    VIEW_EST_TEXT = "view_est_text"  # free text of EST reports (partnership of that area only)
    REPORT_EST = "report_est"  # file EST reports
    EDIT_WORK = "edit_work"  # problems, causes, goals, actions, promise lines, snapshots
    APPROVE = "approve"  # approve action plans, sign agreements and promises
    ANALYZE_CITYWIDE = "analyze_citywide"  # cross-area analysis, annual report, surveys, conference
    IMPORT_DATA = "import_data"  # imports and import history
    ADMINISTER = "administer"  # users, organisations, configuration


LABELS = {
    Capability.PUBLIC: _("see the public pages"),
    Capability.SIGNED_IN: _("log in"),
    Capability.VIEW_PICTURE: _("see the situation picture"),
    Capability.VIEW_INCIDENTS: _("see incident lists"),
    Capability.VIEW_POLICE_DETAIL: _("read police event text"),
    Capability.VIEW_EST_TEXT: _("read EST report text"),
    Capability.REPORT_EST: _("file EST reports"),
    Capability.EDIT_WORK: _("edit the work cycle"),
    Capability.APPROVE: _("approve and sign"),
    Capability.ANALYZE_CITYWIDE: _("analyse the whole city"),
    Capability.IMPORT_DATA: _("import data"),
    Capability.ADMINISTER: _("administer"),
}

_PARTNER = {
    Capability.SIGNED_IN, Capability.VIEW_PICTURE, Capability.VIEW_INCIDENTS, Capability.VIEW_EST_TEXT,
    Capability.EDIT_WORK, Capability.REPORT_EST,
}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.TRYGGHETSSAMORDNARE: frozenset(_PARTNER),
    Role.KOMMUNPOLIS: frozenset(_PARTNER | {Capability.VIEW_POLICE_DETAIL}),
    Role.OMRADESDIREKTOR: frozenset(_PARTNER | {Capability.APPROVE}),
    Role.POLISCHEF: frozenset(_PARTNER | {Capability.APPROVE, Capability.VIEW_POLICE_DETAIL}),
    Role.UTVECKLINGSLEDARE: frozenset({
        Capability.SIGNED_IN, Capability.VIEW_PICTURE, Capability.VIEW_INCIDENTS,
        Capability.ANALYZE_CITYWIDE, Capability.IMPORT_DATA, Capability.EDIT_WORK,
    }),
    Role.RAPPORTOR: frozenset({Capability.SIGNED_IN, Capability.REPORT_EST}),
    Role.LASARE: frozenset({Capability.SIGNED_IN, Capability.VIEW_PICTURE}),
    Role.ADMIN: frozenset(Capability),
}

# Capabilities that an anonymous visitor holds.
ANONYMOUS_CAPABILITIES = frozenset({Capability.PUBLIC})


def role_has(role: str, capability: Capability) -> bool:
    if capability == Capability.PUBLIC:
        return True
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
