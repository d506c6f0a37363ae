"""Who sees and decides linkage runs and pairs (see core/policy.py).

A pair is reviewed by the case managers and liaison officers of either case's organisation:
for a cross-border pair that means both centres, each seeing of the other side only what the
review page shows (the fields compared), never the other case itself unless it is shared.
Runs are started and followed by the same people; a run over a country is for its centres.

A matching agreement, the comparisons made under it and the matches they found belong to the
organisation that made the agreement: its members who may link see and act on them; nobody
else, not even the partner (who keeps its own agreement on its side).
"""

from django.db.models import Q

from seec.core import policy
from seec.core.policy import Capability, Rule

from .models import CandidatePair, EncodedExchange, LinkageRun, MatchingAgreement, PrivateMatch


def may_link(user) -> bool:
    return policy.is_signed_in(user) and (
        policy.has(user, Capability.MANAGE_CASES) or policy.has(user, Capability.SHARE_RECORDS)
    )


@policy.register(CandidatePair)
class CandidatePairRule(Rule):
    def scope(self, user, queryset, action):
        if not may_link(user) or user.organisation_id is None:
            return queryset.none()
        mine = user.organisation_id
        return queryset.filter(Q(left__organisation_id=mine) | Q(right__organisation_id=mine))


@policy.register(LinkageRun)
class LinkageRunRule(Rule):
    def scope(self, user, queryset, action):
        if not may_link(user) or user.organisation is None:
            return queryset.none()
        return queryset.filter(countries__contains=user.organisation.country_id)


class _AgreementOwnerRule(Rule):
    """Records of an agreement: its organisation's members who may link."""

    organisation_path = "organisation_id"

    def scope(self, user, queryset, action):
        if not may_link(user) or user.organisation_id is None:
            return queryset.none()
        return queryset.filter(**{self.organisation_path: user.organisation_id})


@policy.register(MatchingAgreement)
class MatchingAgreementRule(_AgreementOwnerRule):
    organisation_path = "organisation_id"


@policy.register(EncodedExchange)
class EncodedExchangeRule(_AgreementOwnerRule):
    organisation_path = "agreement__organisation_id"


@policy.register(PrivateMatch)
class PrivateMatchRule(_AgreementOwnerRule):
    # The case is the organisation's own (services take only its own cases); asking for both
    # keeps a match hidden should the case ever move.
    organisation_path = "agreement__organisation_id"

    def scope(self, user, queryset, action):
        scoped = super().scope(user, queryset, action)
        return scoped.filter(case__organisation_id=user.organisation_id)
