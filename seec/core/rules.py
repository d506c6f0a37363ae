"""Access rules for the core's own models (see policy.py for the mechanism)."""

from django.db.models import Q

from . import policy
from .models import AuditEvent, Country, Notification, Organisation, Share, User
from .policy import Act, Capability, Rule


@policy.register(Country)
class CountryRule(Rule):
    """Reference data: every signed-in user reads it; administrators change it."""

    def scope(self, user, queryset, action):
        if action == Act.VIEW or policy.has(user, Capability.ADMINISTER):
            return queryset
        return queryset.none()


@policy.register(Organisation)
class OrganisationRule(Rule):
    """The directory of bodies is open to every signed-in user; administrators change it."""

    def scope(self, user, queryset, action):
        if policy.has(user, Capability.ADMINISTER):
            return queryset
        if action == Act.VIEW:
            return queryset.filter(Q(is_active=True) | Q(pk=user.organisation_id))
        return queryset.none()


@policy.register(User)
class UserRule(Rule):
    """Colleagues see each other; coordinators and administrators see the whole network's staff
    (never a child's data); only administrators change accounts."""

    def scope(self, user, queryset, action):
        if policy.has(user, Capability.ADMINISTER):
            return queryset
        if action != Act.VIEW:
            return queryset.none()
        if policy.has(user, Capability.VIEW_DIRECTORY):
            return queryset
        if user.organisation_id is None:
            return queryset.filter(pk=user.pk)
        return queryset.filter(Q(organisation_id=user.organisation_id) | Q(pk=user.pk))


@policy.register(AuditEvent)
class AuditEventRule(Rule):
    """Everyone sees their own events; supervisors their organisation's; administrators all.
    Nobody changes an event (the model and, on PostgreSQL, the database refuse too)."""

    def scope(self, user, queryset, action):
        if action != Act.VIEW:
            return queryset.none()
        if policy.has(user, Capability.BROWSE_ALL_AUDIT):
            return queryset
        own = Q(actor_id=user.pk)
        if policy.has(user, Capability.BROWSE_ORGANISATION_AUDIT) and user.organisation_id:
            return queryset.filter(own | Q(organisation_id=user.organisation_id))
        return queryset.filter(own)


@policy.register(Share)
class ShareRule(Rule):
    """A share is seen by the organisation that granted it and the one that received it; it is
    revoked by the granting organisation."""

    def scope(self, user, queryset, action):
        if not policy.has(user, Capability.VIEW_PERSONAL_DATA) or user.organisation_id is None:
            return queryset.none()
        granted = Q(granted_by__organisation_id=user.organisation_id)
        if action == Act.VIEW:
            return queryset.filter(granted | Q(organisation_id=user.organisation_id))
        if policy.has(user, Capability.SHARE_RECORDS):
            return queryset.filter(granted)
        return queryset.none()


@policy.register(Notification)
class NotificationRule(Rule):
    """A notice is its addressee's alone."""

    def scope(self, user, queryset, action):
        return queryset.filter(user_id=user.pk)
