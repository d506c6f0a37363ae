"""The audit trail: who did what to which object, when, from where and why.

Every change is written in the caller's transaction (`record` requires one to be open, or opens
its own), so an action and its event exist together or not at all. Events form a hash chain:
each event's hash covers its own fields and the previous event's hash. `verify_chain` recomputes
it and names the first event that does not match.

A read of personal data (`record_read`) does not take the chain's lock in the request: it is
staged (one INSERT) and the worker chains staged reads in batches within seconds
(`chain_staged_reads`, enqueued after the read). A hot path whose own worker runs anyway may
stage its events the same way (`stage`, e.g. a message written to the exchange's outbox,
chained by the exchange worker). `verify_staged` checks what waits.

The chain's head is anchored outside the database (`anchor`, daily): a signed line in a file
and the log, so that removing or rewriting the trail, head and all, is still found by
`verify_anchors`.
"""

import hashlib
import ipaddress
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import bulk
from .models import AuditChainHead, AuditEvent, StagedRead, User

logger = logging.getLogger("seec.audit")

GENESIS_HASH = "0" * 64


class Action:
    """The audit actions of the core; each app adds its own as dotted names (`case.open`)."""

    SIGN_IN = "auth.sign_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    SIGN_OUT = "auth.sign_out"
    LOCKED_OUT = "auth.locked_out"
    UNLOCKED = "auth.unlocked"
    SECOND_FACTOR_VERIFIED = "auth.second_factor_verified"
    SECOND_FACTOR_FAILED = "auth.second_factor_failed"
    SECOND_FACTOR_ENROLLED = "auth.second_factor_enrolled"
    SECOND_FACTOR_REMOVED = "auth.second_factor_removed"
    SESSION_EXPIRED = "auth.session_expired"
    PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"
    PASSWORD_CHANGED = "auth.password_changed"
    TOKEN_ISSUED = "auth.token_issued"
    TOKEN_REVOKED = "auth.token_revoked"
    ACCOUNT_DISABLED = "user.disabled"
    ACCOUNT_CREATED = "user.created"
    ACCOUNT_CHANGED = "user.changed"
    LANGUAGE_CHANGED = "user.language_changed"
    TIME_ZONE_CHANGED = "user.time_zone_changed"
    ORGANISATION_CREATED = "organisation.created"
    ORGANISATION_CHANGED = "organisation.changed"
    SHARE_GRANTED = "share.granted"
    SHARE_REVOKED = "share.revoked"
    VIEW = "view"


ACTION_LABELS: dict[str, str] = {
    Action.SIGN_IN: _("Signed in"),
    Action.SIGN_IN_FAILED: _("Sign-in failed"),
    Action.SIGN_OUT: _("Signed out"),
    Action.LOCKED_OUT: _("Locked out"),
    Action.UNLOCKED: _("Sign-in unlocked"),
    Action.SECOND_FACTOR_VERIFIED: _("Second factor verified"),
    Action.SECOND_FACTOR_FAILED: _("Second factor failed"),
    Action.SECOND_FACTOR_ENROLLED: _("Two-factor sign-in turned on"),
    Action.SECOND_FACTOR_REMOVED: _("Two-factor sign-in turned off"),
    Action.SESSION_EXPIRED: _("Session expired"),
    Action.PASSWORD_RESET_REQUESTED: _("Password reset requested"),
    Action.PASSWORD_CHANGED: _("Password changed"),
    Action.TOKEN_ISSUED: _("API token issued"),
    Action.TOKEN_REVOKED: _("API token revoked"),
    Action.ACCOUNT_DISABLED: _("Account disabled"),
    Action.ACCOUNT_CREATED: _("Account created"),
    Action.ACCOUNT_CHANGED: _("Account changed"),
    Action.LANGUAGE_CHANGED: _("Language changed"),
    Action.TIME_ZONE_CHANGED: _("Time zone changed"),
    Action.ORGANISATION_CREATED: _("Organisation created"),
    Action.ORGANISATION_CHANGED: _("Organisation changed"),
    Action.SHARE_GRANTED: _("Record shared"),
    Action.SHARE_REVOKED: _("Share revoked"),
    Action.VIEW: _("Viewed"),
}
"""How each action reads in the interface; apps add theirs with `ACTION_LABELS.update(...)`."""


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


