"""The tallies now count months on each country's calendar (its time zone) instead of UTC's:
forget the last build, so that figures are counted afresh before they are summed again."""

from django.db import migrations


def forget_builds(apps, schema_editor):
    apps.get_model("stats", "TallyBuild").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_tallies")]
    operations = [migrations.RunPython(forget_builds, migrations.RunPython.noop)]
