"""The incidents pre-aggregated per area path, source, category, synthetic flag and day."""

from django.db import migrations, models

FILL = ("INSERT INTO incidents_dailycount (day, area_path, source, category, theme, synthetic, n) "
        "SELECT date, area_path, source, category, theme, synthetic, COUNT(*) FROM incidents_incident "
        "GROUP BY date, area_path, source, category, theme, synthetic")


def fill(apps, schema_editor):
    """The incidents stored so far, counted (``trygg.incidents.daily`` keeps it in step from here)."""
    schema_editor.execute(FILL)


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0012_no_single_column_source_theme_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='DailyCount',
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
                'indexes': [models.Index(fields=['area_path', 'day', 'source', 'category', 'theme', 'synthetic', 'n'], name='daily_area_day_counts'), models.Index(fields=['day'], name='daily_day')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