@dataclass(frozen=True)
class Origin:
    """Where an action came from: its actor and network address."""

    actor: User | None = None
    ip_address: str | None = None

    @classmethod
    def of(cls, request) -> "Origin":
        user = getattr(request, "user", None)
        return cls(
            actor=user if user is not None and user.is_authenticated else None,
            ip_address=client_ip(request),
        )


def client_ip(request) -> str | None:
    """The client's address as django-axes resolves it (which honours the proxy settings)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(getattr(request, "_request", request))
    if not address:
        return None
    try:
        # One spelling per address, whatever the database hands back (PostgreSQL's inet).
        return ipaddress.ip_address(address).compressed
    except ValueError:
        return None


def _event_fields(action, origin, obj, reason, details, actor_username) -> dict:
    origin = origin or Origin()
    actor = origin.actor
    return {
        "occurred_at": timezone.now(),
        "actor": actor,
        "actor_username": actor.get_username() if actor else actor_username,
        "organisation_id": actor.organisation_id if actor else None,
        "ip_address": origin.ip_address,
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:200] if obj is not None else "",
        "reason": reason,
        "details": details or {},
    }


def record(
    action: str,
    *,
    origin: Origin | None = None,
    obj=None,
    reason: str = "",
    details: dict | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the trail, in the current transaction.

    `obj` is the object acted on (its type, id and short description are kept); `details`
    holds what changed, as JSON, never a child's personal data in clear beyond what the
    object's own record holds.
    """
    fields = _event_fields(action, origin, obj, reason, details, actor_username)
    # Inside the caller's transaction no savepoint is needed (an event that fails fails the
    # whole action, as it should); it would add two round trips to every audited write.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        event = AuditEvent(sequence=head.sequence + 1, previous_hash=head.hash, **fields)
        event.hash = event_hash(event)
        event.save()
        head.sequence, head.hash = event.sequence, event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def _locked_head() -> AuditChainHead:
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    return head


def record_read(
    action: str,
    *,
    origin: Origin | None = None,
    obj=None,
    reason: str = "",
    details: dict | None = None,
) -> StagedRead:
    """Record that someone read personal data, without queueing behind the chain's writers.

    The read is staged (one INSERT, no lock held on the chain) and chained by the worker
    within seconds; until then `verify_audit` checks it as staged. Same arguments as `record`.
    """
    return stage(action, origin=origin, obj=obj, reason=reason, details=details)


def stage(
    action: str,
    *,
    origin: Origin | None = None,
    obj=None,
    reason: str = "",
    details: dict | None = None,
    actor_username: str = "",
    schedule: bool = True,
) -> StagedRead:
    """Stage one event in the current transaction (one INSERT, the chain's lock not taken):
    it exists with the action or not at all, as `record`'s does, and is chained within
    seconds. `schedule=False` is for a caller whose own worker chains what is staged (the
    exchange worker, which must run for an outbox message to leave at all); otherwise the
    task worker is asked to, once the transaction commits."""
    staged = staged_event(
        action, origin=origin, obj=obj, reason=reason, details=details,
        actor_username=actor_username,
    )  # fmt: skip
    # Written out (the row needs no model logic: append-only, no signals): the ORM's save
    # cost more than the INSERT itself on the hot paths that stage (every batch received).
    bulk.insert_returning_pks([staged])
    if schedule:
        transaction.on_commit(schedule_chaining)
    return staged


def staged_event(
    action: str,
    *,
    origin: Origin | None = None,
    obj=None,
    reason: str = "",
    details: dict | None = None,
    actor_username: str = "",
) -> StagedRead:
    """The event `stage` writes, with its digest, not yet saved: for a hot path that writes
    the row its own way (the exchange's outbox, a statement prepared once a connection) and
    chains it as `stage` leaves it, by its own worker."""
    staged = StagedRead(**_event_fields(action, origin, obj, reason, details, actor_username))
    staged.digest = staged_digest(staged)
    return staged


