"""Persons of interest: police only, every read audited, purged at the retention limit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from seec.core import policy
from seec.core.audit import Origin
from seec.core.models import AuditEvent, StagedRead
from seec.protection import intelligence, tracing
from seec.protection.models import IntelligenceItem, PersonOfInterest, TraceIdentifier

from .conftest import TODAY


def person(user, *, keep_days=30):
    return intelligence.open_person(
        origin=Origin(user),
        fields={
            "role": "client",
            "name": "Client X",
            "review_on": TODAY() + timedelta(days=1),
            "retain_until": TODAY() + timedelta(days=keep_days),
        },
    )


def test_a_retention_limit_purges_a_person_of_interest(people):
    officer = people["gr_police"]
    kept = person(officer, keep_days=400)
    gone = person(officer, keep_days=30)
    intelligence.add_item(
        gone,
        origin=Origin(officer),
        data={
            "text": "Pays through an IBAN in Cyprus",
            "handling": "H2",
            "reliability": "B",
            "accuracy": "2",
            "review_on": TODAY() + timedelta(days=5),
            "retain_until": TODAY() + timedelta(days=30),
        },
    )
    tracing.record_identifier(
        origin=Origin(officer), kind="phone", value="+30 691 234 5678", person=gone
    )
    assert intelligence.purge_expired(TODAY() + timedelta(days=29)) == (0, 0)
    assert intelligence.purge_expired(TODAY() + timedelta(days=30)) == (1, 0)
    assert list(PersonOfInterest.objects.all()) == [kept]
    assert not IntelligenceItem.objects.exists() and not TraceIdentifier.objects.exists()
    event = AuditEvent.objects.get(action="poi.purged")
    assert event.details["reference"] == gone.reference and event.details["items"] == 1
    assert "Client X" not in str(event.details)


def test_an_item_past_its_limit_goes_before_its_person(people):
    officer = people["gr_police"]
    p = person(officer, keep_days=100)
    intelligence.add_item(
        p,
        origin=Origin(officer),
        data={
            "text": "Seen in Patras",
            "handling": "H1",
            "reliability": "C",
            "accuracy": "4",
            "review_on": TODAY(),
            "retain_until": TODAY() + timedelta(days=3),
        },
    )
    assert intelligence.purge_expired(TODAY() + timedelta(days=3)) == (0, 1)
    assert PersonOfInterest.objects.filter(pk=p.pk).exists()


def test_an_item_cannot_outlive_its_person_and_h3_states_its_restrictions(people):
    officer = people["gr_police"]
    p = person(officer, keep_days=10)
    base = {"text": "x", "reliability": "A", "accuracy": "1", "review_on": TODAY()}
    with pytest.raises(ValidationError) as error:
        intelligence.add_item(
            p,
            origin=Origin(officer),
            data={**base, "handling": "H0", "retain_until": TODAY() + timedelta(days=11)},
        )
    assert "retain_until" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        intelligence.add_item(
            p,
            origin=Origin(officer),
            data={**base, "handling": "H3", "retain_until": TODAY() + timedelta(days=5)},
        )
    assert "handling_note" in error.value.message_dict


def test_persons_are_seen_by_the_owning_police_alone_until_a_police_decision_shares_them(people):
    region = people["region"]
    p = person(people["gr_police"])
    for user in [*region.users.values(), people["rs_police"], people["al_police"]]:
        seen = policy.visible_to(user, PersonOfInterest).filter(pk=p.pk).exists()
        assert seen == (
            user.organisation_id == region.gr_police.pk
            and user.username in {"gr-alert_authority", "gr-liaison_officer"}
        ), user.username
    with pytest.raises(PermissionDenied):
        intelligence.share_person(
            p, origin=Origin(people["gr_manager"]), police=people["al_police_org"], reason="x"
        )
    with pytest.raises(ValidationError):
        intelligence.share_person(
            p, origin=Origin(people["gr_liaison"]), police=people["al_social_org"], reason="JIT"
        )
    intelligence.share_person(
        p,
        origin=Origin(people["gr_liaison"]),
        police=people["al_police_org"],
        reason="Joint investigation",
    )
    assert policy.visible_to(people["al_police"], PersonOfInterest).filter(pk=p.pk).exists()
    assert not policy.can(people["al_police"], "change", p)


def test_every_read_of_a_person_is_audited(people):
    p = person(people["gr_police"])
    intelligence.person_for_reading(people["gr_liaison"], p.pk, origin=Origin(people["gr_liaison"]))
    assert (
        StagedRead.objects.filter(action="poi.view", object_id=str(p.pk)).exists()
        or AuditEvent.objects.filter(action="poi.view", object_id=str(p.pk)).exists()
    )
