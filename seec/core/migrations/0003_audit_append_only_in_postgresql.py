"""On PostgreSQL the database itself refuses to change or delete an audit event.

SQLite, the embedded development database, gets no trigger: Django's `flush` (between
transactional tests, and `manage.py flush`) empties its tables with DELETE, which the trigger
would refuse. There the application's refusal stands alone (AuditEvent.save/delete and its
queryset). PostgreSQL's flush uses TRUNCATE, which a row trigger does not see.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on core_auditevent is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_audit_event_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_audit_event_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_audit_event_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_reference_data")]
    operations = [migrations.RunPython(create, drop)]
