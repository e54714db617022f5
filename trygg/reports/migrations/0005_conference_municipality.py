"""Each municipality holds its own conferences: ``Conference.municipality``, one conference per
municipality and year. The conferences already there belonged to the installation's municipality:
they get the sole municipality set up (``trygg.accounts.upgrade``), else the installation's own
(``TRYGG_MUNICIPALITY_CODE``), else the first municipality configured, else the first one stored.
Backwards the field is dropped again (which fails if two municipalities then hold the same year)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from trygg.accounts.upgrade import sole_municipality_id


def first_municipality_id(apps):
    Area = apps.get_model("areas", "Area")
    Municipality = apps.get_model("areas", "Municipality")
    municipalities = Area.objects.filter(level="municipality")
    found = sole_municipality_id(apps)
    for code in (getattr(settings, "TRYGG_MUNICIPALITY_CODE", ""),
                 *Municipality.objects.order_by("code").values_list("code", flat=True)):
        if found is None and code:
            found = municipalities.filter(code=code).values_list("pk", flat=True).first()
    if found is None:
        found = municipalities.order_by("code").values_list("pk", flat=True).first()
    return found


def give_municipality(apps, schema_editor):
    Conference = apps.get_model("reports", "Conference")
    if not Conference.objects.filter(municipality__isnull=True).exists():
        return
    area_id = first_municipality_id(apps)
    if area_id is None:
        raise RuntimeError("reports.0005: there are conferences but no municipality to give them; "
                           "set up the municipality first (trygg setup municipality FOLDER)")
    Conference.objects.filter(municipality__isnull=True).update(municipality_id=area_id)


class Migration(migrations.Migration):

    dependencies = [
        ("areas", "0002_municipality_configuration_free_level_keys"),
        ("reports", "0004_alter_conference_theme"),
    ]

    operations = [
        migrations.AddField(
            model_name="conference",
            name="municipality",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    limit_choices_to={"level": "municipality"}, to="areas.area",
                                    verbose_name="municipality"),
        ),
        migrations.RunPython(give_municipality, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="conference",
            name="municipality",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    limit_choices_to={"level": "municipality"}, to="areas.area",
                                    verbose_name="municipality"),
        ),
        migrations.AlterField(
            model_name="conference",
            name="year",
            field=models.PositiveIntegerField(verbose_name="year"),
        ),
        migrations.AddConstraint(
            model_name="conference",
            constraint=models.UniqueConstraint(fields=("municipality", "year"), name="one_conference_per_year"),
        ),
    ]
