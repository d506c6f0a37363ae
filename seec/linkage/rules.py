"""Who sees and decides linkage runs and pairs (see core/policy.py).

A matching agreement, the comparisons made under it and the matches they found belong to the
organisation that made the agreement: its members who may link see and act on them; nobody
else, not even the partner (who keeps its own agreement on its side).

A pair of two cases is reviewed by the case managers and liaison officers of either case's
organisation: for a cross-border pair that means both centres, each seeing of the other side
only what the review page shows (the fields compared), never the other case itself unless it
is shared. Runs are started and followed by the same people; a run over a country is for its
centres.

A partner's list (and every row of it) is the uploading organisation's alone: its case
managers and liaison officers see it, link against it and decide on its pairs; nobody else
does, not even the centre of a case the list is compared with (that centre hears of a
confirmed match through a note on its case). A run against a list is its organisation's.
"""

from django.db.models import Q

from seec.core import policy
from seec.core.policy import Capability, Rule

from .models import (
    CandidatePair,
    EncodedExchange,
    LinkageRun,
    MatchingAgreement,
    PartnerList,
    PartnerRecord,
    PrivateMatch,
    RunKind,
)


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
        two_cases = Q(partner_record__isnull=True) & (
            Q(left__organisation_id=mine) | Q(right__organisation_id=mine)
        )
        with_our_list = Q(partner_record__partner_list__organisation_id=mine)
        return queryset.filter(two_cases | with_our_list)


@policy.register(LinkageRun)
class LinkageRunRule(Rule):
    def scope(self, user, queryset, action):
        if not may_link(user) or user.organisation is None:
            return queryset.none()
        over_my_country = Q(countries__contains=user.organisation.country_id) & ~Q(
            kind=RunKind.AGAINST
        )
        # Who started it, not the list: the run's record outlives a purged list.
        against_our_list = Q(kind=RunKind.AGAINST, started_by__organisation_id=user.organisation_id)
        return queryset.filter(over_my_country | against_our_list)


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


@policy.register(PartnerList)
class PartnerListRule(Rule):
    def scope(self, user, queryset, action):
        if not may_link(user) or user.organisation_id is None:
            return queryset.none()
        return queryset.filter(organisation_id=user.organisation_id)


@policy.register(PartnerRecord)
class PartnerRecordRule(Rule):
    def scope(self, user, queryset, action):
        if not may_link(user) or user.organisation_id is None:
            return queryset.none()
        return queryset.filter(partner_list__organisation_id=user.organisation_id)
