"""Every step of a contact as it happens: arrival, routing, answer, transfer, messages, end.

Each step runs in a transaction, writes its audit event (messages excepted: they are the
contact's content, kept with it, not acts on it), and pushes what changed to the screens that
show it once the transaction commits (notify.py).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.cases.models import Channel, digits_of
from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.models import Organisation, User
from seec.core.policy import Act, Capability

from . import notify
from .models import (
    ContactLine,
    Conversation,
    ConversationMessage,
    ConversationState,
    OperatorPresence,
    PresenceStatus,
    Sender,
)


class ConversationAction:
    ARRIVED = "conversation.arrived"
    ANSWERED = "conversation.answered"
    TRANSFERRED = "conversation.transferred"
    ENDED = "conversation.ended"
    ABANDONED = "conversation.abandoned"
    PRESENCE = "operator.presence"
    REFUSED = "contactcentre.refused"
    CDR_IMPORT = "conversation.cdr_import"
    TRANSCRIPTS_PURGED = "conversation.transcripts_purged"


audit.ACTION_LABELS.update(
    {
        ConversationAction.ARRIVED: gettext_lazy("Contact arrived"),
        ConversationAction.ANSWERED: gettext_lazy("Contact answered"),
        ConversationAction.TRANSFERRED: gettext_lazy("Contact transferred"),
        ConversationAction.ENDED: gettext_lazy("Contact ended"),
        ConversationAction.ABANDONED: gettext_lazy("Contact abandoned"),
        ConversationAction.PRESENCE: gettext_lazy("Availability changed"),
        ConversationAction.REFUSED: gettext_lazy("Input refused"),
        ConversationAction.CDR_IMPORT: gettext_lazy("Call records imported"),
        ConversationAction.TRANSCRIPTS_PURGED: gettext_lazy("Transcripts past retention deleted"),
    }
)

# An operator whose screen has not been heard from for this long is not offered contacts.
PRESENCE_TIMEOUT = timedelta(seconds=90)


def _require(user, action: str, obj) -> None:
    if not policy.can(user, action, obj):
        raise PermissionDenied(_("You may not do this to this contact."))


# --- Presence ----------------------------------------------------------------------------------


@transaction.atomic
def set_presence(*, origin: Origin, status: str, chat_capacity: int | None = None):
    """The operator says whether they take contacts now; becoming available routes the queue's
    oldest waiting contacts to them."""
    user = origin.actor
    if not policy.has(user, Capability.RECORD_CONTACTS) or user.organisation_id is None:
        raise PermissionDenied(_("Your roles do not allow this."))
    if status not in PresenceStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if chat_capacity is not None and not 1 <= chat_capacity <= 10:
        raise ValidationError({"chat_capacity": _("Between 1 and 10 chats at once.")})
    presence, _created = OperatorPresence.objects.get_or_create(
        user=user, defaults={"organisation_id": user.organisation_id}
    )
    # The audit trail's lock first, then the presence row's, as every step here takes them:
    # two steps taking them in the other order would deadlock.
    if presence.status != status:
        audit.record(ConversationAction.PRESENCE, origin=origin, obj=user, details={"to": status})
    presence.status, presence.changed_at = status, timezone.now()
    if chat_capacity is not None:
        presence.chat_capacity = chat_capacity
    presence.save()
    if status == PresenceStatus.AVAILABLE:
        route_waiting_after_commit(user.organisation_id)
    notify.send(notify.supervisors_group(user.organisation_id), {"kind": "refresh"})
    return presence


def touch_presence(user: User) -> None:
    """The operator's screen is open: keep them routable (called by their WebSocket)."""
    OperatorPresence.objects.filter(user=user).update(changed_at=timezone.now())


# --- Arrival and routing -----------------------------------------------------------------------


def _load_of(organisation_id: int) -> dict[int, tuple[int, int]]:
    """Per operator of the organisation: (live calls, live chats and SMS)."""
    rows = (
        Conversation.objects.filter(
            organisation_id=organisation_id,
            state__in=[ConversationState.OFFERED, ConversationState.ANSWERED],
            operator__isnull=False,
        )
        .values("operator_id")
        .annotate(
            calls=Count("pk", filter=Q(channel=Channel.CALL)),
            others=Count("pk", filter=~Q(channel=Channel.CALL)),
        )
    )
    return {row["operator_id"]: (row["calls"], row["others"]) for row in rows}