# When this process last asked the worker to chain staged reads, and for when: one task covers
# every read staged before it runs, so a busy page does not enqueue a task per view.
_chaining_due_at = 0.0
CHAIN_DELAY_SECONDS = 1.0


def schedule_chaining() -> None:
    """Ask the task worker to chain the staged reads, at most once a second per process."""
    global _chaining_due_at
    from django_tasks import default_task_backend

    from .tasks import chain_staged_reads

    if not default_task_backend.supports_defer:  # run at once (tests): nothing to gather
        chain_staged_reads.enqueue()
        return
    now = time.time()
    # A task already due after this moment will see this read (it is committed): no other.
    if now < _chaining_due_at:
        return
    _chaining_due_at = now + CHAIN_DELAY_SECONDS
    due = timezone.now() + timedelta(seconds=CHAIN_DELAY_SECONDS)
    chain_staged_reads.using(run_after=due).enqueue()


CHAIN_BATCH = 1000


def chain_staged_reads(batch_size: int = CHAIN_BATCH) -> int:
    """Move every staged event into the chain, oldest first, a batch per transaction (the
    chain's lock is held for one batch at a time). Returns how many were chained.

    A staged event whose digest no longer matches its fields is left where it is and logged:
    chaining it would launder the change; `verify_audit` names it.
    """
    chained = 0
    while True:
        with transaction.atomic():
            read, events = chain_staged(batch_size)
        chained += events
        if read < batch_size or not events:
            return chained


def chain_staged(batch_size: int = CHAIN_BATCH) -> tuple[int, int]:
    """Chain up to `batch_size` staged events, oldest first, in the caller's transaction
    (which then holds the chain's lock until it ends: a worker that appends an event of its
    own chains what is staged in the same transaction). Returns how many staged rows were
    read and how many chained."""
    head = _locked_head()
    rows = list(StagedRead.objects.order_by("id")[:batch_size])
    sound = []
    for row in rows:
        if staged_digest(row) == row.digest:
            sound.append(row)
        else:
            logger.error("Staged audit event %s does not match its digest", row.pk)
    events = []
    sequence, previous = head.sequence, head.hash
    for row in sound:
        sequence += 1
        event = AuditEvent(
            sequence=sequence,
            previous_hash=previous,
            staged_read=row.pk,
            **{name: getattr(row, name) for name in STAGED_FIELDS},
        )
        event.hash = previous = event_hash(event)
        events.append(event)
    if events:
        # Written as rows (COPY on PostgreSQL), not through bulk_create: the exchange's
        # workers chain an event for every message sent and received, and compiling each
        # event's values through the field machinery cost them more than the database's insert.
        bulk.insert_rows(AuditEvent, (event.__dict__ for event in events))
        StagedRead.objects.filter(pk__in=[row.pk for row in sound]).delete()
        head.sequence, head.hash = sequence, previous
        head.save(update_fields=["sequence", "hash"])
    return len(rows), len(events)


HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_username",
    "organisation_id",
    "ip_address",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "reason",
    "details",
    "previous_hash",
)


# A staged read's digest covers what its event will hold, less its place in the chain.
STAGED_FIELDS = tuple(name for name in HASHED_FIELDS if name not in ("sequence", "previous_hash"))


def staged_digest(staged: StagedRead) -> str:
    return hash_of({name: getattr(staged, name) for name in STAGED_FIELDS})


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over a canonical JSON form of the event's fields and the previous hash."""
    return hash_of({name: getattr(event, name) for name in HASHED_FIELDS})


def hash_of(fields: dict) -> str:
    content = dict(fields, occurred_at=fields["occurred_at"].isoformat(timespec="microseconds"))
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    event_id: int
    problem: str


