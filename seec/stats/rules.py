"""Who sees and does what with statistics (see core/policy.py).

Figures are aggregates: they are seen by the roles with the aggregates capability — the
regional centre's analysts and coordinators for every country, a national supervisor for their
own country — and never carry a child's name, so none of these rules opens a case to anyone.

A national submission is prepared and submitted by its country's focal point (a supervisor of
a body of that country, who holds the aggregates capability there) and validated, returned and
published by a regional coordinator. The roles are fixed in the core; a coordinator is the one
role that decides for the region, so the rule asks for it by name.
"""

from django.db.models import Q

from seec.core import policy
from seec.core.models import RoleCode
from seec.core.policy import Act, Capability, Rule

from .models import (
    Figure,
    FigureSet,
    Indicator,
    Publication,
    PublishedFigure,
    Submission,
    SubmissionComment,
)


class StatsAct:
    SUBMIT = "submit"  # upload, submit, comment, start a new version: the country's focal point
    DECIDE = "decide"  # validate, return, publish: a regional coordinator


def is_regional(user) -> bool:
    return (
        policy.is_signed_in(user)
        and user.organisation_id is not None
        and (user.organisation.country_id is None)
    )


def is_coordinator(user) -> bool:
    return policy.is_signed_in(user) and user.has_role(RoleCode.REGIONAL_COORDINATOR)


def focal_country(user) -> str | None:
    """The country whose figures the user submits, if any."""
    if not policy.has(user, Capability.VIEW_AGGREGATES) or user.organisation_id is None:
        return None
    if not policy.has(user, Capability.SUPERVISE):
        return None
    return user.organisation.country_id


def country_scope(user, field: str = "country_id") -> Q | None:
    """Which countries' aggregates the user reads: all (regional), one (national), none."""
    if not policy.has(user, Capability.VIEW_AGGREGATES) or user.organisation_id is None:
        return None
    if is_regional(user):
        return Q()
    return Q(**{field: user.organisation.country_id})


@policy.register(Indicator)
class IndicatorRule(Rule):
    """The catalogue is public reference data; it changes only by migration."""

    def scope(self, user, queryset, action):
        return queryset if action == Act.VIEW else queryset.none()


class AggregateRule(Rule):
    country_field = "country_id"

    def scope(self, user, queryset, action):
        countries = country_scope(user, self.country_field)
        if action != Act.VIEW or countries is None:
            return queryset.none()
        return queryset.filter(countries)


@policy.register(FigureSet)
class FigureSetRule(AggregateRule):
    pass


@policy.register(Figure)
class FigureRule(AggregateRule):
    country_field = "figure_set__country_id"


@policy.register(Submission)
class SubmissionRule(Rule):
    def scope(self, user, queryset, action):
        if action == StatsAct.DECIDE:
            return queryset if is_coordinator(user) else queryset.none()
        own = focal_country(user)
        if action == StatsAct.SUBMIT:
            return queryset.filter(country_id=own) if own else queryset.none()
        if action != Act.VIEW:
            return queryset.none()
        countries = country_scope(user)
        if countries is None:
            return queryset.none()
        return queryset.filter(countries)


@policy.register(SubmissionComment)
class SubmissionCommentRule(Rule):
    def scope(self, user, queryset, action):
        visible = policy.visible_to(user, Submission, Act.VIEW)
        return (
            queryset.filter(submission__in=visible.values("pk"))
            if action == Act.VIEW
            else (queryset.none())
        )


@policy.register(Publication)
class PublicationRule(Rule):
    """Published figures are public (they passed disclosure control); nobody changes them."""

    def scope(self, user, queryset, action):
        return queryset if action == Act.VIEW else queryset.none()


@policy.register(PublishedFigure)
class PublishedFigureRule(PublicationRule):
    pass