def free_operator(organisation_id: int, channel: str, *, exclude=()) -> OperatorPresence | None:
    """The available operator of the organisation who can take one more contact of `channel`:
    nobody on a call; for a call, nobody with a chat either; for a chat, fewer chats than their
    capacity. Of several, the one waiting longest since their last contact."""
    recent = timezone.now() - PRESENCE_TIMEOUT
    candidates = (
        OperatorPresence.objects.select_for_update()
        .filter(
            organisation_id=organisation_id,
            status=PresenceStatus.AVAILABLE,
            changed_at__gte=recent,
            user__is_active=True,
        )
        .exclude(user_id__in=exclude)
        .order_by(F("last_routed_at").asc(nulls_first=True), "user_id")
    )
    load = _load_of(organisation_id)
    for presence in candidates:
        calls, others = load.get(presence.user_id, (0, 0))
        if calls:
            continue
        if channel == Channel.CALL and others == 0:
            return presence
        if channel != Channel.CALL and others < presence.chat_capacity:
            return presence
    return None


def _offer(conversation: Conversation, presence: OperatorPresence, *, pop: bool = True) -> None:
    now = timezone.now()
    conversation.operator_id = presence.user_id
    conversation.state = ConversationState.OFFERED
    conversation.offered_at = now
    conversation.save(update_fields=["operator", "state", "offered_at"])
    presence.last_routed_at = now
    presence.save(update_fields=["last_routed_at"])
    if pop:
        screen_pop(conversation, presence.user)


@transaction.atomic
def offer_to(conversation: Conversation, operator: User) -> None:
    """Offer a waiting contact to this operator (the PBX rang their phone), whatever routing
    had chosen."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    presence = _presence_of(operator, conversation.organisation)
    if presence is None or conversation.operator_id == operator.pk:
        return
    if conversation.state not in (ConversationState.WAITING, ConversationState.OFFERED):
        return
    previous = conversation.operator_id
    _offer(conversation, presence)
    if previous:
        notify.send(
            notify.operator_group(previous), {"kind": "gone", "conversation": conversation.pk}
        )


def route(conversation: Conversation) -> bool:
    """Offer a waiting contact to a free operator; False if nobody is free (it stays queued)."""
    presence = free_operator(conversation.organisation_id, conversation.channel)
    if presence is None:
        return False
    _offer(conversation, presence)
    return True


@transaction.atomic
def route_waiting(organisation_id: int) -> int:
    """Offer the organisation's waiting contacts, oldest first, while someone is free. A
    contact that another step holds (it is being answered or ended) is left to that step."""
    routed = 0
    waiting = Conversation.objects.filter(
        organisation_id=organisation_id, state=ConversationState.WAITING
    ).order_by("arrived_at", "pk")
    for conversation in waiting.select_for_update(skip_locked=True)[:50]:
        if not route(conversation):
            break
        routed += 1
    return routed


def route_waiting_after_commit(organisation_id: int) -> None:
    """Route the queue in a transaction of its own once the current one commits: routing locks
    waiting contacts, and a step that holds one of them and waits for the audit trail's lock
    must not wait on this step too."""
    transaction.on_commit(lambda: route_waiting(organisation_id))


def screen_pop(conversation: Conversation, operator: User) -> None:
    """Tell the operator's screens of the contact offered to them, with the caller's earlier
    contacts and cases (in the operator's language, through the access policy)."""
    from . import selectors

    with translation.override(operator.preferred_language or settings.LANGUAGE_CODE):
        html = render_to_string(
            "contactcentre/_offer.html",
            {
                "conversation": conversation,
                "history": selectors.caller_history(operator, conversation),
            },
        )
    notify.send(
        notify.operator_group(operator.pk),
        {
            "kind": "offer",
            "conversation": conversation.pk,
            "channel": conversation.channel,
            "html": html,
            "arrived": conversation.arrived_at.timestamp(),
        },
    )
    notify.send(notify.supervisors_group(conversation.organisation_id), {"kind": "refresh"})


@transaction.atomic
def contact_arrived(
    *,
    organisation: Organisation,
    channel: str,
    caller_number: str = "",
    external_id: str = "",
    line: ContactLine | None = None,
    arrived_at=None,
    caller_language: str = "",
    operator: User | None = None,
    origin: Origin | None = None,
) -> tuple[Conversation, bool]:
    """A call rings, a chat opens, an SMS thread starts: queue it and route it. `operator` is
    who the PBX itself put the call through to, if it says. The same `external_id` twice
    (an event repeated) finds the first. Returns (conversation, created)."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if external_id:
        existing = Conversation.objects.filter(
            organisation=organisation, channel=channel, external_id=external_id
        ).first()
        if existing is not None:
            return existing, False
    conversation = Conversation(
        organisation=organisation,
        channel=channel,
        external_id=external_id[:100],
        caller_number=caller_number[:40],
        caller_digits=digits_of(caller_number)[:40],
        caller_language=caller_language[:10],
        line=line,
        arrived_at=arrived_at or timezone.now(),
    )
    # The row's fields; its uniqueness is the database's to enforce (looked up just above).
    conversation.full_clean(
        exclude=["operator", "contact", "line", "organisation"], validate_constraints=False
    )
    conversation.save()
    audit.record(
        ConversationAction.ARRIVED,
        origin=origin or Origin(),
        obj=conversation,
        details={"channel": channel, "line": line.pk if line else None},
        actor_username=line.name if line else "",
    )
    presence = _presence_of(operator, organisation) if operator else None
    if presence is not None:
        _offer(conversation, presence)
    else:
        route(conversation)
    notify.send(notify.supervisors_group(organisation.pk), {"kind": "refresh"})
    return conversation, True


def _presence_of(user: User, organisation: Organisation) -> OperatorPresence | None:
    if user.organisation_id != organisation.pk:
        return None
    presence, _created = OperatorPresence.objects.get_or_create(
        user=user, defaults={"organisation": organisation}
    )
    return presence


def open_web_chat(*, organisation: Organisation, language: str = "") -> tuple[Conversation, str]:
    """A child or parent opens a chat on the public site: a new conversation and its secret
    key, which only their browser holds (we keep its SHA-256)."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        conversation, _created = contact_arrived(
            organisation=organisation, channel=Channel.CHAT, caller_language=language
        )
        Conversation.objects.filter(pk=conversation.pk).update(chat_key=chat_key_digest(key))
    return conversation, key


