"""The incidents with a point, with their coordinates, in a partial covering index (maps, hotspots, Knox)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_membership_municipality'),
        ('areas', '0002_municipality_configuration_free_level_keys'),
        ('incidents', '0017_cells_by_placement'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('lat__isnull', False), ('lon__isnull', False)), fields=['area_path', 'date', 'source', 'category', 'theme', 'synthetic', 'lon', 'lat', 'id'], name='incident_points'),
        ),
    ]
