"""The outbox's NOTIFY trigger (0007) goes: a transaction that notifies holds a lock of the
whole PostgreSQL cluster until its commit is on disk, so the outbox's writers committed one at
a time. The sending transaction now nudges the workers itself once it has committed
(seec/exchange/wakeup.py), on either engine."""

from django.db import migrations

DROP = """
DROP TRIGGER IF EXISTS exchange_outbox_notify ON exchange_outboundmessage;
DROP FUNCTION IF EXISTS exchange_outbox_notify();
"""
CREATE = """
CREATE OR REPLACE FUNCTION exchange_outbox_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('seec_exchange_outbox', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS exchange_outbox_notify ON exchange_outboundmessage;
CREATE TRIGGER exchange_outbox_notify AFTER INSERT ON exchange_outboundmessage
    FOR EACH STATEMENT EXECUTE FUNCTION exchange_outbox_notify();
"""


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0009_peer_batch_inbox")]

    operations = [migrations.RunPython(drop, create)]
