"""The audit trail: written with the action, hash-chained, append-only, verifiable."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from seec.core import audit
from seec.core.audit import Action, ChainBreak, Origin, verify_chain
from seec.core.models import AuditEvent, AuditTrailIsAppendOnly, RoleCode


def chain_result():
    steps = list(verify_chain(batch_size=2))
    return steps[-1]


def tamper(statement, params):
    """Change the trail behind the application's back, as an intruder with SQL access would
    (on PostgreSQL, as a superuser switching the append-only trigger off)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_events_chain_each_to_the_previous(region):
    user = region.users[RoleCode.CASE_MANAGER]
    first = audit.record(Action.VIEW, origin=Origin(user, "10.0.0.1"), obj=region.gr_hotline)
    second = audit.record(Action.VIEW, origin=Origin(user), obj=user, reason="check")
    assert second.previous_hash == first.hash
    assert second.sequence == first.sequence + 1
    assert first.actor_username == user.username
    assert first.organisation_id == user.organisation_id
    assert first.ip_address == "10.0.0.1"
    assert chain_result() == AuditEvent.objects.count()


def test_verify_audit_names_the_first_modified_event(region):
    user = region.users[RoleCode.SUPERVISOR]
    events = [
        audit.record(Action.VIEW, origin=Origin(user), obj=region.gr_hotline, reason=f"n{i}")
        for i in range(5)
    ]
    call_command("verify_audit", verbosity=0)
    tampered = events[2]
    tamper("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["edited", tampered.pk])
    result = chain_result()
    assert isinstance(result, ChainBreak)
    assert result.sequence == tampered.sequence
    assert result.event_id == tampered.pk
    with pytest.raises(CommandError, match=f"#{tampered.sequence} "):
        call_command("verify_audit", verbosity=0)


def test_verify_audit_notices_a_deleted_event(region):
    user = region.users[RoleCode.SUPERVISOR]
    events = [audit.record(Action.VIEW, origin=Origin(user), obj=user) for _ in range(3)]
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    result = chain_result()
    assert isinstance(result, ChainBreak)
    assert result.event_id == events[2].pk


def test_application_refuses_to_change_or_delete_events(region):
    event = audit.record(Action.VIEW, origin=Origin(region.users[RoleCode.ANALYST]))
    event.reason = "rewritten"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger is PostgreSQL's"
)
def test_postgresql_refuses_to_change_or_delete_events(region):
    from django.db import DatabaseError

    event = audit.record(Action.VIEW, origin=Origin(region.users[RoleCode.ANALYST]))
    for statement in (
        "UPDATE core_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])


def test_event_and_action_commit_or_roll_back_together(region):
    user = region.users[RoleCode.CASE_MANAGER]
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(Action.VIEW, origin=Origin(user), obj=user)
        raise RuntimeError("the action failed after its event was written")
    assert AuditEvent.objects.count() == before
    assert chain_result() == before
