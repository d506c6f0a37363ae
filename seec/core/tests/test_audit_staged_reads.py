"""Reads staged outside the chain's lock, chained by the worker; the audit tables guarded
against their owner (TRUNCATE, the head going back, a role without the rights) and the chain
head anchored outside the database."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from seec.core import audit
from seec.core.audit import Action, Origin, chain_staged_reads, verify_staged
from seec.core.models import (
    AuditChainHead,
    AuditEvent,
    AuditTrailIsAppendOnly,
    RoleCode,
    StagedRead,
)
from seec.core.tests.test_audit_trail import tamper

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database's own guards are PostgreSQL's"
)


def head_sequence() -> int:
    head = AuditChainHead.objects.filter(id=1).first()
    return head.sequence if head else 0


def test_a_read_is_staged_without_moving_the_chain_then_chained_in_order(region):
    user = region.users[RoleCode.CASE_MANAGER]
    audit.record(Action.SIGN_IN, origin=Origin(user))
    before = head_sequence()
    staged = audit.record_read(
        Action.VIEW, origin=Origin(user, "10.1.2.3"), obj=region.gr_hotline, reason="why"
    )
    assert head_sequence() == before  # the request did not touch the chain
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()
    assert verify_staged() == (1, [])

    assert chain_staged_reads() == 1
    event = AuditEvent.objects.get(action=Action.VIEW)
    assert (event.sequence, event.staged_read) == (before + 1, staged.pk)
    assert (event.actor, event.ip_address, event.reason) == (user, "10.1.2.3", "why")
    assert event.occurred_at == staged.occurred_at  # when it was read, not when chained
    assert event.object_id == str(region.gr_hotline.pk)
    assert not StagedRead.objects.exists()
    assert list(audit.verify_chain())[-1] == AuditEvent.objects.count()
    assert chain_staged_reads() == 0


def test_reads_are_chained_in_batches_each_its_own_transaction(region):
    user = region.users[RoleCode.SUPERVISOR]
    for number in range(7):
        audit.record_read(Action.VIEW, origin=Origin(user), obj=user, details={"n": number})
    assert chain_staged_reads(batch_size=3) == 7
    chained = list(AuditEvent.objects.order_by("sequence").values_list("details", flat=True))
    assert chained == [{"n": number} for number in range(7)]
    assert list(audit.verify_chain())[-1] == 7


def test_the_worker_is_asked_to_chain_once_the_read_commits(
    region, django_capture_on_commit_callbacks
):
    user = region.users[RoleCode.CASE_MANAGER]
    with django_capture_on_commit_callbacks(execute=True):
        audit.record_read(Action.VIEW, origin=Origin(user), obj=user)
    # The suite's task backend runs the task at once; the worker does within a second or so.
    assert AuditEvent.objects.filter(action=Action.VIEW, actor=user).exists()
    assert not StagedRead.objects.exists()


def test_verify_audit_finds_a_staged_read_changed_before_it_was_chained(region):
    user = region.users[RoleCode.CASE_MANAGER]
    staged = audit.record_read(Action.VIEW, origin=Origin(user), obj=user)
    call_command("verify_audit", verbosity=0)
    tamper("UPDATE core_stagedread SET actor_username = %s WHERE id = %s", ["nobody", staged.pk])
    with pytest.raises(CommandError, match=f"staged read {staged.pk} does not match"):
        call_command("verify_audit", verbosity=0)
    # The worker does not launder it into the chain.
    assert chain_staged_reads() == 0
    assert StagedRead.objects.filter(pk=staged.pk).exists()


def test_verify_audit_says_when_reads_wait_too_long(region):
    user = region.users[RoleCode.CASE_MANAGER]
    staged = audit.record_read(Action.VIEW, origin=Origin(user), obj=user)
    old = timezone.now() - audit.STAGED_READ_LIMIT * 2
    staged_fields = {name: getattr(staged, name) for name in audit.STAGED_FIELDS}
    digest = audit.hash_of({**staged_fields, "occurred_at": old})
    tamper(
        "UPDATE core_stagedread SET occurred_at = %s, digest = %s WHERE id = %s",
        [old, digest, staged.pk],
    )
    with pytest.raises(CommandError, match="is the task worker running"):
        call_command("verify_audit", verbosity=0)


def test_the_application_refuses_to_change_a_staged_read(region):
    staged = audit.record_read(Action.VIEW, origin=Origin(region.users[RoleCode.ANALYST]))
    staged.reason = "rewritten"
    with pytest.raises(AuditTrailIsAppendOnly):
        staged.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        StagedRead.objects.filter(pk=staged.pk).update(reason="x")


def test_an_anchor_finds_a_trail_removed_head_and_all(region, tmp_path, settings, capsys):
    settings.SEEC_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.log")
    user = region.users[RoleCode.CASE_MANAGER]
    for _ in range(3):
        audit.record(Action.SIGN_IN, origin=Origin(user))
    call_command("anchor_audit")
    line = (tmp_path / "anchors.log").read_text().strip()
    content = json.loads(line.rsplit(":", 1)[0])
    assert content["sequence"] == 3 and content["hash"] == AuditEvent.objects.get(sequence=3).hash
    call_command("verify_audit", verbosity=0)
    assert "1 anchor matched" in capsys.readouterr().out

    # Whoever owns the database empties both tables: the chain alone would look intact.
    tamper("DELETE FROM core_auditevent", [])
    tamper("DELETE FROM core_auditchainhead", [])
    assert list(audit.verify_chain())[-1] == 0
    with pytest.raises(CommandError, match=r"event #3, anchored on .* is missing"):
        call_command("verify_audit", verbosity=0)


def test_an_anchor_finds_a_rewritten_chain_and_refuses_a_forged_line(region, tmp_path, settings):
    path = tmp_path / "anchors.log"
    settings.SEEC_AUDIT_ANCHOR_FILE = str(path)
    user = region.users[RoleCode.CASE_MANAGER]
    audit.record(Action.SIGN_IN, origin=Origin(user))
    audit.anchor()
    # Rewritten consistently (hash recomputed), as an intruder who knows the scheme would.
    event = AuditEvent.objects.get(sequence=1)
    event.reason = "rewritten"
    tamper(
        "UPDATE core_auditevent SET reason = %s, hash = %s WHERE id = %s",
        ["rewritten", audit.event_hash(event), event.pk],
    )
    assert list(audit.verify_chain())[-1] == 1  # the chain alone cannot tell
    with pytest.raises(CommandError, match="event #1 differs from its anchor"):
        call_command("verify_audit", verbosity=0)

    forged = json.dumps({"at": "2026-01-01T00:00:00+00:00", "hash": "f" * 64, "sequence": 1})
    path.write_text(path.read_text() + forged + ":notasignature\n")
    with pytest.raises(CommandError, match="anchor line 2 is not signed"):
        call_command("verify_audit", verbosity=0)


def raw_connection_without_test_allowances():
    """A second connection to the test database as the owner would open it: without the
    suite's allowance to TRUNCATE."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("options", None)
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(autocommit=True, **params)


