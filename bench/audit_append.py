"""The cost of the audit trail on every write: appending a hash-chained event, and verifying.

Every audited action pays for one `audit.record` in its transaction (the chain head is locked,
the hash computed, the head moved on). A read of personal data pays for one staged INSERT
(`audit.record_read`, no lock on the chain), chained later by the worker in batches (measured
too: staged latency, chaining throughput). The baseline is the same event inserted in its own
transaction without the chain. Goals are the platform's own (issue 2 names none): an audited
write must stay cheap enough to sit in every service, and the daily check must be quick.
"""

import secrets

from harness import goal, latency_summary, say, size, stopwatch

EVENTS = size("BENCH_AUDIT_EVENTS", 20_000, smoke=200)


def run(engine: str) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from seec.core import audit
    from seec.core.audit import Action, Origin, verify_chain
    from seec.core.models import AuditEvent, Organisation, OrganisationKind, User

    org = Organisation.objects.create(name="Bench", kind=OrganisationKind.INTERNATIONAL)
    user = User.objects.create(username="bench", organisation=org)
    origin = Origin(user, "192.0.2.1")

    chained = []
    for _ in range(EVENTS):
        with stopwatch() as elapsed:
            audit.record(Action.VIEW, origin=origin, obj=org, reason="benchmark")
        chained.append(elapsed())
    say(f"   chained: {latency_summary(chained)}")

    # A read of personal data (issue 17): staged in the request, one INSERT without the chain's
    # lock, then chained by the worker in batches.
    staged = []
    for _ in range(EVENTS):
        with stopwatch() as elapsed:
            audit.record_read(Action.VIEW, origin=origin, obj=org, reason="benchmark")
        staged.append(elapsed())
    say(f"   read staged: {latency_summary(staged)}")
    with stopwatch() as chaining:
        assert audit.chain_staged_reads() == EVENTS
    chain_rate = EVENTS / chaining()
    say(f"   staged reads chained by the worker: {chain_rate:,.0f}/s")

    plain = []
    for i in range(EVENTS):
        with stopwatch() as elapsed, transaction.atomic():
            AuditEvent.objects.create(
                sequence=10_000_000 + i,
                occurred_at=timezone.now(),
                actor=user,
                actor_username=user.username,
                organisation=org,
                ip_address="192.0.2.1",
                action=Action.VIEW,
                object_type="core.organisation",
                object_id=str(org.pk),
                object_repr=str(org),
                reason="benchmark",
                previous_hash="0" * 64,
                hash=secrets.token_hex(32),
            )
        plain.append(elapsed())
    say(f"   baseline (plain insert): {latency_summary(plain)}")

    # Verify only the chained events: the baseline rows are outside the chain by design.
    with stopwatch() as elapsed:
        checked = 0
        for step in verify_chain():
            if isinstance(step, int):
                checked = step
            if checked >= 2 * EVENTS:
                break
    verify_rate = checked / elapsed()
    say(f"   verify: {checked} events in {elapsed():.2f} s ({verify_rate:,.0f}/s)")

    chained_summary, plain_summary = latency_summary(chained), latency_summary(plain)
    staged_summary = latency_summary(staged)
    overhead = chained_summary["p50_ms"] / plain_summary["p50_ms"]
    return {
        "data": {"events": EVENTS, "reads": EVENTS},
        "platform": {
            **chained_summary,
            "verify_events_per_s": round(verify_rate),
            "read_staged": staged_summary,
            "staged_reads_chained_per_s": round(chain_rate),
        },
        "baseline": {
            "name": "the same event, plain INSERT in its own transaction",
            **plain_summary,
        },
        "ratio_p50_to_baseline": round(overhead, 2),
        "goals": [
            goal("append_p95_ms", chained_summary["p95_ms"], "<=", 10),
            goal("append_p50_vs_plain_insert", overhead, "<=", 3),
            goal("verify_events_per_s", verify_rate, ">=", 20_000),
            # A read costs a request about what a plain INSERT does: it takes no chain lock.
            goal(
                "read_staged_p50_vs_plain_insert",
                staged_summary["p50_ms"] / plain_summary["p50_ms"],
                "<=",
                1.5,
            ),
        ],
    }
