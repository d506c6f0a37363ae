"""Referral between two organisations hosted on one node: the same services and messages as
between nodes, delivered at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import Notification, RoleCode
from seec.exchange import referrals
from seec.exchange.models import Referral, ReferralSide, ReferralStatus


@pytest.fixture
def greek_case(region):
    return case_services.open_case(
        origin=Origin(region.users[RoleCode.CASE_MANAGER]), fields=case_fields()
    )


def refer(region, case, **overrides):
    options = {
        "mode": "copy",
        "pseudonymise": False,
        "reason": "The child was seen in Belgrade.",
        "consent_basis": "parent",
        "consent_note": "Mother agreed by telephone on 1 December.",
    }
    options.update(overrides)
    return referrals.refer_case(
        case, region.rs_hotline, origin=Origin(region.users[RoleCode.CASE_MANAGER]), **options
    )


def received(referral):
    return Referral.objects.get(conversation=referral.conversation, side=ReferralSide.RECEIVED)


def test_the_receiver_sees_a_preview_until_it_accepts_then_the_copy(region, greek_case):
    sent = refer(region, greek_case)
    offer = received(sent)
    assert offer.organisation == region.rs_hotline and offer.status == ReferralStatus.OFFERED
    assert offer.copy == {} and "given_names" not in offer.preview
    assert Notification.objects.filter(user=region.foreign_manager).exists()

    referrals.accept_referral(offer, origin=Origin(region.foreign_manager))
    offer.refresh_from_db()
    sent.refresh_from_db()
    assert sent.status == offer.status == ReferralStatus.ACCEPTED
    assert offer.copy["given_names"] == "Марија" and offer.copy["number"] == greek_case.number


def test_updates_flow_both_ways_and_withdrawal_seals_the_copy(region, greek_case):
    sent = refer(region, greek_case)
    referrals.accept_referral(received(sent), origin=Origin(region.foreign_manager))
    referrals.send_referral_update(
        received(sent), origin=Origin(region.foreign_manager), note="Seen at the bus station."
    )
    assert sent.updates.get(outgoing=False).note == "Seen at the bus station."
    manager = region.users[RoleCode.CASE_MANAGER]
    referrals.send_referral_update(
        sent, origin=Origin(manager), note="Photo attached to the case.", include_case=True
    )
    assert received(sent).updates.get(outgoing=False).case_refreshed
    referrals.withdraw_referral(sent, origin=Origin(manager), reason="Child found at home.")
    copy = received(sent)
    assert copy.is_sealed and copy.copy == {} and copy.copy_sha256
    with pytest.raises(ValidationError):
        referrals.send_referral_update(copy, origin=Origin(region.foreign_manager), note="x")


def test_a_pseudonymised_copy_names_no_one(region, greek_case):
    sent = refer(region, greek_case, pseudonymise=True)
    referrals.accept_referral(received(sent), origin=Origin(region.foreign_manager))
    copy = received(sent).copy
    assert "Марија" not in str(copy) and "Ђорђевић" not in str(copy)
    assert copy["birth_year"] and copy["date_of_birth"] is None


def test_a_decline_gives_a_reason_from_the_list(region, greek_case):
    sent = refer(region, greek_case)
    with pytest.raises(ValidationError) as error:
        referrals.decline_referral(received(sent), origin=Origin(region.foreign_manager), reason="")
    assert "decline_reason" in error.value.message_dict
    referrals.decline_referral(
        received(sent), origin=Origin(region.foreign_manager), reason="not_competent"
    )
    sent.refresh_from_db()
    assert (sent.status, sent.decline_reason) == (ReferralStatus.DECLINED, "not_competent")


def test_consent_or_its_reasoned_override_is_required(region, greek_case):
    with pytest.raises(ValidationError) as error:
        refer(region, greek_case, consent_basis="override", consent_note="")
    assert "consent_note" in error.value.message_dict
    assert not Referral.objects.exists()


def test_a_hand_over_gives_the_receiver_a_case_of_its_own(region, greek_case):
    sent = refer(region, greek_case, mode="handover")
    referrals.accept_referral(received(sent), origin=Origin(region.foreign_manager))
    theirs = received(sent).case
    assert theirs.organisation == region.rs_hotline and theirs.given_names == "Марија"
    greek_case.refresh_from_db()
    assert greek_case.status == "closed"


def test_only_the_staff_who_share_records_refer_or_answer(region, greek_case):
    with pytest.raises(PermissionDenied):
        referrals.refer_case(
            greek_case, region.rs_hotline, origin=Origin(region.users[RoleCode.HOTLINE_OPERATOR]),
            mode="copy", pseudonymise=False, reason="x", consent_basis="child",
            consent_note="x",
        )  # fmt: skip
    sent = refer(region, greek_case)
    with pytest.raises(PermissionDenied):
        referrals.accept_referral(
            received(sent), origin=Origin(region.users[RoleCode.CASE_MANAGER])
        )