def verify_chain(batch_size: int = 5000) -> Iterator[int | ChainBreak]:
    """Walk the chain in order; yield the count checked so far, and a ChainBreak if one is found.

    Yields after each batch so a caller can show progress; stops at the first break.
    """
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    # Plain rows, not model instances: the check reads millions of events.
    rows = (
        AuditEvent.objects.order_by("sequence")
        .values("id", "hash", *HASHED_FIELDS)
        .iterator(chunk_size=batch_size)
    )
    for row in rows:
        event_id, stored_hash = row.pop("id"), row.pop("hash")
        sequence = row["sequence"]
        if sequence != expected_sequence:
            yield ChainBreak(sequence, event_id, f"expected sequence {expected_sequence}")
            return
        if row["previous_hash"] != expected_previous:
            yield ChainBreak(sequence, event_id, "does not follow the previous event")
            return
        if hash_of(row) != stored_hash:
            yield ChainBreak(sequence, event_id, "its content does not match its hash")
            return
        expected_previous = stored_hash
        expected_sequence += 1
        checked += 1
        if checked % batch_size == 0:
            yield checked
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.sequence != checked:
        yield ChainBreak(
            checked + 1, 0, f"the chain head says {head.sequence} events, {checked} found"
        )
        return
    yield checked


# A staged read older than this means the worker is not chaining: `verify_audit` says so.
STAGED_READ_LIMIT = timedelta(minutes=10)


def verify_staged() -> tuple[int, list[str]]:
    """Check the events waiting to be chained (staged reads and sent messages): each still
    matches its digest, none was chained already and left behind, none waits past
    STAGED_READ_LIMIT. Returns the count and the problems found (empty when all is well)."""
    problems = []
    count = 0
    oldest = None
    for row in StagedRead.objects.order_by("id").iterator(chunk_size=5000):
        count += 1
        oldest = oldest or row.occurred_at
        if staged_digest(row) != row.digest:
            problems.append(f"staged read {row.pk} does not match its digest")
    chained_twice = AuditEvent.objects.filter(
        staged_read__in=StagedRead.objects.values("pk")
    ).values_list("staged_read", flat=True)
    problems += [f"staged read {pk} is chained already but still staged" for pk in chained_twice]
    if oldest is not None and timezone.now() - oldest > STAGED_READ_LIMIT:
        problems.append(
            f"{count} reads wait to be chained, the oldest since {oldest:%Y-%m-%d %H:%M} UTC: "
            "is the task worker running?"
        )
    return count, problems


# --- Anchors: the chain's head kept outside the database -------------------------------------

ANCHOR_SALT = "seec.core.audit.anchor"


def anchor_path() -> Path | None:
    location = getattr(settings, "SEEC_AUDIT_ANCHOR_FILE", "")
    return Path(location) if location else None


def anchor() -> dict:
    """Write the chain head, signed with the installation's SECRET_KEY, to the anchor file and
    the log. Run daily (cron): whoever can rewrite the database cannot forge the line, so
    `verify_anchors` finds a trail that was removed or rewritten before the last anchor."""
    head = AuditChainHead.objects.filter(id=1).first()
    content = {
        "sequence": head.sequence if head else 0,
        "hash": head.hash if head else GENESIS_HASH,
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    # Readable in the log and the file: the JSON, a colon, its signature.
    line = signing.Signer(salt=ANCHOR_SALT).sign(
        json.dumps(content, sort_keys=True, separators=(",", ":"))
    )
    path = anchor_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="ascii") as handle:
            handle.write(line + "\n")
    logger.warning("audit anchor %s", line)
    return content


def verify_anchors(path: Path | None = None) -> tuple[int, list[str]]:
    """Check the chain against every anchor in the file: each line signed by this
    installation, and the event it names present with the anchored hash. Returns the number of
    anchors read and the problems found."""
    path = path or anchor_path()
    if path is None or not path.exists():
        return 0, []
    signer = signing.Signer(salt=ANCHOR_SALT)
    anchors, problems = [], []
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchors.append(json.loads(signer.unsign(line.strip())))
        except (signing.BadSignature, ValueError):
            problems.append(f"anchor line {number} is not signed by this installation")
    anchored = {item["sequence"]: item for item in anchors if item["sequence"]}
    found = dict(AuditEvent.objects.filter(sequence__in=anchored).values_list("sequence", "hash"))
    for sequence, item in sorted(anchored.items()):
        if sequence not in found:
            problems.append(
                f"event #{sequence}, anchored on {item['at']}, is missing: the trail was cut"
            )
        elif found[sequence] != item["hash"]:
            problems.append(
                f"event #{sequence} differs from its anchor of {item['at']}: it was rewritten"
            )
    return len(anchors), problems
