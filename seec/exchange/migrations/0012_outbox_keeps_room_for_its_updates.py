"""The outbox keeps room on each page for its rows' next versions, and its due index leaves
out the delivered messages.

Each message is written, claimed (its lease: no indexed column changes) and recorded
delivered. A claim can be a heap-only update, which writes no index entry, only where the
row's page has room for the new version; PostgreSQL fills a table's pages to the brim, so
most claims wrote an entry into every index of the outbox. A fill factor of 70 leaves the
room (SQLite has no such setting: nothing to do there).

The due index holds only the messages waiting, in the order they are claimed (next attempt,
then id): a claim reads the first few and stops. It held every message by state and time, and
the claim's plan gathered all the entries for "pending" (those of rows long delivered among
them, until a vacuum) to sort them, at every claim. The dead letters, listed for an
administrator, get a small index of their own."""

from django.db import migrations, models

OUTBOX = "exchange_outboundmessage"
FILL_FACTOR = 70


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(OUTBOX)
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {FILL_FACTOR})")


def fill_to_the_brim(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(OUTBOX)} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0011_outbox_indexes_read_by_the_exchange_only"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="outboundmessage",
            name="outbox_due",
        ),
        migrations.AddIndex(
            model_name="outboundmessage",
            index=models.Index(
                condition=models.Q(state="pending"),
                fields=["next_attempt_at", "id"],
                name="outbox_due",
            ),
        ),
        migrations.AddIndex(
            model_name="outboundmessage",
            index=models.Index(
                condition=models.Q(state__in=["dead", "expired"]),
                fields=["-created_at"],
                name="outbox_dead_letters",
            ),
        ),
        migrations.RunPython(leave_room, fill_to_the_brim, elidable=False),
    ]
