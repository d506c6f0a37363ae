"""Postings keyed by (word, organisation, name), without an id and without a constraint to
their word: Django does not turn a table's id into a composite primary key in place, so the
postings move to a new table and the old one goes (as the keys did in 0013)."""

import django.db.models.deletion
from django.db import migrations, models


def free_the_primary_key_name(apps, schema_editor):
    """PostgreSQL's primary key index keeps its name when its table is renamed: the new table's
    would be named ..._pkey1."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER INDEX IF EXISTS cases_searchnametoken_pkey "
            "RENAME TO cases_searchnametokenwithid_pkey"
        )


COPY = (
    "INSERT INTO {to} (token_id, organisation_id, name_id) "
    "SELECT DISTINCT token_id, organisation_id, name_id FROM {source}"
)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_search_keys_found_by_their_word_text"),
    ]

    operations = [
        # The old table's index names are taken by the new one's.
        migrations.RemoveIndex(model_name="searchnametoken", name="name_token_by_token"),
        migrations.AlterField(
            model_name="searchnametoken",
            name="name",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="cases.searchname",
            ),
        ),
        migrations.AlterField(
            model_name="searchnametoken",
            name="token",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.searchtoken",
            ),
        ),
        migrations.RenameModel("SearchNameToken", "SearchNameTokenWithId"),
        migrations.RunPython(free_the_primary_key_name, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SearchNameToken",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "token_id",
                        "organisation_id",
                        "name_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "name",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tokens",
                        to="cases.searchname",
                    ),
                ),
                (
                    "token",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="names",
                        to="cases.searchtoken",
                    ),
                ),
                ("organisation_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunSQL(
            COPY.format(to="cases_searchnametoken", source="cases_searchnametokenwithid"),
            reverse_sql=COPY.format(
                to="cases_searchnametokenwithid", source="cases_searchnametoken"
            ),
        ),
        migrations.DeleteModel("SearchNameTokenWithId"),
    ]
