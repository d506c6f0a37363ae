"""Following the money and the online traces: identifiers recorded by the police, and the
notice that goes out when the same identifier is seen on another record.

A match is looked up by the keyed hash alone (one index probe, `identifier_lookup`). When the
new identifier's hash was recorded before on another record (another child, person or case, or
by another organisation), a match is stored and the law-enforcement staff of both police units
are told: each notice names its own record and identifier and only the other side's
organisation and country, never its record.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import User
from seec.core.policy import Act

from . import identifiers
from .audit_actions import ProtectionAction as A
from .models import IdentifierMatch, TraceIdentifier
from .rules import LAW_ENFORCEMENT_ROLES, is_law_enforcement


def same_identifier(kind: str, key_hash: str):
    """Every identifier recorded with this keyed hash (an index look-up)."""
    return TraceIdentifier.objects.filter(kind=kind, key_hash=key_hash)


def sightings(kind: str, key_hash: str):
    """Every identifier recorded with this keyed hash, with what a notice names of it (its
    organisation and country): what a new identifier is compared with."""
    return same_identifier(kind, key_hash).select_related("organisation", "country")


@transaction.atomic
def record_identifier(
    *,
    origin: Origin,
    kind: str,
    value: str,
    platform: str = "",
    note: str = "",
    victim=None,
    person=None,
    case=None,
) -> TraceIdentifier:
    """Validate, normalise and record an identifier on a victim, a person or a case the officer
    can see; then look for it elsewhere."""
    user = origin.actor
    if not is_law_enforcement(user):
        raise PermissionDenied(_("Only police officers record payment and online identifiers."))
    if victim is None and person is None and case is None:
        raise ValidationError(_("Record the identifier on a child, a person or a case."))
    for obj, field in ((victim, "victim"), (person, "person"), (case, "case")):
        if obj is not None and not policy.can(user, Act.VIEW, obj):
            raise ValidationError({field: _("No such record.")})
    normal = identifiers.normalise(
        kind, value, region=user.organisation.country_id or "", platform=platform
    )
    identifier = TraceIdentifier.objects.create(
        organisation_id=user.organisation_id,
        country_id=user.organisation.country_id,
        kind=normal.kind,
        value=normal.value,
        display=normal.display,
        platform=platform.strip(),
        key_hash=normal.key_hash,
        card_bin=normal.card_bin,
        card_last4=normal.card_last4,
        victim=victim,
        person=person,
        case=case,
        note=note,
        recorded_by=user,
    )
    audit.record(
        A.IDENTIFIER_ADD,
        origin=origin,
        obj=identifier,
        details={"kind": kind, "on": _record_label(identifier)},
    )
    find_matches(identifier)
    return identifier


def _record_label(identifier: TraceIdentifier) -> str:
    if identifier.victim_id:
        return identifier.victim.reference
    if identifier.person_id:
        return identifier.person.reference
    return identifier.case.number if identifier.case_id else ""


def _same_record(a: TraceIdentifier, b: TraceIdentifier) -> bool:
    return (
        a.organisation_id == b.organisation_id
        and a.victim_id == b.victim_id
        and a.person_id == b.person_id
        and a.case_id == b.case_id
    )


def find_matches(identifier: TraceIdentifier) -> list[IdentifierMatch]:
    """Store a match with every earlier sighting on another record and tell both sides."""
    earlier = sightings(identifier.kind, identifier.key_hash).exclude(pk=identifier.pk)
    made = []
    for other in earlier:
        if _same_record(identifier, other):
            continue
        match, created = IdentifierMatch.objects.get_or_create(first=other, second=identifier)
        if not created:
            continue
        made.append(match)
        for mine, theirs in ((identifier, other), (other, identifier)):
            _tell(mine, theirs)
        audit.record(
            A.IDENTIFIER_MATCH,
            obj=identifier,
            details={"match": match.pk, "other_organisation": other.organisation_id},
            actor_username="matching",
        )
    return made


def police_unit(organisation_id) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            organisation__kind="police",
            roles__code__in=LAW_ENFORCEMENT_ROLES,
        ).distinct()
    )


def _tell(mine: TraceIdentifier, theirs: TraceIdentifier) -> None:
    """Tell `mine`'s police unit that `theirs` exists, naming only its unit and country."""
    where = _record_label(mine)
    same_unit = mine.organisation_id == theirs.organisation_id

    def subject():
        if same_unit:
            return _(
                "%(kind)s %(display)s on %(record)s is also recorded on another of your records."
            ) % {"kind": mine.get_kind_display(), "display": mine.display, "record": where}
        return _(
            "%(kind)s %(display)s on %(record)s was also recorded by %(unit)s (%(country)s). "
            "Contact them through a cooperation request."
        ) % {
            "kind": mine.get_kind_display(),
            "display": mine.display,
            "record": where,
            "unit": theirs.organisation.name,
            "country": theirs.country.name,
        }

    notices.notify(
        police_unit(mine.organisation_id), subject, link=f"/protection/identifiers/{mine.pk}/"
    )


def matches_of(user, identifier: TraceIdentifier) -> list[dict]:
    """What the officer may know of the other sightings: their unit, country and date only."""
    rows = IdentifierMatch.objects.filter(
        Q(first=identifier) | Q(second=identifier)
    ).select_related(
        "first__organisation", "second__organisation", "first__country", "second__country"
    )
    seen = []
    for match in rows:
        other = match.second if match.first_id == identifier.pk else match.first
        seen.append(
            {
                "organisation": other.organisation.name,
                "country": other.country.name,
                "found_at": match.found_at,
                "own": other.organisation_id == user.organisation_id,
            }
        )
    return seen
