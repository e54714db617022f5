"""The daily counts summed over the subtree of the country and of each municipality."""

from django.db import migrations, models


def fill(apps, schema_editor):
    """From the fine cells stored so far (``trygg.incidents.daily`` keeps it in step from here):
    per root, one INSERT … SELECT SUM(n) over the root's fine paths by name."""
    Area = apps.get_model("areas", "Area")
    DailyCount = apps.get_model("incidents", "DailyCount")
    roots = set(Area.objects.filter(level__in=("country", "municipality")).values_list("path", flat=True))
    below = {}
    for path in DailyCount.objects.order_by().values_list("area_path", flat=True).distinct():
        for i, ch in enumerate(path):
            if ch == "/" and path[:i + 1] in roots:
                below.setdefault(path[:i + 1], []).append(path)
    for root, paths in below.items():
        for i in range(0, len(paths), 5000):
            schema_editor.execute(
                "INSERT INTO incidents_subtreedailycount (day, source, category, theme, synthetic, n, area_path) "
                "SELECT day, source, category, theme, synthetic, SUM(n), %s FROM incidents_dailycount "
                f"WHERE area_path IN ({', '.join(['%s'] * len(paths[i:i + 5000]))}) "
                "GROUP BY day, source, category, theme, synthetic", [root, *paths[i:i + 5000]])


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0014_date_area_counts_index'),
        ('areas', '0002_municipality_configuration_free_level_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='SubtreeDailyCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('area_path', models.CharField(max_length=400)),
                ('source', models.CharField(max_length=10)),
                ('category', models.CharField(max_length=40)),
                ('theme', models.CharField(max_length=40)),
                ('synthetic', models.BooleanField()),
                ('n', models.PositiveIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['area_path', 'day', 'source', 'category', 'theme', 'synthetic', 'n'], name='subtree_area_day_counts'), models.Index(fields=['day'], name='subtree_day')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