def chat_key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- Answer, transfer, end ---------------------------------------------------------------------


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


@transaction.atomic
def answer(
    conversation: Conversation, *, origin: Origin, at=None, operator: User | None = None
) -> Conversation:
    """The operator takes the contact: they click, or the PBX says the call was answered (at
    the extension of `operator`, if it says which)."""
    user = origin.actor
    if user is not None:
        _require(user, Act.CHANGE, conversation)
    conversation = _locked(conversation)
    if conversation.state == ConversationState.ANSWERED and (
        user is None or conversation.operator_id == user.pk
    ):
        return conversation  # the same answer told twice (the PBX and the screen)
    if conversation.state not in (ConversationState.WAITING, ConversationState.OFFERED):
        raise ValidationError({"conversation": _("This contact is no longer waiting.")})
    if (
        user is not None
        and conversation.operator_id not in (None, user.pk)
        and not policy.can(user, Act.MANAGE, conversation)
    ):
        raise ValidationError({"conversation": _("This contact was offered to a colleague.")})
    now = at or timezone.now()
    conversation.state = ConversationState.ANSWERED
    conversation.answered_at = now
    conversation.wait_seconds = max(0, round((now - conversation.arrived_at).total_seconds()))
    if user is not None or operator is not None:
        conversation.operator = user or operator
    conversation.save()
    audit.record(
        ConversationAction.ANSWERED,
        origin=origin,
        obj=conversation,
        details={"wait_seconds": conversation.wait_seconds},
    )
    if conversation.channel == Channel.CHAT:
        notify.send(notify.chat_group(conversation.pk), {"kind": "answered"})
    notify.send(notify.supervisors_group(conversation.organisation_id), {"kind": "refresh"})
    return conversation


@transaction.atomic
def transfer(
    conversation: Conversation, *, origin: Origin, to: User, note: str = ""
) -> Conversation:
    """Hand a live contact to a colleague of the same organisation, who gets it on screen with
    its history and transcript; a supervisor may transfer anyone's."""
    user = origin.actor
    _require(user, Act.CHANGE, conversation)
    conversation = _locked(conversation)
    if not conversation.is_live:
        raise ValidationError({"conversation": _("This contact has ended.")})
    if conversation.operator_id != user.pk and not policy.can(user, Act.MANAGE, conversation):
        raise PermissionDenied(_("Only the operator on the contact or a supervisor transfers it."))
    if (
        to.organisation_id != conversation.organisation_id
        or not to.is_active
        or not policy.has(to, Capability.RECORD_CONTACTS)
    ):
        raise ValidationError({"to": _("Choose a colleague who takes contacts.")})
    if to.pk == conversation.operator_id:
        raise ValidationError({"to": _("This colleague has the contact already.")})
    previous = conversation.operator_id
    # The colleague takes it over as it is: a call in progress stays answered.
    conversation.operator = to
    conversation.save(update_fields=["operator"])
    if note.strip():
        ConversationMessage.objects.create(
            conversation=conversation, sender=Sender.SYSTEM, author=user, body=note[:2000]
        )
    audit.record(
        ConversationAction.TRANSFERRED,
        origin=origin,
        obj=conversation,
        details={"from": previous, "to": to.pk},
    )
    presence = _presence_of(to, conversation.organisation)  # after the audit's lock (see above)
    presence.last_routed_at = timezone.now()
    presence.save(update_fields=["last_routed_at"])
    screen_pop(conversation, to)
    if previous:
        notify.send(
            notify.operator_group(previous),
            {"kind": "gone", "conversation": conversation.pk},
        )
    return conversation


