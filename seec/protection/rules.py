"""Who sees and does what in protection (see core/policy.py and docs/protection.md).

- A child victim's record and all that hangs off it: the owning organisation's staff with
  personal data; another organisation through a share. A service provider on the platform
  sees the referrals made to it (and nothing else of the child).
- A repatriation step asked of an agency: that agency's staff with personal data, through
  its own copy (`StepAssignment`).
- Persons of interest and identifiers: the law-enforcement staff of the owning police
  organisation alone; a person shared by an explicit police decision is seen, read-only, by
  the receiving police organisation's law-enforcement staff.
- The directory of providers and the indicators' catalogue: any role; kept by the regional
  coordinators and a country's supervisors (providers of their country).
"""

from django.db import models

from seec.core import policy
from seec.core.models import OrganisationKind, RoleCode
from seec.core.policy import Act, Capability, OrganisationRecordRule, Rule

from .models import (
    AgeAssessment,
    ChildVictim,
    GuardianAppointment,
    IdentifierMatch,
    Indicator,
    IndicatorCatalogue,
    IndicatorObservation,
    IntelligenceItem,
    PersonOfInterest,
    Referral,
    RepatriationPlan,
    RepatriationStep,
    ServiceProvider,
    StepAssignment,
    TraceIdentifier,
)

LAW_ENFORCEMENT_ROLES = frozenset({RoleCode.ALERT_AUTHORITY, RoleCode.LIAISON_OFFICER})
LAW_ENFORCEMENT_KINDS = frozenset({OrganisationKind.POLICE})


def is_law_enforcement(user) -> bool:
    """A police officer: a law-enforcement role in a police organisation."""
    if not policy.is_signed_in(user) or user.organisation_id is None:
        return False
    return user.organisation.kind in LAW_ENFORCEMENT_KINDS and bool(
        user.role_codes & LAW_ENFORCEMENT_ROLES
    )


def has_any_role(user) -> bool:
    return bool(policy.capabilities(user))


@policy.register(ChildVictim)
class ChildVictimRule(OrganisationRecordRule):
    """Any of the owner's staff with personal data records and works the child's record."""

    action_capabilities = {
        Act.CHANGE: Capability.VIEW_PERSONAL_DATA,
        Act.MANAGE: Capability.VIEW_PERSONAL_DATA,
        Act.SHARE: Capability.SHARE_RECORDS,
    }


class PartOfVictimRule(Rule):
    def scope(self, user, queryset, action):
        victim_action = Act.VIEW if action == Act.VIEW else Act.CHANGE
        visible = policy.visible_to(user, ChildVictim, victim_action)
        return queryset.filter(victim__in=visible.values("pk"))


for part in (IndicatorObservation, AgeAssessment, GuardianAppointment, RepatriationPlan):
    policy.register(part)(type(f"{part.__name__}Rule", (PartOfVictimRule,), {}))


@policy.register(RepatriationStep)
class RepatriationStepRule(Rule):
    def scope(self, user, queryset, action):
        plan_action = Act.VIEW if action == Act.VIEW else Act.CHANGE
        plans = policy.visible_to(user, RepatriationPlan, plan_action)
        return queryset.filter(plan__in=plans.values("pk"))


@policy.register(Referral)
class ReferralRule(Rule):
    """Seen by whoever sees the child's record, and by the provider's own staff, who answer it."""

    def scope(self, user, queryset, action):
        if not policy.has(user, Capability.VIEW_PERSONAL_DATA) or user.organisation_id is None:
            return queryset.none()
        victim_action = Act.VIEW if action == Act.VIEW else Act.CHANGE
        victims = policy.visible_to(user, ChildVictim, victim_action)
        return queryset.filter(
            models.Q(victim__in=victims.values("pk"))
            | models.Q(provider__organisation_id=user.organisation_id)
        )


@policy.register(StepAssignment)
class StepAssignmentRule(OrganisationRecordRule):
    action_capabilities = {Act.CHANGE: Capability.VIEW_PERSONAL_DATA}


class ReferenceDataRule(Rule):
    """Seen by every role; kept by the regional coordinators (and administrators)."""

    def scope(self, user, queryset, action):
        if not has_any_role(user):
            return queryset.none()
        if action == Act.VIEW or policy.has(user, Capability.VIEW_DIRECTORY):
            return queryset
        return queryset.none()


policy.register(IndicatorCatalogue)(type("IndicatorCatalogueRule", (ReferenceDataRule,), {}))
policy.register(Indicator)(type("IndicatorRule", (ReferenceDataRule,), {}))


@policy.register(ServiceProvider)
class ServiceProviderRule(ReferenceDataRule):
    """A country's supervisors also keep their own country's providers."""

    def scope(self, user, queryset, action):
        scope = super().scope(user, queryset, action)
        if (
            action != Act.VIEW
            and scope.query.is_empty()
            and policy.has(user, Capability.SUPERVISE)
            and user.organisation_id
        ):
            return queryset.filter(country_id=user.organisation.country_id)
        return scope


@policy.register(PersonOfInterest)
class PersonOfInterestRule(Rule):
    """The owning police's law-enforcement staff; a receiving police organisation reads what
    was shared with it by an explicit decision (a `Share`), and changes nothing."""

    def scope(self, user, queryset, action):
        if not is_law_enforcement(user):
            return queryset.none()
        own = models.Q(organisation_id=user.organisation_id)
        if action != Act.VIEW:
            return queryset.filter(own)
        shared = policy.shared_ids(PersonOfInterest, user)
        return queryset.filter(own | models.Q(pk__in=shared))


@policy.register(IntelligenceItem)
class IntelligenceItemRule(Rule):
    def scope(self, user, queryset, action):
        person_action = Act.VIEW if action == Act.VIEW else Act.CHANGE
        persons = policy.visible_to(user, PersonOfInterest, person_action)
        return queryset.filter(person__in=persons.values("pk"))


@policy.register(TraceIdentifier)
class TraceIdentifierRule(Rule):
    """The owning police's law-enforcement staff alone: an identifier is investigative data
    (a match tells the other side that it exists, never what it was recorded on)."""

    def scope(self, user, queryset, action):
        if not is_law_enforcement(user):
            return queryset.none()
        return queryset.filter(organisation_id=user.organisation_id)


@policy.register(IdentifierMatch)
class IdentifierMatchRule(Rule):
    """Each side sees the match through its own identifier (the pages show only that side)."""

    def scope(self, user, queryset, action):
        if not is_law_enforcement(user) or action != Act.VIEW:
            return queryset.none()
        org = user.organisation_id
        return queryset.filter(
            models.Q(first__organisation_id=org) | models.Q(second__organisation_id=org)
        )
