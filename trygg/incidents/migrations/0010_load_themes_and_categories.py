"""The installation-wide themes, categories, police event types and Brå crime types (data/themes.toml and
data/police_event_types.csv) into their tables; rows already there are kept."""

from django.db import migrations


def load(apps, schema_editor):
    from trygg.incidents.taxonomy import load as load_taxonomy

    models = [apps.get_model("incidents", name) for name in ("Theme", "Category", "PoliceEventType", "BraCrimeType")]
    load_taxonomy(models=models)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0009_themes_and_categories_tables")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
