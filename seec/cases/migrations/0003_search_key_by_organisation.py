from django.db import migrations, models

FILL = """
UPDATE cases_casesearchkey SET organisation_id = (
    SELECT organisation_id FROM cases_case WHERE cases_case.id = cases_casesearchkey.case_id
)
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_files")]

    operations = [
        migrations.RemoveIndex(model_name="casesearchkey", name="cases_cases_key_3306f2_idx"),
        migrations.AddField(
            model_name="casesearchkey",
            name="organisation_id",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="casesearchkey",
            index=models.Index(
                fields=["organisation_id", "key", "case"], name="case_key_by_organisation"
            ),
        ),
        migrations.AddIndex(
            model_name="casesearchkey",
            index=models.Index(fields=["case"], name="case_key_by_case"),
        ),
    ]
