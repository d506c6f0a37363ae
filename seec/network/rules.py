"""Who sees and does what in the regional network (see core/policy.py and
docs/access-policy.md, "The regional network").

The regional coordinator (the SEEC's staff) keeps the network's records. Others see:
- country profiles, conventions, model protocols and the criteria catalogues: every signed-in
  user (they are the region's reference, and the public site shows part of them);
- the liaison officers' directory: police and centres (every role that works on cases);
- an agreement: the staff of an organisation that is party to it;
- an activity: the staff of the organisations of the countries it concerned, and analysts;
  its participants (personal data) the regional centre's coordinators alone;
- an info-desk and its daily counts: its host organisation's staff (who log them) and analysts;
- the action plan, its reviews and evaluation: coordinators and analysts (no personal data);
- a service evaluation: the evaluated organisation's supervisors (who self-assess), and the
  coordinators (who review, and self-assess on the behalf of a service with no supervisor on
  the platform, such as a partner NGO); analysts read the region's summary only;
- a draft criteria catalogue: the coordinators alone (a published version: everyone).
"""

from django.db.models import Q

from seec.core import policy
from seec.core.models import RoleCode
from seec.core.policy import Act, Capability, Rule

from . import models as m


class NetworkAct:
    SELF_ASSESS = "self_assess"  # the evaluated organisation's supervisors
    REVIEW = "review"  # a regional coordinator
    LOG_CONTACTS = "log_contacts"  # an info-desk's host


def is_coordinator(user) -> bool:
    return policy.is_signed_in(user) and user.has_role(RoleCode.REGIONAL_COORDINATOR)


def is_analyst(user) -> bool:
    return policy.is_signed_in(user) and user.has_role(RoleCode.ANALYST)


def works_on_cases(user) -> bool:
    """Police and centres: the roles that search the liaison officers' directory."""
    return policy.has(user, Capability.VIEW_PERSONAL_DATA) and user.organisation_id is not None


class CoordinatorRule(Rule):
    """Coordinators see and change; `readers(user)` says whom else (and which rows) they see."""

    def readers(self, user, queryset):
        return queryset.none()

    def scope(self, user, queryset, action):
        if is_coordinator(user):
            return queryset
        if action != Act.VIEW:
            return queryset.none()
        return self.readers(user, queryset)


class ReferenceRule(CoordinatorRule):
    """The region's reference: every signed-in user reads it."""

    def readers(self, user, queryset):
        return queryset


class AnalystsReadRule(CoordinatorRule):
    def readers(self, user, queryset):
        return queryset if is_analyst(user) else queryset.none()


for model in (
    m.HotlineFact,
    m.ChildAlertFact,
    m.NationalCentreFact,
    m.Convention,
    m.RatificationFact,
    m.LegalGap,
    m.LegalGapFact,
    m.ModelProtocol,
    m.ProtocolAdoptionFact,
):
    policy.register(model)(type(f"{model.__name__}Rule", (ReferenceRule,), {}))


@policy.register(m.CriteriaCatalogue)
class CriteriaCatalogueRule(CoordinatorRule):
    """A published version is the region's reference; a draft is the coordinators' work."""

    def readers(self, user, queryset):
        return queryset.filter(published_on__isnull=False)


@policy.register(m.Criterion)
class CriterionRule(CoordinatorRule):
    def readers(self, user, queryset):
        return queryset.filter(catalogue__published_on__isnull=False)


for model in (
    m.ActionPlan,
    m.Objective,
    m.PlannedActivity,
    m.PlanIndicator,
    m.MonthlyReview,
    m.ActivityProgress,
    m.AnnualEvaluation,
    m.ActivityRating,
):
    policy.register(model)(type(f"{model.__name__}Rule", (AnalystsReadRule,), {}))

for model in (m.PartnerPerson, m.AgreementReminder, m.Participant, m.Project, m.ProjectReport):
    policy.register(model)(type(f"{model.__name__}Rule", (CoordinatorRule,), {}))


@policy.register(m.Partner)
class PartnerRule(CoordinatorRule):
    """A partner with staff on the platform sees its own entry."""

    def readers(self, user, queryset):
        if user.organisation_id is None or not user.role_codes:
            return queryset.none()
        return queryset.filter(organisation_id=user.organisation_id)


def _party_of(user, prefix: str = "") -> Q | None:
    if user.organisation_id is None or not user.role_codes:
        return None
    return Q(**{f"{prefix}parties__partner__organisation_id": user.organisation_id})


