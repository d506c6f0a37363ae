"""The default catalogue of indicators (seec/protection/indicators.py), published."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from seec.protection import indicators

    indicators.load_default(
        apps.get_model("protection", "IndicatorCatalogue"),
        apps.get_model("protection", "Indicator"),
        timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("protection", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
