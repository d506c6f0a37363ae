"""Who sees and decides linkage runs and pairs (see core/policy.py).

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

from .models import CandidatePair, LinkageRun, PartnerList, PartnerRecord, RunKind


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
