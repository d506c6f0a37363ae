"""Reads of the contact centre, always through the access policy."""

from dataclasses import dataclass, field

from django.utils import timezone

from seec.cases import selectors as case_selectors
from seec.cases.models import Contact
from seec.core import policy
from seec.core.models import User
from seec.core.policy import Act, Capability

from .models import (
    LIVE_STATES,
    Conversation,
    ConversationState,
    OperatorPresence,
    PresenceStatus,
)
from .services import PRESENCE_TIMEOUT

# The last digits identify a number whatever its country prefix (+30 / 0030 / none), as the
# case search reads them.
NUMBER_TAIL = 9


@dataclass
class CallerHistory:
    contacts: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    conversations: int = 0

    def __bool__(self):
        return bool(self.contacts or self.cases or self.conversations)


def caller_history(user, conversation: Conversation, limit: int = 10) -> CallerHistory:
    """The caller's earlier contacts and cases with this organisation, found by their number:
    what the operator sees as the call arrives."""
    digits = conversation.caller_digits
    history = CallerHistory()
    if len(digits) < 6:
        return history
    tail = digits[-NUMBER_TAIL:]
    history.contacts = list(
        policy.visible_to(user, Contact)
        .filter(organisation_id=conversation.organisation_id, caller_phone_digits__endswith=tail)
        .select_related("case")
        .order_by("-started_at")[:limit]
    )
    history.cases = [
        hit.case
        for hit in case_selectors.search_by_phone(
            case_selectors.cases_for(user).filter(organisation_id=conversation.organisation_id),
            tail,
            limit,
        )
    ]
    history.conversations = (
        policy.visible_to(user, Conversation)
        .filter(caller_digits__endswith=tail)
        .exclude(pk=conversation.pk)
        .count()
    )
    return history


def conversation_for(user, pk, action: str = Act.VIEW) -> Conversation:
    return policy.get_for_action(
        user, Conversation.objects.select_related("contact", "operator"), action, pk=pk
    )


def my_live_conversations(user):
    return (
        policy.visible_to(user, Conversation)
        .filter(operator=user, state__in=LIVE_STATES)
        .order_by("arrived_at")
    )


def colleagues_for_transfer(user, conversation: Conversation):
    """Who a contact may be handed to: the organisation's active staff who take contacts,
    available ones first."""
    presence = {
        p.user_id: p
        for p in OperatorPresence.objects.filter(organisation_id=conversation.organisation_id)
    }
    people = [
        colleague
        for colleague in User.objects.filter(
            organisation_id=conversation.organisation_id, is_active=True
        )
        .exclude(pk=conversation.operator_id)
        .order_by("username")
        if policy.has(colleague, Capability.RECORD_CONTACTS)
    ]
    for colleague in people:
        colleague.presence = presence.get(colleague.pk)
    people.sort(
        key=lambda c: (c.presence is None or c.presence.status != PresenceStatus.AVAILABLE,)
    )
    return people


def live_view(user) -> dict:
    """The supervisor's live view of their organisation's queue: who waits and for how long,
    who is on what, each operator's availability and load, and today's answered and
    abandoned contacts."""
    organisation_id = user.organisation_id
    conversations = policy.visible_to(user, Conversation, Act.MANAGE).filter(
        organisation_id=organisation_id
    )
    now = timezone.now()
    live = list(
        conversations.filter(state__in=LIVE_STATES)
        .select_related("operator")
        .order_by("arrived_at")
    )
    for conversation in live:
        conversation.seconds = round((now - conversation.arrived_at).total_seconds())
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = conversations.filter(arrived_at__gte=start_of_day)
    operators = list(
        OperatorPresence.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("user__username")
    )
    recent = now - PRESENCE_TIMEOUT
    for presence in operators:
        presence.live = [c for c in live if c.operator_id == presence.user_id]
        presence.connected = presence.changed_at >= recent
    return {
        "waiting": [c for c in live if c.state == ConversationState.WAITING],
        "live": [c for c in live if c.state != ConversationState.WAITING],
        "operators": operators,
        "today": {
            "arrived": today.count(),
            "answered": today.filter(answered_at__isnull=False).count(),
            "abandoned": today.filter(state=ConversationState.ABANDONED).count(),
        },
    }
