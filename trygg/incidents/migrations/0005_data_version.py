from django.db import migrations, models


def first_row(apps, schema_editor):
    apps.get_model("incidents", "DataVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0004_repair_stale_area_paths"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveBigIntegerField(default=0)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "data version", "verbose_name_plural": "data versions"},
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
