"""PostgreSQL only: a BRIN index on ``incidents_incident.date`` (one summary of the date range per
32 table pages: a few kilobytes for millions of rows). Where the table lies in date order — the
police feed's imports arrive day by day; a back-fill in another order is restored by ``CLUSTER`` —
a count of a recent period over the whole country reads only the pages of that period. SQLite has
no BRIN: nothing happens there. When to partition by month instead: docs/scaling.md."""

from django.db import migrations

NAME = "incident_date_brin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON incidents_incident "
                              "USING brin (date) WITH (pages_per_range = 32)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0010_load_themes_and_categories"),
    ]

    operations = [migrations.RunPython(create, drop)]