@policy.register(m.Agreement)
class AgreementRule(CoordinatorRule):
    def readers(self, user, queryset):
        party = _party_of(user)
        if party is None:
            return queryset.none()
        return queryset.filter(pk__in=m.Agreement.objects.filter(party).values("pk"))


@policy.register(m.AgreementParty)
class AgreementPartyRule(CoordinatorRule):
    def readers(self, user, queryset):
        visible = policy.visible_to(user, m.Agreement)
        return queryset.filter(agreement__in=visible.values("pk"))


@policy.register(m.AgreementDocument)
class AgreementDocumentRule(AgreementPartyRule):
    pass


@policy.register(m.LiaisonOfficer)
class LiaisonOfficerRule(CoordinatorRule):
    def readers(self, user, queryset):
        return queryset if works_on_cases(user) else queryset.none()


def _own_country_activities(user, queryset, prefix: str = ""):
    if is_analyst(user):
        return queryset
    if not user.role_codes or user.organisation_id is None or not user.organisation.country_id:
        return queryset.none()
    ids = m.Activity.objects.filter(countries=user.organisation.country_id).values("pk")
    return queryset.filter(**{f"{prefix or 'pk'}__in": ids})


@policy.register(m.Activity)
class ActivityRule(CoordinatorRule):
    def readers(self, user, queryset):
        return _own_country_activities(user, queryset)


@policy.register(m.Recommendation)
class RecommendationRule(CoordinatorRule):
    def readers(self, user, queryset):
        return _own_country_activities(user, queryset, "activity")


@policy.register(m.RecommendationFollowUp)
class FollowUpRule(CoordinatorRule):
    def readers(self, user, queryset):
        return _own_country_activities(user, queryset, "recommendation__activity")


def _hosted_by(user) -> Q | None:
    if user.organisation_id is None or not user.role_codes:
        return None
    return Q(host__organisation_id=user.organisation_id)


@policy.register(m.InfoDesk)
class InfoDeskRule(CoordinatorRule):
    def scope(self, user, queryset, action):
        if is_coordinator(user):
            return queryset
        hosted = _hosted_by(user)
        if action == NetworkAct.LOG_CONTACTS:
            return queryset.filter(hosted) if hosted is not None else queryset.none()
        if action != Act.VIEW:
            return queryset.none()
        if is_analyst(user):
            return queryset
        return queryset.filter(hosted) if hosted is not None else queryset.none()


@policy.register(m.InfoDeskContacts)
class InfoDeskContactsRule(Rule):
    def scope(self, user, queryset, action):
        desks = policy.visible_to(user, m.InfoDesk, Act.VIEW)
        if action != Act.VIEW:
            return queryset.none()
        return queryset.filter(desk__in=desks.values("pk"))


def _evaluated(user) -> Q | None:
    if user.organisation_id is None or not policy.has(user, Capability.SUPERVISE):
        return None
    return Q(organisation_id=user.organisation_id)


def without_supervisor() -> Q:
    from seec.core.models import User

    supervised = User.objects.filter(
        is_active=True, roles__code=RoleCode.SUPERVISOR, organisation__isnull=False
    ).values("organisation_id")
    return Q(organisation__isnull=True) | ~Q(organisation__in=supervised)


@policy.register(m.ServiceEvaluation)
class ServiceEvaluationRule(Rule):
    def scope(self, user, queryset, action):
        own = _evaluated(user)
        if action == NetworkAct.REVIEW:
            return queryset if is_coordinator(user) else queryset.none()
        if action == NetworkAct.SELF_ASSESS:
            if is_coordinator(user):
                # On the behalf of a service with no supervisor on the platform (a partner
                # NGO only, or an organisation without one): services.assessed_by_the_centre.
                return queryset.filter(without_supervisor())
            return queryset.filter(own) if own is not None else queryset.none()
        if action != Act.VIEW:
            return queryset.none()
        if is_coordinator(user):
            return queryset
        return queryset.filter(own) if own is not None else queryset.none()


class EvaluationPartRule(Rule):
    def scope(self, user, queryset, action):
        if action != Act.VIEW:
            return queryset.none()
        visible = policy.visible_to(user, m.ServiceEvaluation)
        return queryset.filter(evaluation__in=visible.values("pk"))


for model in (m.CriterionAssessment, m.IndicatorValue, m.ImprovementAction):
    policy.register(model)(type(f"{model.__name__}Rule", (EvaluationPartRule,), {}))
