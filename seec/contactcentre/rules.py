"""Access rules of the contact centre (see core/policy.py).

A conversation holds the caller's number and what they said: the hotline's staff who take
contacts see their organisation's; supervisors act on any of them (transfer, the live view).
Nothing here is ever shared with another organisation: what a case needs of a call is on the
case's contact.
"""

from seec.core import policy
from seec.core.policy import Act, Capability, OrganisationRecordRule, Rule

from .models import (
    CallRecordImport,
    ContactLine,
    Conversation,
    ConversationMessage,
    OperatorPresence,
)


class HotlineRecordRule(OrganisationRecordRule):
    capability = Capability.RECORD_CONTACTS

    def scope(self, user, queryset, action):
        # Never through a share: the live side of a contact stays with its hotline.
        if action == Act.VIEW:
            action = Act.CHANGE
        return super().scope(user, queryset, action)


@policy.register(Conversation)
class ConversationRule(HotlineRecordRule):
    action_capabilities = {
        Act.CHANGE: Capability.RECORD_CONTACTS,
        Act.MANAGE: Capability.SUPERVISE,
    }


@policy.register(ConversationMessage)
class ConversationMessageRule(Rule):
    def scope(self, user, queryset, action):
        visible = policy.visible_to(user, Conversation, Act.VIEW).values("pk")
        return queryset.filter(conversation__in=visible)


@policy.register(ContactLine)
class ContactLineRule(HotlineRecordRule):
    capability = Capability.SUPERVISE
    action_capabilities = {Act.CHANGE: Capability.SUPERVISE}


@policy.register(CallRecordImport)
class CallRecordImportRule(HotlineRecordRule):
    capability = Capability.SUPERVISE
    action_capabilities = {Act.CHANGE: Capability.SUPERVISE}


@policy.register(OperatorPresence)
class OperatorPresenceRule(HotlineRecordRule):
    """Colleagues who take contacts see who is available (to transfer to them)."""
