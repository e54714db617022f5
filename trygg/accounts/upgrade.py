"""Upgrading roles "for the whole city" (no area) to roles of a municipality, for the migrations
``accounts.0003`` and ``sso.0002``: in an installation with exactly one municipality set up (a
configuration row, or else the installation's own, ``TRYGG_MUNICIPALITY_CODE``) each such role gets
that municipality as its area. With several set up the rows are left without an area, grant nothing,
and the system check ``trygg.W010`` lists them for an administrator to assign."""

from django.conf import settings


def sole_municipality_id(apps):
    """The area id of the one municipality set up, or None (none, or several: ambiguous)."""
    Area = apps.get_model("areas", "Area")
    Municipality = apps.get_model("areas", "Municipality")
    codes = set(Municipality.objects.values_list("code", flat=True))
    home = getattr(settings, "TRYGG_MUNICIPALITY_CODE", "")
    if home:
        codes.add(home)
    ids = list(Area.objects.filter(level="municipality", code__in=codes).values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def give_municipality(model_label: str, key_fields: tuple[str, ...]):
    """A RunPython function giving every area-less row of ``model_label`` the sole municipality
    (a row that would then repeat one already there, by ``key_fields``, is deleted instead)."""

    def forwards(apps, schema_editor):
        model = apps.get_model(*model_label.split("."))
        area_id = sole_municipality_id(apps)
        if area_id is None:
            return
        for row in model.objects.filter(area__isnull=True):
            same = {f: getattr(row, f) for f in key_fields}
            if model.objects.filter(area_id=area_id, **same).exists():
                row.delete()
            else:
                row.area_id = area_id
                row.save(update_fields=["area"])

    return forwards
