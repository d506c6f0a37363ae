from django.db import migrations


def load(apps, schema_editor):
    from seec.network.reference import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
