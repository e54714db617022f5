"""The (area_path, date) index becomes a covering one for the area-and-period counts; the new index
is built before the old one is dropped, so the counts always have one."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0005_data_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["area_path", "date", "source", "category", "theme", "synthetic", "id"],
                               name="incident_area_date_counts"),
        ),
        migrations.RemoveIndex(
            model_name="incident",
            name="incidents_i_area_pa_fea7a4_idx",
        ),
    ]
