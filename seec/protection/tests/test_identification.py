"""Identification: from an info-desk's report to a referral, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from seec.core.audit import Origin
from seec.core.models import AuditEvent, Notification
from seec.protection import services
from seec.protection.models import (
    AgeMethod,
    ChildVictim,
    IdentificationStatus,
    Indicator,
    Minority,
    ReferralStatus,
)

from .conftest import TODAY, victim_fields


def test_an_info_desk_report_becomes_an_identified_victim_referred_to_a_shelter(people, shelter):
    desk = Origin(people["gr_manager"])
    begging = Indicator.objects.filter(code__in=["B01", "B02", "G01"])
    victim = services.open_victim(origin=desk, fields=victim_fields(), indicators=begging)
    assert victim.reference.startswith("GR-V-")
    assert victim.status == IdentificationStatus.PRESUMED
    assert victim.minority == Minority.PRESUMED
    assert sorted(victim.observations.values_list("indicator__code", flat=True)) == [
        "B01",
        "B02",
        "G01",
    ]

    services.assess_age(
        victim,
        origin=desk,
        data={
            "method": AgeMethod.INTERVIEW,
            "lowest_age": 14,
            "highest_age": 17,
            "assessed_by": "Social worker, EKKA",
            "assessed_on": TODAY(),
        },
    )
    services.appoint_guardian(
        victim,
        origin=desk,
        data={
            "guardian_name": "M. Papadaki",
            "appointed_by": "Prosecutor for minors",
            "appointed_on": TODAY(),
        },
    )
    services.decide_identification(
        victim,
        origin=Origin(people["gr_manager"]),
        status=IdentificationStatus.IDENTIFIED,
        authority="Hellenic Police, anti-trafficking unit",
        on=TODAY(),
    )
    victim.refresh_from_db()
    assert victim.minority == Minority.ESTABLISHED
    assert victim.status == IdentificationStatus.IDENTIFIED

    referral = services.refer(
        victim,
        origin=desk,
        provider=shelter,
        service="shelter",
        reason="A safe place to stay tonight",
        consent_by="both",
        answer_due=TODAY() + timedelta(days=1),
    )
    assert Notification.objects.filter(user=people["shelter"]).exists()
    services.answer_referral(
        referral, origin=Origin(people["shelter"]), accept=True, starts_on=TODAY()
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert Notification.objects.filter(user=people["gr_manager"]).exists()
    actions = set(
        AuditEvent.objects.filter(object_id=str(victim.pk)).values_list("action", flat=True)
    )
    assert {
        "victim.open",
        "victim.indicator",
        "victim.age_assessed",
        "victim.guardian",
        "victim.identification",
        "referral.send",
        "referral.answer",
    } <= actions


def test_a_doubt_about_age_keeps_the_presumption_of_minority(victim, people):
    services.assess_age(
        victim,
        origin=Origin(people["gr_manager"]),
        data={
            "method": AgeMethod.MEDICAL,
            "lowest_age": 16,
            "highest_age": 20,
            "assessed_by": "Hospital",
            "assessed_on": TODAY(),
        },
    )
    victim.refresh_from_db()
    assert victim.minority == Minority.PRESUMED
    assert victim.age_estimate == 16


def test_identification_needs_the_deciding_authority(victim, people):
    with pytest.raises(ValidationError) as error:
        services.decide_identification(
            victim,
            origin=Origin(people["gr_manager"]),
            status="identified",
            authority=" ",
            on=TODAY(),
        )
    assert "authority" in error.value.message_dict


def test_an_indicator_from_another_catalogue_version_is_refused(victim, people):
    draft = services.draft_catalogue(
        origin=Origin(people["region"].users["regional_coordinator"]), version="2026-gr"
    )
    other = draft.indicators.get(code="B01")
    with pytest.raises(ValidationError):
        services.record_indicators(victim, origin=Origin(people["gr_manager"]), indicators=[other])


def test_a_published_catalogue_does_not_change_and_a_draft_publishes(people):
    coordinator = Origin(people["region"].users["regional_coordinator"])
    current = services.current_catalogue()
    with pytest.raises(ValidationError):
        services.save_indicator(current, origin=coordinator, data={"text": "changed"})
    draft = services.draft_catalogue(origin=coordinator, version="2026.1")
    services.save_indicator(
        draft,
        origin=coordinator,
        data={
            "code": "L06",
            "exploitation": "labour",
            "dimension": "Exploitation",
            "strength": "medium",
            "text": "Works in a private household for no pay",
            "source": "National referral mechanism of Greece",
        },
    )
    services.publish_catalogue(draft, origin=coordinator)
    assert services.current_catalogue() == draft
    assert draft.indicators.count() == current.indicators.count() + 1


def test_only_coordinators_draft_a_catalogue(people):
    with pytest.raises(PermissionDenied):
        services.draft_catalogue(origin=Origin(people["gr_manager"]), version="x")


def test_a_referral_for_a_service_the_provider_does_not_give_is_refused(victim, people, shelter):
    with pytest.raises(ValidationError) as error:
        services.refer(
            victim,
            origin=Origin(people["gr_manager"]),
            provider=shelter,
            service="legal",
            reason="Lawyer",
            consent_by="child",
            answer_due=TODAY(),
        )
    assert "service" in error.value.message_dict


def test_only_the_provider_answers_its_referral(victim, people, shelter):
    referral = services.refer(
        victim,
        origin=Origin(people["gr_manager"]),
        provider=shelter,
        service="shelter",
        reason="Bed",
        consent_by="child",
        answer_due=TODAY(),
    )
    with pytest.raises(PermissionDenied):
        services.answer_referral(
            referral, origin=Origin(people["gr_manager"]), accept=True, starts_on=TODAY()
        )


def test_another_organisation_cannot_record_on_the_child(victim, people):
    with pytest.raises(PermissionDenied):
        services.record_indicators(victim, origin=Origin(people["al_social"]), indicators=[])
    assert ChildVictim.objects.count() == 1
