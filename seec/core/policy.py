"""The access policy: the one place that answers "may this user do this to this object?".

Reads are filtered, never checked after the fact: `visible_to(user, queryset)` narrows a
queryset to the rows the user may see, so a list, a search or an export cannot show more than
the policy allows, and a request for anything else finds nothing (and answers 404).

Each model that holds records registers a `Rule`. Apps add their rules in their own
`rules.py` (imported when the app is ready); views and APIs never hold access logic.

The rule of thumb, written out in `docs/access-policy.md`:
- a user sees their own organisation's records;
- another organisation sees a record only through an active `Share` (a referral, a police
  share), which is recorded and revocable;
- analysts and regional coordinators see aggregates, never a child's personal data;
- a user without an organisation, inactive, or anonymous sees nothing.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.functions import Cast
from django.http import Http404

from .models import RoleCode


class Capability(StrEnum):
    """What a role allows, whatever the object. Rules combine these with ownership."""

    VIEW_PERSONAL_DATA = "view_personal_data"
    VIEW_AGGREGATES = "view_aggregates"
    VIEW_DIRECTORY = "view_directory"
    BROWSE_ORGANISATION_AUDIT = "browse_organisation_audit"
    BROWSE_ALL_AUDIT = "browse_all_audit"
    ADMINISTER = "administer"
    SHARE_RECORDS = "share_records"
    RECORD_CONTACTS = "record_contacts"  # take calls, open cases, record sightings
    MANAGE_CASES = "manage_cases"  # assign, assess risk, mark found, close, reopen
    SUPERVISE = "supervise"  # the team's board: open, overdue and high-risk work
    REQUEST_ALERTS = "request_alerts"  # ask the alert authority for a child alert
    DECIDE_ALERTS = "decide_alerts"  # approve, reject, extend, cancel alerts of one's country


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    RoleCode.HOTLINE_OPERATOR: frozenset(
        {Capability.VIEW_PERSONAL_DATA, Capability.RECORD_CONTACTS}
    ),
    RoleCode.CASE_MANAGER: frozenset(
        {
            Capability.VIEW_PERSONAL_DATA,
            Capability.SHARE_RECORDS,
            Capability.RECORD_CONTACTS,
            Capability.MANAGE_CASES,
            Capability.REQUEST_ALERTS,
        }
    ),
    RoleCode.SUPERVISOR: frozenset(
        {
            Capability.VIEW_PERSONAL_DATA,
            Capability.SHARE_RECORDS,
            Capability.RECORD_CONTACTS,
            Capability.MANAGE_CASES,
            Capability.SUPERVISE,
            Capability.REQUEST_ALERTS,
            Capability.BROWSE_ORGANISATION_AUDIT,
            Capability.VIEW_AGGREGATES,
        }
    ),
    RoleCode.ALERT_AUTHORITY: frozenset({Capability.VIEW_PERSONAL_DATA, Capability.DECIDE_ALERTS}),
    RoleCode.LIAISON_OFFICER: frozenset({Capability.VIEW_PERSONAL_DATA, Capability.SHARE_RECORDS}),
    RoleCode.REGIONAL_COORDINATOR: frozenset(
        {Capability.VIEW_AGGREGATES, Capability.VIEW_DIRECTORY}
    ),
    RoleCode.ANALYST: frozenset({Capability.VIEW_AGGREGATES}),
    RoleCode.ADMINISTRATOR: frozenset(
        {Capability.ADMINISTER, Capability.BROWSE_ALL_AUDIT, Capability.VIEW_DIRECTORY}
    ),
}

# Roles that can see a child's personal data; production requires them to sign in with TOTP.
PERSONAL_DATA_ROLES = frozenset(
    role for role, caps in ROLE_CAPABILITIES.items() if Capability.VIEW_PERSONAL_DATA in caps
)


class Act(StrEnum):
    """The actions a rule is asked about. Apps may ask about their own (`approve`, …)."""

    VIEW = "view"
    CHANGE = "change"
    SHARE = "share"
    MANAGE = "manage"


def is_signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def capabilities(user) -> frozenset[Capability]:
    if not is_signed_in(user):
        return frozenset()
    if not hasattr(user, "_capabilities"):
        caps: set[Capability] = set()
        for role in user.role_codes:
            caps |= ROLE_CAPABILITIES.get(role, frozenset())
        user._capabilities = frozenset(caps)
    return user._capabilities


def has(user, capability: Capability) -> bool:
    return capability in capabilities(user)


class Rule:
    """How the records of one model may be seen and acted on.

    `scope` narrows a queryset to what `user` may do `action` to; the default `allows` asks
    whether the object lies in that scope. Subclasses override `scope` (and `allows` only for
    actions that depend on more than visibility).
    """

    def scope(self, user, queryset: models.QuerySet, action: str) -> models.QuerySet:
        raise NotImplementedError

    def parts(self, user, queryset: models.QuerySet, action: str) -> list[models.QuerySet]:
        """The scope as querysets whose union it is. A list page orders and cuts each part on
        its own (so that each uses its own index) and merges them: an OR across columns makes
        the database sort every visible row to find the first page."""
        return [self.scope(user, queryset, action)]

    def allows(self, user, action: str, obj) -> bool:
        return self.scope(user, type(obj)._default_manager.filter(pk=obj.pk), action).exists()


class OrganisationRecordRule(Rule):
    """Records owned by an organisation: its members with `capability` see them, and so do
    the members of an organisation that holds an active share of the record.

    Any other action is the owning organisation's alone, and may need a capability of its own
    (`action_capabilities`): sharing needs SHARE_RECORDS, say.
    """

    owner_field = "organisation"
    capability = Capability.VIEW_PERSONAL_DATA
    action_capabilities: dict[str, Capability] = {Act.SHARE: Capability.SHARE_RECORDS}

    def scope(self, user, queryset, action):
        if not has(user, self.capability) or user.organisation_id is None:
            return queryset.none()
        needed = self.action_capabilities.get(action)
        if needed is not None and not has(user, needed):
            return queryset.none()
        own = models.Q(**{f"{self.owner_field}_id": user.organisation_id})
        if action != Act.VIEW:
            return queryset.filter(own)
        return queryset.filter(own | models.Q(pk__in=shared_ids(queryset.model, user)))

    def allows(self, user, action, obj):
        # Decided from the loaded record where its owner tells (no query): a page asking three
        # times whether its case may be changed, managed or shared costs nothing. A rule that
        # narrows `scope` further keeps the query.
        if type(self).scope is not OrganisationRecordRule.scope:
            return super().allows(user, action, obj)
        if not has(user, self.capability) or user.organisation_id is None:
            return False
        needed = self.action_capabilities.get(action)
        if needed is not None and not has(user, needed):
            return False
        if getattr(obj, f"{self.owner_field}_id") == user.organisation_id:
            return True
        return action == Act.VIEW and super().allows(user, action, obj)

    def parts(self, user, queryset, action):
        scope = self.scope(user, queryset, action)
        if action != Act.VIEW or scope.query.is_empty():
            return [scope]
        own = models.Q(**{f"{self.owner_field}_id": user.organisation_id})
        return [queryset.filter(own), queryset.filter(pk__in=shared_ids(queryset.model, user))]


def shared_ids(model, user) -> models.QuerySet:
    """Primary keys of `model` records shared with the user's organisation, as a subquery."""
    from .models import Share

    pk_field = model._meta.pk
    return (
        Share.objects.active()
        .filter(
            content_type=ContentType.objects.get_for_model(model),
            organisation_id=user.organisation_id,
        )
        .annotate(shared_pk=Cast("object_id", output_field=type(pk_field)()))
        .values("shared_pk")
    )


