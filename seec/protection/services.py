"""Identification of child victims and their referral to services: every step transactional,
checked against the policy and audited on the child's record.

Repatriation is in `repatriation.py`, persons of interest in `intelligence.py`, identifiers and
their matches in `tracing.py`.
"""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import User
from seec.core.policy import Act, Capability

from .audit_actions import ProtectionAction as A
from .models import (
    AgeAssessment,
    ChildVictim,
    GuardianAppointment,
    IdentificationStatus,
    Indicator,
    IndicatorCatalogue,
    IndicatorObservation,
    Minority,
    Referral,
    ReferralStatus,
    ServiceKind,
    ServiceProvider,
)

VICTIM_FIELDS = [
    "reported_by", "reporter_detail", "met_on", "met_place", "given_names", "family_name",
    "known_as", "sex", "date_of_birth", "age_estimate", "citizenship", "languages",
    "exploitation", "exploitation_country", "summary",
]  # fmt: skip


def require(user, action, obj, message=None):
    if not policy.can(user, action, obj):
        raise PermissionDenied(message or _("You may not do this."))


# --- The indicators' catalogue ----------------------------------------------------------------


def current_catalogue() -> IndicatorCatalogue:
    """The latest published version: new records are assessed against it."""
    catalogue = (
        IndicatorCatalogue.objects.filter(published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )
    if catalogue is None:
        raise ValidationError(_("No indicator catalogue is published."))
    return catalogue


@transaction.atomic
def draft_catalogue(*, origin: Origin, version: str, title: str = "") -> IndicatorCatalogue:
    """A new version to edit, starting as a copy of the current one."""
    user = origin.actor
    if not policy.has(user, Capability.VIEW_DIRECTORY):
        raise PermissionDenied(_("Only the regional coordinators keep the catalogue."))
    version = version.strip()
    if not version:
        raise ValidationError({"version": _("Name the new version.")})
    if IndicatorCatalogue.objects.filter(version=version).exists():
        raise ValidationError({"version": _("This version exists already.")})
    base = current_catalogue()
    draft = IndicatorCatalogue.objects.create(
        version=version, title=title or base.title, sources=base.sources, created_by=user
    )
    Indicator.objects.bulk_create(
        Indicator(
            catalogue=draft,
            code=i.code,
            exploitation=i.exploitation,
            dimension=i.dimension,
            strength=i.strength,
            text=i.text,
            source=i.source,
        )
        for i in base.indicators.all()
    )
    audit.record(A.CATALOGUE_DRAFT, origin=origin, obj=draft, details={"from": base.version})
    return draft


@transaction.atomic
def save_indicator(
    catalogue: IndicatorCatalogue, *, origin: Origin, data: dict, indicator: Indicator | None = None
) -> Indicator:
    require(origin.actor, Act.CHANGE, catalogue)
    if catalogue.is_published:
        raise ValidationError(_("A published catalogue does not change: draft a new version."))
    indicator = indicator or Indicator(catalogue=catalogue)
    for field in ("code", "exploitation", "dimension", "strength", "text", "source"):
        if field in data:
            setattr(indicator, field, data[field])
    indicator.full_clean()
    indicator.save()
    audit.record(
        A.CATALOGUE_EDIT, origin=origin, obj=catalogue, details={"indicator": indicator.code}
    )
    return indicator


@transaction.atomic
def publish_catalogue(catalogue: IndicatorCatalogue, *, origin: Origin) -> IndicatorCatalogue:
    require(origin.actor, Act.CHANGE, catalogue)
    if catalogue.is_published:
        raise ValidationError(_("This version is published already."))
    if not catalogue.indicators.exists():
        raise ValidationError(_("A catalogue needs at least one indicator."))
    catalogue.published_at = timezone.now()
    catalogue.save(update_fields=["published_at"])
    audit.record(A.CATALOGUE_PUBLISH, origin=origin, obj=catalogue)
    return catalogue


# --- Identification ---------------------------------------------------------------------------


@transaction.atomic
def open_victim(
    *, origin: Origin, fields: dict, case=None, indicators=(), indicator_note: str = ""
) -> ChildVictim:
    """A child presumed a victim, recorded by whoever met them (an info-desk, an inspector, a
    shelter, the police, the hotline), optionally on a 116 000 case the user can see."""
    user = origin.actor
    if not policy.has(user, Capability.VIEW_PERSONAL_DATA) or user.organisation_id is None:
        raise PermissionDenied(_("You may not record child victims."))
    if case is not None and not policy.can(user, Act.VIEW, case):
        raise ValidationError({"case": _("No such case.")})
    victim = ChildVictim(
        organisation_id=user.organisation_id,
        case=case,
        catalogue=current_catalogue(),
        created_by=user,
        reference=f"pending-{uuid.uuid4().hex[:20]}",
        **{k: v for k, v in fields.items() if k in VICTIM_FIELDS},
    )
    if not victim.given_names and not victim.family_name and not victim.known_as:
        raise ValidationError({"given_names": _("Give a name, or the name the child goes by.")})
    victim.full_clean(exclude=["reference"])
    victim.save()
    country = user.organisation.country_id or "XX"
    victim.reference = f"{country}-V-{victim.created_at:%Y}-{victim.pk:05d}"
    victim.save(update_fields=["reference"])
    audit.record(
        A.VICTIM_OPEN,
        origin=origin,
        obj=victim,
        details={"reported_by": victim.reported_by, "case": case.pk if case else None},
    )
    if indicators:
        record_indicators(victim, origin=origin, indicators=indicators, note=indicator_note)
    return victim


@transaction.atomic
def update_victim(victim: ChildVictim, *, origin: Origin, fields: dict) -> ChildVictim:
    require(origin.actor, Act.CHANGE, victim)
    changed = {}
    for name, value in fields.items():
        if name in VICTIM_FIELDS and getattr(victim, name) != value:
            changed[name] = True
            setattr(victim, name, value)
    victim.full_clean()
    victim.save()
    audit.record(A.VICTIM_UPDATE, origin=origin, obj=victim, details={"fields": sorted(changed)})
    return victim


@transaction.atomic
def record_indicators(victim: ChildVictim, *, origin: Origin, indicators, note: str = "") -> int:
    """Indicators seen, from the catalogue version the record is assessed against."""
    require(origin.actor, Act.CHANGE, victim)
    wanted = {int(i.pk if isinstance(i, Indicator) else i) for i in indicators}
    found = Indicator.objects.filter(pk__in=wanted, catalogue=victim.catalogue)
    if found.count() != len(wanted):
        raise ValidationError(
            {"indicators": _("Choose indicators from the catalogue this record is assessed on.")}
        )
    already = set(victim.observations.values_list("indicator_id", flat=True))
    new = [
        IndicatorObservation(victim=victim, indicator=i, note=note, observed_by=origin.actor)
        for i in found
        if i.pk not in already
    ]
    IndicatorObservation.objects.bulk_create(new)
    audit.record(
        A.INDICATOR,
        origin=origin,
        obj=victim,
        details={"indicators": sorted(o.indicator.code for o in new)},
    )
    return len(new)


def minority_after(assessment: AgeAssessment) -> str:
    """The benefit of the doubt: adult only if even the lowest age is 18 or more."""
    if assessment.lowest_age >= 18:
        return Minority.ADULT
    if assessment.highest_age < 18:
        return Minority.ESTABLISHED
    return Minority.PRESUMED


@transaction.atomic
def assess_age(victim: ChildVictim, *, origin: Origin, data: dict) -> AgeAssessment:
    require(origin.actor, Act.CHANGE, victim)
    assessment = AgeAssessment(victim=victim, recorded_by=origin.actor, **data)
    low, high = assessment.lowest_age, assessment.highest_age
    if low is not None and high is not None and high < low:
        raise ValidationError({"highest_age": _("The highest age is below the lowest.")})
    assessment.full_clean()
    if assessment.assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date is in the future.")})
    assessment.save()
    victim.minority = minority_after(assessment)
    if victim.date_of_birth is None:
        # The youngest age the assessment allows: the child keeps every protection it gives.
        victim.age_estimate = assessment.lowest_age
    victim.save(update_fields=["minority", "age_estimate", "updated_at"])
    audit.record(
        A.AGE_ASSESSED,
        origin=origin,
        obj=victim,
        details={
            "method": assessment.method,
            "range": [assessment.lowest_age, assessment.highest_age],
            "minority": victim.minority,
        },
    )
    return assessment


@transaction.atomic
def appoint_guardian(victim: ChildVictim, *, origin: Origin, data: dict) -> GuardianAppointment:
    require(origin.actor, Act.CHANGE, victim)
    appointment = GuardianAppointment(victim=victim, recorded_by=origin.actor, **data)
    appointment.full_clean()
    if appointment.appointed_on > timezone.localdate():
        raise ValidationError({"appointed_on": _("The date is in the future.")})
    victim.guardians.filter(ended_on__isnull=True).update(ended_on=appointment.appointed_on)
    appointment.save()
    audit.record(
        A.GUARDIAN,
        origin=origin,
        obj=victim,
        details={"appointed_by": appointment.appointed_by, "on": str(appointment.appointed_on)},
    )
    return appointment


@transaction.atomic
def decide_identification(
    victim: ChildVictim, *, origin: Origin, status: str, authority: str, on: date
) -> ChildVictim:
    """Presumed → identified (by a named authority) or not a victim; audited with who decided."""
    require(origin.actor, Act.MANAGE, victim)
    if status not in IdentificationStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status != IdentificationStatus.PRESUMED and not authority.strip():
        raise ValidationError({"authority": _("Name the authority that decided.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date is in the future.")})
    victim.status = status
    victim.identified_by_authority = authority.strip()
    victim.identified_on = on if status == IdentificationStatus.IDENTIFIED else None
    victim.full_clean()
    victim.save()
    audit.record(
        A.IDENTIFICATION,
        origin=origin,
        obj=victim,
        details={"status": status, "authority": victim.identified_by_authority, "on": str(on)},
    )
    return victim


# --- Service providers and referrals ----------------------------------------------------------


@transaction.atomic
def save_provider(
    *, origin: Origin, data: dict, provider: ServiceProvider | None = None
) -> ServiceProvider:
    user = origin.actor
    provider = provider or ServiceProvider()
    for name, value in data.items():
        setattr(provider, name, value)
    services = list(dict.fromkeys(provider.services or []))
    if not services or any(s not in ServiceKind.values for s in services):
        raise ValidationError({"services": _("Choose the services it gives.")})
    provider.services = services
    provider.full_clean()
    # Decided for the country the provider is (or would be) in, as ServiceProviderRule does.
    if not policy.has(user, Capability.VIEW_DIRECTORY) and not (
        policy.has(user, Capability.SUPERVISE)
        and user.organisation_id
        and user.organisation.country_id == provider.country_id
    ):
        raise PermissionDenied(_("You may not keep this country's directory."))
    provider.save()
    audit.record(A.PROVIDER_SAVE, origin=origin, obj=provider, details={"services": services})
    return provider


def staff_of(organisation_id) -> list[User]:
    """The organisation's members who see personal data (who answer its referrals)."""
    from seec.core.policy import PERSONAL_DATA_ROLES

    return list(
        User.objects.filter(
            organisation_id=organisation_id, is_active=True, roles__code__in=PERSONAL_DATA_ROLES
        ).distinct()
    )


@transaction.atomic
def refer(
    victim: ChildVictim,
    *,
    origin: Origin,
    provider: ServiceProvider,
    service: str,
    reason: str,
    consent_by: str,
    consent_note: str = "",
    answer_due: date,
) -> Referral:
    """Refer the child to a provider for one service, with the consent recorded."""
    require(origin.actor, Act.CHANGE, victim)
    errors = {}
    if not provider.is_active:
        errors["provider"] = _("This provider is no longer active.")
    elif service not in provider.services:
        errors["service"] = _("This provider does not give this service.")
    if not reason.strip():
        errors["reason"] = _("Say what the child needs.")
    if answer_due < timezone.localdate():
        errors["answer_due"] = _("The answer cannot be due in the past.")
    if consent_by == "court" and not consent_note.strip():
        errors["consent_note"] = _("Name the decision that replaces consent.")
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        victim=victim,
        provider=provider,
        service=service,
        reason=reason,
        consent_by=consent_by,
        consent_note=consent_note,
        answer_due=answer_due,
        referred_by=origin.actor,
    )
    referral.full_clean()
    referral.save()
    audit.record(
        A.REFERRAL,
        origin=origin,
        obj=victim,
        details={"referral": referral.pk, "provider": provider.pk, "service": service},
    )
    if provider.organisation_id:
        notices.notify(
            staff_of(provider.organisation_id),
            lambda: (
                _("A child is referred to you for %(service)s (answer by %(due)s).")
                % {"service": referral.get_service_display(), "due": answer_due.isoformat()}
            ),
            link=f"/protection/referrals/{referral.pk}/",
        )
    return referral


