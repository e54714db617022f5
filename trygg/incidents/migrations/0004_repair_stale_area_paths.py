"""Paths left stale by area moves before Area.save moved subtrees: recompute them top-down, then
give every incident its area's path again."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

LEVELS = ["country", "municipality", "stadsomrade", "mellanomrade", "primaromrade", "basomrade"]


def repair(apps, schema_editor):
    Area = apps.get_model("areas", "Area")
    Incident = apps.get_model("incidents", "Incident")
    paths = {}
    for level in LEVELS:
        for pk, code, parent_id, path in Area.objects.filter(level=level).values_list("pk", "code", "parent_id", "path"):
            parent = paths.get(parent_id) or (Area.objects.filter(pk=parent_id).values_list("path", flat=True).first()
                                              if parent_id else None)
            right = f"{parent or '/'}{code}/"
            paths[pk] = right
            if right != path:
                Area.objects.filter(pk=pk).update(path=right)
    stale = Incident.objects.filter(area__isnull=False).exclude(area_path=F("area__path"))
    stale.update(area_path=Subquery(Area.objects.filter(pk=OuterRef("area_id")).values("path")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("areas", "0001_initial"),
        ("incidents", "0003_place_names"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
