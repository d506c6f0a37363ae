"""Access rules of the exchange's records (see core/policy.py)."""

from seec.core import policy
from seec.core.policy import Act, Capability, OrganisationRecordRule, Rule

from .models import (
    CooperationRequest,
    InboundMessage,
    NodeKey,
    OutboundMessage,
    Peer,
    PeerKey,
    ReceivedEncodings,
    Referral,
    RefusedMessage,
    RemoteOrganisation,
)


class AdministratorsOnly(Rule):
    """The node's trust and message traffic are the administrators' to see: they hold no
    child's data beyond what they carry, and that only an administrator of the node reads
    (the features built on them show the payloads to those they concern)."""

    def scope(self, user, queryset, action):
        if policy.has(user, Capability.ADMINISTER):
            return queryset
        return queryset.none()


for model in (
    Peer,
    PeerKey,
    NodeKey,
    RemoteOrganisation,
    OutboundMessage,
    InboundMessage,
    RefusedMessage,
):
    policy.register(model)(type(f"{model.__name__}Rule", (AdministratorsOnly,), {}))


@policy.register(Referral)
class ReferralRule(OrganisationRecordRule):
    """A referral is its side's organisation's: the staff who share records (case managers,
    supervisors, liaison officers) see it and act on it."""

    capability = Capability.SHARE_RECORDS
    action_capabilities = {Act.CHANGE: Capability.SHARE_RECORDS}


@policy.register(CooperationRequest)
class CooperationRequestRule(ReferralRule):
    """A request for cooperation is its side's organisation's, like a referral."""


@policy.register(ReceivedEncodings)
class ReceivedEncodingsRule(Rule):
    """A partner's encodings are the agreement's organisation's linkers' (as the agreement)."""

    def scope(self, user, queryset, action):
        if not policy.has(user, Capability.SHARE_RECORDS) or user.organisation_id is None:
            return queryset.none()
        return queryset.filter(agreement__organisation_id=user.organisation_id)
