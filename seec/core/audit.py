"""The audit trail: who did what to which object, when, from where and why.

Every event is written in the caller's transaction (`record` requires one to be open, or opens
its own), so an action and its event exist together or not at all. Events form a hash chain:
each event's hash covers its own fields and the previous event's hash. `verify_chain` recomputes
it and names the first event that does not match.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditChainHead, AuditEvent, User

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
    origin = origin or Origin()
    actor = origin.actor
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            sequence=head.sequence + 1,
            occurred_at=timezone.now(),
            actor=actor,
            actor_username=actor.get_username() if actor else actor_username,
            organisation_id=actor.organisation_id if actor else None,
            ip_address=origin.ip_address,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            reason=reason,
            details=details or {},
            previous_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save()
        head.sequence, head.hash = event.sequence, event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


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