@on_postgresql
def test_postgresql_refuses_to_truncate_the_audit_tables(transactional_db):
    with raw_connection_without_test_allowances() as owner:
        for table in ("core_auditevent", "core_auditchainhead", "core_stagedread"):
            with pytest.raises(Exception, match=r"TRUNCATE on .* is refused"):
                owner.execute(f"TRUNCATE {table} CASCADE")


@on_postgresql
def test_postgresql_keeps_the_head_moving_forward_and_staged_reads_until_chained(region):
    user = region.users[RoleCode.CASE_MANAGER]
    audit.record(Action.SIGN_IN, origin=Origin(user))
    staged = audit.record_read(Action.VIEW, origin=Origin(user), obj=user)
    for statement, params in (
        ("UPDATE core_auditchainhead SET sequence = 0 WHERE id = 1", []),
        ("DELETE FROM core_auditchainhead", []),
        ("UPDATE core_stagedread SET reason = 'x' WHERE id = %s", [staged.pk]),
        ("DELETE FROM core_stagedread WHERE id = %s", [staged.pk]),
    ):
        with (
            pytest.raises(DatabaseError, match="refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, params)
    assert chain_staged_reads() == 1  # once chained, its deletion is allowed


@on_postgresql
def test_the_application_role_may_only_insert_and_read_the_audit_trail(region):
    role = f"{connection.settings_dict['NAME']}_app"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("grant_application_role", role, stdout=None)
    user = region.users[RoleCode.CASE_MANAGER]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{role}"')
        # The platform works as that role: changes, reads staged and chained.
        audit.record(Action.SIGN_IN, origin=Origin(user))
        audit.record_read(Action.VIEW, origin=Origin(user), obj=user)
        assert chain_staged_reads() == 1
        assert list(audit.verify_chain())[-1] == 2
    for statement in (
        "DELETE FROM core_auditevent",
        "UPDATE core_auditevent SET reason = 'x'",
        "TRUNCATE core_auditevent",
        "ALTER TABLE core_auditevent DISABLE TRIGGER ALL",
        "INSERT INTO core_auditchainhead (id, sequence, hash) VALUES (2, 0, '')",
    ):
        with (
            pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute(statement)
