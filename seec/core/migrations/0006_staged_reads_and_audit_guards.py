"""Reads staged outside the chain's lock (issue 17), and the audit tables guarded against their
owner's accidents on PostgreSQL (issue 16): TRUNCATE refused on every audit table, the chain
head only moves forward and is never deleted, a staged read is never changed and is deleted
only once an event of the chain names it.

The suite's flush between transactional tests empties tables with TRUNCATE: a session that sets
`seec.audit_truncate = allowed` may (seec/settings_test.py does). Anyone who can set it is the
owner, who could drop the trigger as well: these guards stop mistakes; what stops malice is the
application's role without those rights (`manage.py grant_application_role`) and the anchors
kept outside the database (`manage.py anchor_audit`).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION core_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('seec.audit_truncate', true) = 'allowed' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail cannot be emptied: TRUNCATE on % is refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_audit_event_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();
CREATE TRIGGER core_audit_head_no_truncate BEFORE TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();
CREATE TRIGGER core_staged_read_no_truncate BEFORE TRUNCATE ON core_stagedread
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();

CREATE OR REPLACE FUNCTION core_audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.sequence < OLD.sequence THEN
        RAISE EXCEPTION 'the audit chain head only moves forward: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_audit_head_forward_only BEFORE UPDATE OR DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION core_audit_head_forward_only();

CREATE OR REPLACE FUNCTION core_staged_read_chained_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR NOT EXISTS (
        SELECT 1 FROM core_auditevent WHERE staged_read = OLD.id
    ) THEN
        RAISE EXCEPTION 'a staged read is never changed, and deleted only once chained: % refused',
            TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_staged_read_chained_only BEFORE UPDATE OR DELETE ON core_stagedread
    FOR EACH ROW EXECUTE FUNCTION core_staged_read_chained_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_staged_read_chained_only ON core_stagedread;
DROP FUNCTION IF EXISTS core_staged_read_chained_only();
DROP TRIGGER IF EXISTS core_audit_head_forward_only ON core_auditchainhead;
DROP FUNCTION IF EXISTS core_audit_head_forward_only();
DROP TRIGGER IF EXISTS core_staged_read_no_truncate ON core_stagedread;
DROP TRIGGER IF EXISTS core_audit_head_no_truncate ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_audit_event_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_audit_refuse_truncate();
"""


def create_guards(apps, schema_editor):
    # The head's row exists from the start, so the application's role needs no INSERT on it.
    apps.get_model("core", "AuditChainHead").objects.get_or_create(id=1)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="staged_read",
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(staged_read__isnull=False),
                fields=("staged_read",),
                name="core_auditevent_staged_read_once",
            ),
        ),
        migrations.CreateModel(
            name="StagedRead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("occurred_at", models.DateTimeField()),
                ("actor_username", models.CharField(blank=True, max_length=150)),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                ("action", models.CharField(max_length=60)),
                ("object_type", models.CharField(blank=True, max_length=60)),
                ("object_id", models.CharField(blank=True, max_length=64)),
                ("object_repr", models.CharField(blank=True, max_length=200)),
                ("reason", models.TextField(blank=True)),
                ("details", models.JSONField(blank=True, default=dict)),
                ("digest", models.CharField(max_length=64)),
                ("actor", models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("organisation", models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.organisation")),
            ],
            options={
                "verbose_name": "staged read",
                "verbose_name_plural": "staged reads",
                "ordering": ["id"],
            },
        ),
        migrations.RunPython(create_guards, drop_guards),
    ]