def may_answer(user, referral: Referral) -> bool:
    """The provider's own staff answer; for a provider off the platform, the referring side
    records the answer it was given."""
    if referral.provider.organisation_id:
        return user.organisation_id == referral.provider.organisation_id and policy.has(
            user, Capability.VIEW_PERSONAL_DATA
        )
    return policy.can(user, Act.CHANGE, referral.victim)


# What the referring worker is told, one whole sentence per answer (a status label set into a
# sentence cannot agree with it in the region's languages).
REFERRAL_ANSWERED = {
    ReferralStatus.ACCEPTED: gettext_lazy("%(provider)s accepted your referral."),
    ReferralStatus.DECLINED: gettext_lazy("%(provider)s declined your referral."),
    ReferralStatus.COMPLETED: gettext_lazy("%(provider)s has given the service you referred."),
    ReferralStatus.ENDED: gettext_lazy("%(provider)s ended the service before completion."),
    ReferralStatus.SENT: gettext_lazy("Your referral to %(provider)s awaits an answer."),
}


@transaction.atomic
def answer_referral(
    referral: Referral, *, origin: Origin, accept: bool, starts_on=None, note: str = ""
) -> Referral:
    user = origin.actor
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not may_answer(user, referral):
        raise PermissionDenied(_("Only the provider answers this referral."))
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(_("This referral is answered already."))
    if accept and starts_on is None:
        raise ValidationError({"starts_on": _("Say when the service starts.")})
    if not accept and not note.strip():
        raise ValidationError({"note": _("Say why the referral is declined.")})
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.answered_at = timezone.now()
    referral.answered_by = f"{user.get_full_name() or user.username} ({user.organisation})"
    referral.starts_on = starts_on
    referral.outcome = note
    referral.save()
    audit.record(
        A.REFERRAL_ANSWER,
        origin=origin,
        obj=referral.victim,
        details={"referral": referral.pk, "status": referral.status},
    )
    notices.notify(
        [referral.referred_by],
        lambda: REFERRAL_ANSWERED[referral.status] % {"provider": referral.provider.name},
        link=f"/protection/victims/{referral.victim_id}/",
    )
    return referral


@transaction.atomic
def close_referral(
    referral: Referral, *, origin: Origin, completed: bool, outcome: str
) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not (
        policy.can(origin.actor, Act.CHANGE, referral.victim) or may_answer(origin.actor, referral)
    ):
        raise PermissionDenied(_("You may not close this referral."))
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted referral is closed with its outcome."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Record the outcome.")})
    referral.status = ReferralStatus.COMPLETED if completed else ReferralStatus.ENDED
    referral.outcome = outcome
    referral.closed_at = timezone.now()
    referral.save()
    audit.record(
        A.REFERRAL_CLOSE,
        origin=origin,
        obj=referral.victim,
        details={"referral": referral.pk, "status": referral.status},
    )
    return referral
