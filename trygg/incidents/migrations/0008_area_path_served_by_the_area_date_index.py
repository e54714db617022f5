"""``area_path`` loses its own index: the (area_path, date, …) index serves every area filter by its
prefix, and the planners chose the single-column one for the latest-incidents list (a row lookup for
every incident of the area before the date test). Dropped by name found by introspection (SQLite
would otherwise copy the whole table to alter the field); PostgreSQL's ``…_like`` twin goes too."""

from django.db import migrations, models


def _single_column_indexes(schema_editor):
    table = "incidents_incident"
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [name for name, c in found.items()
            if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == ["area_path"]]


def drop(apps, schema_editor):
    for name in _single_column_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    if not _single_column_indexes(schema_editor):
        schema_editor.execute("CREATE INDEX incidents_incident_area_path_single ON incidents_incident (area_path)")


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0007_source_date_category_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="incident",
                    name="area_path",
                    field=models.CharField(default="", editable=False, max_length=400),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
