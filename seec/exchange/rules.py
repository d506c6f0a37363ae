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
    PfifImport,
    PfifPerson,
    PfifPublication,
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


class OwnOrganisationsRows(Rule):
    """Rows that belong to one organisation, seen by its members with `capability`."""

    capability = Capability.VIEW_PERSONAL_DATA

    def scope(self, user, queryset, action):
        if not policy.has(user, self.capability) or user.organisation_id is None:
            return queryset.none()
        return queryset.filter(organisation_id=user.organisation_id)


@policy.register(PfifPerson)
class PfifPersonRule(OwnOrganisationsRows):
    """People imported from another PFIF repository: the importing organisation's staff who
    see personal data."""


@policy.register(PfifImport)
class PfifImportRule(OwnOrganisationsRows):
    capability = Capability.SHARE_RECORDS


@policy.register(PfifPublication)
class PfifPublicationRule(Rule):
    """A case's publication follows the case."""

    def scope(self, user, queryset, action):
        from seec.cases.models import Case

        return queryset.filter(case__in=policy.visible_to(user, Case, action).values("pk"))
