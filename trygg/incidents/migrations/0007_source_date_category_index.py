"""The (source, date) index gains the category and the id, so that the coverage rules' daily counts per source
(counted incidents only) are read from the index alone; built before the old one is dropped."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0006_covering_area_date_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["source", "date", "category", "id"], name="incident_source_date_category"),
        ),
        migrations.RemoveIndex(
            model_name="incident",
            name="incidents_i_source_c72d17_idx",
        ),
    ]