_rules: dict[type[models.Model], Rule] = {}


def register(model: type[models.Model]):
    """Class decorator: `@register(Case) class CaseRule(OrganisationRecordRule): ...`."""

    def decorate(rule_class: type[Rule]) -> type[Rule]:
        if model in _rules:
            raise ImproperlyConfigured(f"{model.__name__} already has an access rule")
        _rules[model] = rule_class()
        return rule_class

    return decorate


def rule_for(model: type[models.Model]) -> Rule:
    try:
        return _rules[model]
    except KeyError:
        # No rule means no access decision was made: a programming error, never "allow".
        raise ImproperlyConfigured(f"{model.__name__} has no access rule in the policy") from None


def visible_to(user, queryset, action: str = Act.VIEW) -> models.QuerySet:
    """The rows of `queryset` (or of a model's default manager) that `user` may `action`."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    if not is_signed_in(user):
        return queryset.none()
    return rule_for(queryset.model).scope(user, queryset, action)


def visible_parts(user, queryset, action: str = Act.VIEW) -> list[models.QuerySet]:
    """`visible_to` as a few querysets whose union it is (see Rule.parts)."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    if not is_signed_in(user):
        return [queryset.none()]
    return rule_for(queryset.model).parts(user, queryset, action)


def can(user, action: str, obj) -> bool:
    """May `user` do `action` to `obj`?"""
    if not is_signed_in(user):
        return False
    return rule_for(type(obj)).allows(user, action, obj)


def get_visible_or_404(user, queryset, action: str = Act.VIEW, **lookup):
    """One object the user may `action`, or 404 whether it is missing or only hidden."""
    visible = visible_to(user, queryset, action)
    try:
        return visible.get(**lookup)
    except (visible.model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def get_for_action(user, queryset, action: str, **lookup):
    """One object for `action`: 404 if the user may not even see it, 403 if they see it but
    may not do this to it."""
    from django.core.exceptions import PermissionDenied

    obj = get_visible_or_404(user, queryset, Act.VIEW, **lookup)
    if action != Act.VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj
