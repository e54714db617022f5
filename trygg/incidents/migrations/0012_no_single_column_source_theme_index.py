"""``source`` and ``theme`` lose their single-column indexes: ``source`` is served by the prefix of
the (source, date, …) index and of the (source, source_id) constraint, and nothing filters by the
theme alone. With them, PostgreSQL combined the area/date index with the whole of the source index
(one value for most rows) in a BitmapAnd for the work overview's per-source counts. Dropped by name
found by introspection, as in 0008 (PostgreSQL's ``…_like`` twins go too)."""

from django.db import migrations, models

COLUMNS = (["source"], ["theme"])


def _single_column_indexes(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, "incidents_incident")
    return [name for name, c in found.items()
            if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] in COLUMNS]


def drop(apps, schema_editor):
    for name in _single_column_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    if not _single_column_indexes(schema_editor):
        for column in ("source", "theme"):
            schema_editor.execute(f"CREATE INDEX incidents_incident_{column}_single ON incidents_incident ({column})")


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0011_date_brin_postgresql"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="incident",
                    name="source",
                    field=models.CharField(choices=[("police", "Police events"), ("est", "EST reports")],
                                           max_length=10, verbose_name="source"),
                ),
                migrations.AlterField(
                    model_name="incident",
                    name="theme",
                    field=models.CharField(max_length=40, verbose_name="theme"),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
