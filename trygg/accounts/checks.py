"""The system check that lists roles without a municipality (``manage.py check --database default``,
run by ``migrate`` too): left by an upgrade in an installation with several municipalities, where
"the whole city" could mean any of them (:mod:`trygg.accounts.upgrade`). They grant nothing until
an administrator gives each its municipality (or an area in it) in the admin."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

MESSAGE = ("%(n)d %(what)s have no area, so they grant nothing: with several municipalities set up "
           "Trygg cannot tell which one they are for (%(examples)s). Give each its municipality (a "
           "city-wide role) or an area in it in the admin.")


def _area_less(model, describe) -> tuple[int, list[str]]:
    qs = model.objects.filter(area__isnull=True)
    return qs.count(), [describe(row) for row in qs[:3]]


@register(Tags.database)
def check_area_less_roles(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    from trygg.sso.models import RoleMapping

    from .models import Membership

    out = []
    try:
        for model, what, describe, ident in (
                (Membership, "memberships", lambda m: f"{m.user} – {m.get_role_display()}", "trygg.W010"),
                (RoleMapping, "SSO role mappings", lambda r: f"{r.group} → {r.get_role_display()}", "trygg.W011")):
            n, examples = _area_less(model, describe)
            if n:
                out.append(Warning(MESSAGE % {"n": n, "what": what, "examples": "; ".join(examples)}, id=ident))
    except DatabaseError:  # tables not created yet (before the first migrate)
        return []
    return out
