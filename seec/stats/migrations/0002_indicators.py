"""The indicator catalogue as reference data (seec/stats/catalogue.py holds the definitions)."""

from django.db import migrations


def load(apps, schema_editor):
    from seec.stats import catalogue

    Indicator = apps.get_model("stats", "Indicator")
    for position, item in enumerate(catalogue.INDICATORS):
        Indicator.objects.update_or_create(
            code=item.code,
            defaults={
                "family": item.family,
                "unit": item.unit,
                "breakdowns": list(item.breakdowns),
                "period_types": list(item.period_types),
                "computed": item.computed,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
