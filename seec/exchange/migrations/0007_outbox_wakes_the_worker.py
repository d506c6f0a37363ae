"""On PostgreSQL, a transaction that writes to the outbox notifies the exchange worker when it
commits (the worker LISTENs on the channel), so that a message leaves at once instead of at
the worker's next look. A statement-level trigger: one notification per statement, folded
into one per transaction by PostgreSQL, and none until the commit."""

from django.db import migrations

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
DROP = """
DROP TRIGGER IF EXISTS exchange_outbox_notify ON exchange_outboundmessage;
DROP FUNCTION IF EXISTS exchange_outbox_notify();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0006_pfif")]

    operations = [migrations.RunPython(create, drop)]