@transaction.atomic
def end(conversation: Conversation, *, origin: Origin, at=None) -> Conversation:
    """The contact ends (hung up, chat closed). Before an answer, it was abandoned."""
    user = origin.actor
    if user is not None:
        _require(user, Act.CHANGE, conversation)
    conversation = _locked(conversation)
    if not conversation.is_live:
        return conversation  # ended already: a hang-up told by the PBX and the screen
    if (
        user is not None
        and conversation.operator_id not in (None, user.pk)
        and not policy.can(user, Act.MANAGE, conversation)
    ):
        raise PermissionDenied(_("Only the operator on the contact or a supervisor ends it."))
    now = at or timezone.now()
    answered = conversation.state == ConversationState.ANSWERED
    conversation.state = ConversationState.ENDED if answered else ConversationState.ABANDONED
    conversation.ended_at = now
    if not answered:
        conversation.wait_seconds = max(0, round((now - conversation.arrived_at).total_seconds()))
    conversation.save()
    audit.record(
        ConversationAction.ENDED if answered else ConversationAction.ABANDONED,
        origin=origin,
        obj=conversation,
        details={"wait_seconds": conversation.wait_seconds},
    )
    if conversation.operator_id:
        notify.send(
            notify.operator_group(conversation.operator_id),
            {"kind": "ended", "conversation": conversation.pk},
        )
    if conversation.channel == Channel.CHAT:
        notify.send(notify.chat_group(conversation.pk), {"kind": "ended"})
    notify.send(notify.supervisors_group(conversation.organisation_id), {"kind": "refresh"})
    route_waiting_after_commit(conversation.organisation_id)
    return conversation


# --- Messages ---------------------------------------------------------------------------------


def check_message(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("The message is empty.")})
    limit = settings.SEEC_CHAT_MAX_MESSAGE_CHARS
    if len(body) > limit:
        raise ValidationError(
            {"body": _("A message is at most %(limit)d characters.") % {"limit": limit}}
        )
    return body


@transaction.atomic
def add_message(
    conversation: Conversation,
    *,
    sender: str,
    body: str,
    author: User | None = None,
    push: bool = True,
) -> ConversationMessage:
    """One chat or SMS message, stored with the conversation and pushed to the other side
    (`push=False`: the caller pushes `message_pushes` itself, as the WebSockets do from their
    event loop, so that the database's thread never waits on Redis)."""
    body = check_message(body)
    if sender == Sender.OPERATOR:
        _require(author, Act.CHANGE, conversation)
        if conversation.operator_id != author.pk and not policy.can(
            author, Act.MANAGE, conversation
        ):
            raise ValidationError({"conversation": _("This conversation is a colleague's.")})
    if not conversation.is_live:
        raise ValidationError({"conversation": _("This conversation has ended.")})
    message = ConversationMessage.objects.create(
        conversation=conversation, sender=sender, author=author, body=body
    )
    if push:
        for group, payload in message_pushes(conversation, message):
            notify.send(group, payload)
    if sender == Sender.OPERATOR and conversation.channel == Channel.SMS:
        from .sms import send_sms_reply

        transaction.on_commit(lambda: send_sms_reply.enqueue(message.pk))
    return message


def message_pushes(
    conversation: Conversation, message: ConversationMessage
) -> list[tuple[str, dict]]:
    """Where a message goes: a caller's to the operator on the conversation, an operator's to
    the visitor's chat (an SMS goes out through the gateway instead)."""
    payload = {
        "kind": "message",
        "conversation": conversation.pk,
        "sender": message.sender,
        "body": message.body,
        "id": message.pk,
        "sent": message.sent_at.timestamp(),
    }
    if message.sender == Sender.CALLER:
        if conversation.operator_id:
            return [(notify.operator_group(conversation.operator_id), payload)]
        return []
    if conversation.channel == Channel.CHAT:
        return [(notify.chat_group(conversation.pk), payload)]
    return []


def refused(what: str, *, reason: str, origin: Origin | None = None, details=None) -> None:
    """Log and audit input that was refused (a bad signature, a flood, a malformed event):
    the refusal is recorded, nothing it carried is."""
    import logging

    logging.getLogger("seec.contactcentre").warning("refused %s: %s", what, reason)
    with transaction.atomic():
        audit.record(
            ConversationAction.REFUSED,
            origin=origin or Origin(),
            reason=reason[:500],
            details={"what": what, **(details or {})},
        )
