"""The subtree sums also for the areas directly below a municipality (its districts, where the
scheme's district level is the first below it), whose pages then read a few rows a day instead of every incident."""

from django.db import migrations

KEY = "source, category, theme, synthetic, placement, place_level"


def fill(apps, schema_editor):
    """As migration 0017 for the new roots (paths of three segments, ``SubtreeDailyCount.ROOT_DEPTH``):
    per root, one INSERT … SELECT SUM(n) over its fine paths by name (``trygg.incidents.daily``
    keeps them in step from here)."""
    Area = apps.get_model("areas", "Area")
    DailyCount = apps.get_model("incidents", "DailyCount")
    roots = {p for p in Area.objects.values_list("path", flat=True) if p.count("/") - 1 == 3}
    below = {}
    for path in DailyCount.objects.order_by().values_list("area_path", flat=True).distinct():
        for i, ch in enumerate(path):
            if ch == "/" and path[:i + 1] in roots:
                below.setdefault(path[:i + 1], []).append(path)
    for root, paths in below.items():
        for i in range(0, len(paths), 5000):
            part = paths[i:i + 5000]
            schema_editor.execute(
                f"INSERT INTO incidents_subtreedailycount (day, {KEY}, n, area_path) "
                f"SELECT day, {KEY}, SUM(n), %s FROM incidents_dailycount "
                f"WHERE area_path IN ({', '.join(['%s'] * len(part))}) GROUP BY day, {KEY}", [root, *part])


def empty(apps, schema_editor):
    Area = apps.get_model("areas", "Area")
    SubtreeDailyCount = apps.get_model("incidents", "SubtreeDailyCount")
    roots = [p for p in Area.objects.values_list("path", flat=True) if p.count("/") - 1 == 3]
    SubtreeDailyCount.objects.filter(area_path__in=roots).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0018_points_index'),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]
