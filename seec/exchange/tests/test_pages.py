"""The exchange's pages, through the test client: referral steps, and the administrator's
POST-only steps refused to everyone else."""

import pytest
from django.test import Client

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.exchange.models import OutboundMessage, Peer, Referral


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def greek_case(region):
    return case_services.open_case(
        origin=Origin(region.users[RoleCode.CASE_MANAGER]), fields=case_fields()
    )


def test_a_case_referred_and_accepted_through_the_pages(region, greek_case):
    manager = client_of(region.users[RoleCode.CASE_MANAGER])
    assert (
        "Refer to another organisation" in manager.get(f"/cases/{greek_case.pk}/").content.decode()
    )
    response = manager.post(
        f"/exchange/referrals/new/{greek_case.pk}/",
        {"organisation": region.rs_hotline.pk, "mode": "copy", "reason": "Seen in Niš.",
         "consent_basis": "override", "consent_note": "", "handling": "H2"},
    )  # fmt: skip
    assert response.status_code == 200 and "consent_note_error" in response.content.decode()
    response = manager.post(
        f"/exchange/referrals/new/{greek_case.pk}/",
        {"organisation": region.rs_hotline.pk, "mode": "copy", "reason": "Seen in Niš.",
         "consent_basis": "override", "consent_note": "Risk to life.", "handling": "H2"},
    )  # fmt: skip
    assert response.status_code == 302
    received = Referral.objects.get(side="received")
    serbian = client_of(region.foreign_manager)
    page = serbian.get(f"/exchange/referrals/{received.pk}/").content.decode()
    assert "Марија" not in page  # a preview only, until accepted
    serbian.post(f"/exchange/referrals/{received.pk}/answer/", {"decision": "decline"})
    received.refresh_from_db()
    assert received.status == "offered"  # no reason chosen: nothing done
    serbian.post(f"/exchange/referrals/{received.pk}/answer/", {"decision": "accept"})
    page = serbian.get(f"/exchange/referrals/{received.pk}/").content.decode()
    assert "Марија" in page
    serbian.post(f"/exchange/referrals/{received.pk}/update/", {"note": "Found a witness."})
    sent = Referral.objects.get(side="sent")
    assert "Found a witness." in manager.get(f"/exchange/referrals/{sent.pk}/").content.decode()


@pytest.mark.parametrize("role", [r for r in RoleCode.values if r != RoleCode.ADMINISTRATOR])
def test_the_administrators_steps_are_refused_to_every_other_role(region, greek_case, role):
    peer = Peer.objects.create(node_id="rs-node", name="RS", base_url="http://127.0.0.1:9",
                               fingerprint="AAAA", status="pending")  # fmt: skip
    client = client_of(region.users[role])
    for step in ("confirm", "suspend", "refresh", "ping", "directory"):
        path = f"/exchange/nodes/{peer.pk}/{step}/"
        response = client.post(path, {"fingerprint": "AAAA", "reason": "x"})
        assert response.status_code in (403, 404), path
    assert client.post("/exchange/keys/1/revoke/", {"reason": "x"}).status_code in (403, 404)
    assert client.post("/exchange/messages/1/retry/").status_code in (403, 404)
    peer.refresh_from_db()
    assert peer.status == "pending" and not OutboundMessage.objects.exists()


def test_another_organisation_cannot_answer_update_or_withdraw(region, greek_case):
    from seec.exchange import referrals

    sent = referrals.refer_case(
        greek_case, region.rs_hotline, origin=Origin(region.users[RoleCode.CASE_MANAGER]),
        mode="copy", pseudonymise=False, reason="x", consent_basis="child", consent_note="x",
    )  # fmt: skip
    received = Referral.objects.get(side="received")
    greek = client_of(region.users[RoleCode.CASE_MANAGER])
    assert greek.post(f"/exchange/referrals/{received.pk}/answer/",
                      {"decision": "accept"}).status_code == 404  # fmt: skip
    serbian = client_of(region.foreign_manager)
    assert serbian.post(f"/exchange/referrals/{sent.pk}/withdraw/",
                        {"reason": "x"}).status_code == 404  # fmt: skip
    received.refresh_from_db()
    sent.refresh_from_db()
    assert received.status == sent.status == "offered"
