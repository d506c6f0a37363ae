"""Search keys keyed by (key, word), without an id: Django does not turn a table's id into a
composite primary key in place, so the keys move to a new table and the old one goes."""

import django.db.models.deletion
from django.db import migrations, models

def free_the_primary_key_name(apps, schema_editor):
    """PostgreSQL's primary key index keeps its name when its table is renamed: the new table's
    would be named ..._pkey1."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER INDEX IF EXISTS cases_searchtokenkey_pkey RENAME TO cases_searchtokenkeywithid_pkey"
        )


COPY = "INSERT INTO {to} (key, token_id) SELECT DISTINCT key, token_id FROM {source}"


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_search_postings_without_name_constraint"),
    ]

    operations = [
        # The old table's index names are taken by the new one's.
        migrations.RemoveIndex(model_name="searchtokenkey", name="token_key_by_key"),
        migrations.RemoveIndex(model_name="searchtokenkey", name="token_key_by_token"),
        migrations.AlterField(
            model_name="searchtokenkey",
            name="token",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="cases.searchtoken",
            ),
        ),
        migrations.RenameModel("SearchTokenKey", "SearchTokenKeyWithId"),
        migrations.RunPython(free_the_primary_key_name, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SearchTokenKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "key",
                        "token_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "token",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="keys",
                        to="cases.searchtoken",
                    ),
                ),
                ("key", models.CharField(max_length=32)),
            ],
            options={
                "indexes": [models.Index(fields=["token"], name="token_key_by_token")],
            },
        ),
        migrations.RunSQL(
            COPY.format(to="cases_searchtokenkey", source="cases_searchtokenkeywithid"),
            reverse_sql=COPY.format(to="cases_searchtokenkeywithid", source="cases_searchtokenkey"),
        ),
        migrations.DeleteModel("SearchTokenKeyWithId"),
    ]
