"""The exchange's API: the same services as the pages."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user
from seec.exchange.models import CooperationRequest, Referral

from .test_cooperation_on_one_node import YELLOW


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_referral_made_answered_updated_and_withdrawn_through_the_api(region):
    manager = region.users[RoleCode.CASE_MANAGER]
    case = case_services.open_case(origin=Origin(manager), fields=case_fields())
    greek, serbian = client_of(manager), client_of(region.foreign_manager)
    refused = greek.post("/api/exchange/referrals/", {
        "case": case.pk, "organisation": region.rs_hotline.pk, "mode": "copy",
        "reason": "Seen in Niš.", "consent_basis": "override", "consent_note": ""},
        format="json")  # fmt: skip
    assert refused.status_code == 400 and "consent_note" in refused.json()["errors"]
    made = greek.post("/api/exchange/referrals/", {
        "case": case.pk, "organisation": region.rs_hotline.pk, "mode": "copy",
        "reason": "Seen in Niš.", "consent_basis": "parent", "consent_note": "Yes."},
        format="json")  # fmt: skip
    assert made.status_code == 201, made.json()
    received = Referral.objects.get(side="received")
    # Greece may not answer its own offer; Serbia may not withdraw it.
    assert greek.post(f"/api/exchange/referrals/{received.pk}/answer/",
                      {"decision": "accept"}, format="json").status_code == 404  # fmt: skip
    sent_pk = made.json()["id"]
    assert serbian.post(f"/api/exchange/referrals/{sent_pk}/withdraw/",
                        {"reason": "x"}, format="json").status_code == 404  # fmt: skip
    answered = serbian.post(f"/api/exchange/referrals/{received.pk}/answer/",
                            {"decision": "accept"}, format="json")  # fmt: skip
    assert answered.json()["copy"]["given_names"] == "Марија"
    serbian.post(f"/api/exchange/referrals/{received.pk}/update-note/",
                 {"note": "A witness in Niš."}, format="json")  # fmt: skip
    withdrawn = greek.post(f"/api/exchange/referrals/{sent_pk}/withdraw/",
                           {"reason": "Found."}, format="json")  # fmt: skip
    assert withdrawn.json()["status"] == "withdrawn"
    assert serbian.get(f"/api/exchange/referrals/{received.pk}/").json()["copy"] == {}


def test_a_request_for_cooperation_through_the_api(region):
    police = make_organisation("RS", OrganisationKind.POLICE, name="Police of Serbia")
    officer = make_user(police, RoleCode.LIAISON_OFFICER)
    liaison = client_of(region.users[RoleCode.LIAISON_OFFICER])
    made = liaison.post("/api/exchange/cooperation/", {
        "organisation": police.pk, "kind": "yellow_notice", "question": "Crossed?",
        "facts": YELLOW, "handling": "H1", "reliability": "B", "accuracy": "2",
        "deadline": (timezone.now() + timedelta(days=1)).isoformat()}, format="json")  # fmt: skip
    assert made.status_code == 201, made.json()
    received = CooperationRequest.objects.get(side="received")
    assert liaison.post(f"/api/exchange/cooperation/{received.pk}/answer/",
                        {"answer": "x", "reliability": "A", "accuracy": "1"},
                        format="json").status_code == 404  # fmt: skip
    answered = client_of(officer).post(
        f"/api/exchange/cooperation/{received.pk}/answer/",
        {"answer": "Entered at Preševo.", "reliability": "A", "accuracy": "1"}, format="json",
    )  # fmt: skip
    assert answered.json()["status"] == "answered"
    assert liaison.get(f"/api/exchange/cooperation/{made.json()['id']}/").json()["answer"]
