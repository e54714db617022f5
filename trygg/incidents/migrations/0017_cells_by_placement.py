"""The daily cells and their subtree sums split by placement (how an incident was placed, and at
which level): the placement note reads them instead of every police event of its period. The cells
are counted again from the incidents (before their index is built). A partial index holds the few
events placed in another municipality than the source's (the note's "moved out")."""

from django.db import migrations, models

KEY = "source, category, theme, synthetic, placement, place_level"


def empty(apps, schema_editor):
    """The cells go first: nothing to copy when a column is added (SQLite may rebuild the table)."""
    schema_editor.execute("DELETE FROM incidents_subtreedailycount")
    schema_editor.execute("DELETE FROM incidents_dailycount")


def refill(apps, schema_editor):
    """As migrations 0013 and 0015, with the placement (``trygg.incidents.daily`` keeps it in step)."""
    Area = apps.get_model("areas", "Area")
    DailyCount = apps.get_model("incidents", "DailyCount")
    schema_editor.execute(f"INSERT INTO incidents_dailycount (day, area_path, {KEY}, n) "
                          f"SELECT date, area_path, {KEY}, COUNT(*) FROM incidents_incident "
                          f"GROUP BY date, area_path, {KEY}")
    roots = set(Area.objects.filter(level__in=("country", "municipality")).values_list("path", flat=True))
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


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0016_import_run_municipality'),
    ]

    operations = [
        migrations.RunPython(empty, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='dailycount',
            name='daily_area_day_counts',
        ),
        migrations.RemoveIndex(
            model_name='subtreedailycount',
            name='subtree_area_day_counts',
        ),
        migrations.AddField(
            model_name='dailycount',
            name='place_level',
            field=models.CharField(default='', max_length=20),
        ),
        migrations.AddField(
            model_name='dailycount',
            name='placement',
            field=models.CharField(default='', max_length=20),
        ),
        migrations.AddField(
            model_name='subtreedailycount',
            name='place_level',
            field=models.CharField(default='', max_length=20),
        ),
        migrations.AddField(
            model_name='subtreedailycount',
            name='placement',
            field=models.CharField(default='', max_length=20),
        ),
        migrations.RunPython(refill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='dailycount',
            index=models.Index(fields=['area_path', 'day', 'source', 'category', 'theme', 'synthetic', 'placement', 'place_level', 'n'], name='daily_area_day_cells'),
        ),
        migrations.AddIndex(
            model_name='subtreedailycount',
            index=models.Index(fields=['area_path', 'day', 'source', 'category', 'theme', 'synthetic', 'placement', 'place_level', 'n'], name='subtree_area_day_cells'),
        ),
        # the placement note's events moved to another municipality (few: a partial index)
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('reported_municipality__isnull', False), models.Q(('municipality', models.F('reported_municipality')), _negated=True)), fields=['reported_municipality', 'date'], name='incident_moved_out'),
        ),
    ]
