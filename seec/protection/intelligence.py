"""Persons of interest (traffickers, recruiters, exploiters, clients, facilitators): police only.

Each piece of information carries its SIENA handling code and 4×4 evaluation, a review date and
a retention limit; `purge_expired` deletes what has passed its limit (a person with all it holds
when the person's own limit passes) and leaves an audit event naming no one. Every read is
audited. A person crosses a border only by a police decision (`share_person`).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seec.core import audit, policy
from seec.core import services as core_services
from seec.core.audit import Origin
from seec.core.models import Organisation
from seec.core.policy import Act

from .audit_actions import ProtectionAction as A
from .models import HandlingCode, IntelligenceItem, PersonOfInterest
from .rules import LAW_ENFORCEMENT_KINDS, is_law_enforcement


def _check_dates(review_on: date, retain_until: date, *, limit: date | None = None) -> None:
    today = timezone.localdate()
    errors = {}
    if review_on < today:
        errors["review_on"] = _("The review date is in the past.")
    if retain_until <= today:
        errors["retain_until"] = _("The retention limit must lie in the future.")
    elif review_on > retain_until:
        errors["review_on"] = _("Review before the retention limit.")
    if limit and retain_until > limit:
        errors["retain_until"] = _(
            "Information cannot outlive its person (deleted on %(day)s)."
        ) % {"day": limit.isoformat()}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def open_person(*, origin: Origin, fields: dict, victims=(), cases=()) -> PersonOfInterest:
    user = origin.actor
    if not is_law_enforcement(user):
        raise PermissionDenied(_("Only police officers record persons of interest."))
    if not fields.get("name", "").strip():
        raise ValidationError({"name": _("Give a name or an alias.")})
    _check_dates(fields["review_on"], fields["retain_until"])
    person = PersonOfInterest(
        organisation_id=user.organisation_id,
        created_by=user,
        reference=f"pending-{timezone.now().timestamp()}",
        **fields,
    )
    person.full_clean(exclude=["reference"])
    person.save()
    person.reference = f"{user.organisation.country_id}-P-{person.created_at:%Y}-{person.pk:05d}"
    person.save(update_fields=["reference"])
    link(person, origin=origin, victims=victims, cases=cases)
    audit.record(A.PERSON_OPEN, origin=origin, obj=person, details={"role": person.role})
    return person


def link(person: PersonOfInterest, *, origin: Origin, victims=(), cases=()) -> None:
    """Link victims and cases the officer can see (a hidden one is refused, not revealed)."""
    from seec.cases.models import Case

    from .models import ChildVictim

    user = origin.actor
    victim_ids = {v.pk if hasattr(v, "pk") else int(v) for v in victims}
    case_ids = {c.pk if hasattr(c, "pk") else int(c) for c in cases}
    seen_victims = policy.visible_to(user, ChildVictim).filter(pk__in=victim_ids)
    seen_cases = policy.visible_to(user, Case).filter(pk__in=case_ids)
    if seen_victims.count() != len(victim_ids):
        raise ValidationError({"victims": _("No such child victim.")})
    if seen_cases.count() != len(case_ids):
        raise ValidationError({"cases": _("No such case.")})
    person.victims.add(*seen_victims)
    person.cases.add(*seen_cases)


@transaction.atomic
def add_item(person: PersonOfInterest, *, origin: Origin, data: dict) -> IntelligenceItem:
    if not policy.can(origin.actor, Act.CHANGE, person):
        raise PermissionDenied(_("Only the owning police unit adds information."))
    _check_dates(data["review_on"], data["retain_until"], limit=person.retain_until)
    if data.get("handling") == HandlingCode.H3 and not data.get("handling_note", "").strip():
        raise ValidationError({"handling_note": _("State the restrictions that H3 applies.")})
    item = IntelligenceItem(person=person, recorded_by=origin.actor, **data)
    item.full_clean()
    item.save()
    audit.record(
        A.PERSON_ITEM,
        origin=origin,
        obj=person,
        details={"item": item.pk, "handling": item.handling, "evaluation": item.evaluation},
    )
    return item


def person_for_reading(user, pk, *, origin: Origin) -> PersonOfInterest:
    """The person, if the officer may see them; the read is audited."""
    person = policy.get_visible_or_404(user, PersonOfInterest, pk=pk)
    audit.record_read(A.PERSON_VIEW, origin=origin, obj=person)
    return person


def persons_for_listing(user, *, origin: Origin):
    """The persons an officer may see; the listing is audited with the references it showed."""
    persons = list(policy.visible_to(user, PersonOfInterest).select_related("nationality")[:200])
    if persons:
        audit.record_read(
            A.PERSON_VIEW, origin=origin, details={"listed": [p.reference for p in persons]}
        )
    return persons


@transaction.atomic
def share_person(person: PersonOfInterest, *, origin: Origin, police: Organisation, reason: str):
    """An explicit police decision to let another country's police unit read the person."""
    if not policy.can(origin.actor, Act.SHARE, person):
        raise PermissionDenied(_("Only the owning police unit shares this person."))
    if police.kind not in LAW_ENFORCEMENT_KINDS:
        raise ValidationError(
            {"organisation": _("A person of interest is shared with police only.")}
        )
    share = core_services.grant_share(person, police, origin=origin, reason=reason)
    audit.record(
        A.PERSON_SHARE, origin=origin, obj=person, reason=reason, details={"with": police.pk}
    )
    return share


def purge_expired(today: date | None = None) -> tuple[int, int]:
    """Delete the persons and the items whose retention limit has come. Returns (persons,
    items) deleted; each deletion leaves an audit event with the reference and the limit only."""
    from django.contrib.contenttypes.models import ContentType

    from seec.core.models import Share

    today = today or timezone.localdate()
    persons = items = 0
    person_type = ContentType.objects.get_for_model(PersonOfInterest)
    for person in PersonOfInterest.objects.filter(retain_until__lte=today).iterator():
        with transaction.atomic():
            details = {
                "reference": person.reference,
                "retain_until": person.retain_until.isoformat(),
                "items": person.items.count(),
                "identifiers": person.identifiers.count(),
            }
            Share.objects.filter(content_type=person_type, object_id=str(person.pk)).delete()
            audit.record(A.PERSON_PURGED, obj=person, details=details, actor_username="retention")
            person.delete()
            persons += 1
    for item in IntelligenceItem.objects.filter(retain_until__lte=today).select_related("person"):
        with transaction.atomic():
            audit.record(
                A.ITEM_PURGED,
                obj=item.person,
                details={"item": item.pk, "retain_until": item.retain_until.isoformat()},
                actor_username="retention",
            )
            item.delete()
            items += 1
    return persons, items
