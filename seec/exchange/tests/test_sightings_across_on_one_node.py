# ruff: noqa: F811 — the portal's fixtures are imported by name
"""A sighting about an alert carried across nodes, each side on one node: the sending side
writes the sighting (and what the reporter adds later) to the outbox for the node where the
alert began; the receiving side files it in the case's triage queue, tells its people and
answers with its reference. Bad payloads are refused naming the field, nothing stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seec.core.models import AuditEvent, Notification, OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation
from seec.exchange import payloads, sightings_across
from seec.exchange.models import (
    CrossBorderAlert,
    ForwardedReport,
    OutboundMessage,
    Peer,
    RemoteOrganisation,
)
from seec.portal.models import PublicReport
from seec.portal.tests.conftest import (  # noqa: F401 — fixtures
    case,
    live_alert,
    manager,
    media,
    police,
    sighting,
)

pytestmark = pytest.mark.django_db

REPORT = reverse("portal:report")
ADD = reverse("portal:report-add")


@pytest.fixture
def serbian_police(region):
    """Serbia's police, hosted by a trusted peer node."""
    peer = Peer.objects.create(node_id="rs-node", name="SEEC node RS",
                               base_url="http://127.0.0.1:9", fingerprint="AAAA",
                               status="trusted")  # fmt: skip
    police = make_organisation("RS", OrganisationKind.POLICE, name="Police of Serbia")
    RemoteOrganisation.objects.create(organisation=police, peer=peer, remote_id="7")
    return police


@pytest.fixture
def carried_here(region, live_alert, serbian_police):
    """Our alert, as if made from Serbia's request (its original is RS-0A1B2C)."""
    return CrossBorderAlert.objects.create(
        conversation="rs-node_request", side="received", organisation=region.gr_police,
        partner=serbian_police, alert=live_alert, original_reference="RS-0A1B2C",
        reason="Seen crossing.", status="issued",
    )  # fmt: skip


@pytest.fixture
def carried_there(region, live_alert, serbian_police):
    """Our alert, carried to Serbia: a sighting reported there comes here."""
    return CrossBorderAlert.objects.create(
        conversation="gr-node_request", side="sent", organisation=region.gr_police,
        partner=serbian_police, alert=live_alert, original_reference=live_alert.reference,
        reason="Seen crossing.", status="issued",
    )  # fmt: skip


def reference_of(response) -> tuple[str, str]:
    import re

    page = response.content.decode()
    return (re.search(r'id="report-reference">([^<]+)<', page).group(1),
            re.search(r'id="report-secret">([^<]+)<', page).group(1))  # fmt: skip


# --- The node where the sighting is reported ---------------------------------------------------


def test_a_sighting_about_an_alert_from_another_node_is_forwarded_there(
    client, region, carried_here, serbian_police
):
    contact = {"contact_name": "Ana", "contact_phone": "+30 691 234 5678"}
    response = client.post(REPORT, sighting(carried_here.alert, **contact))
    assert response.status_code == 201
    report = PublicReport.objects.get()
    # Triaged here as any sighting, and on its way to the node where the alert began.
    assert report.organisation == carried_here.alert.case.organisation
    message = OutboundMessage.objects.get(payload_type="sighting.report")
    assert message.recipient_organisation == serbian_police
    assert message.sender_organisation == region.gr_police
    payload = message.payload
    assert payload["alert_reference"] == "RS-0A1B2C" and payload["reference"] == report.reference
    assert payload["place"] == "Syntagma square, Athens"
    assert "contact" not in payload  # no consent asked for: the contacts stay here
    assert payload["photo_on_sending_node"] is False
    forwarded = ForwardedReport.objects.get(report=report)
    assert forwarded.side == "sent" and forwarded.conversation == message.conversation
    assert AuditEvent.objects.filter(action="sighting_across.forwarded",
                                     object_id=str(report.pk)).exists()  # fmt: skip

    manager = Client()
    manager.force_login(region.users[RoleCode.CASE_MANAGER])
    queue = manager.get(reverse("portal:triage")).content.decode()
    assert "Forwarded to Police of Serbia" in queue and "Waiting to be delivered" in queue
    detail = manager.get(reverse("portal:triage-report", args=[report.pk])).content.decode()
    assert "were not passed on (no consent)" in detail

    # The reporter adds something later: it follows, in the same conversation, in order.
    reference, secret = reference_of(response)
    added = client.post(ADD, {"reference": reference, "secret": secret,
                              "text": "The bus was the 040, at 18:05."})  # fmt: skip
    assert added.status_code == 200
    addition = OutboundMessage.objects.get(payload_type="sighting.addition")
    assert addition.conversation == message.conversation and addition.sequence == 2
    assert addition.payload["text"] == "The bus was the 040, at 18:05."

    # Delivered, then filed there: the queue says so, with their reference.
    OutboundMessage.objects.update(state="delivered")
    sightings_across.on_received(payloads.Delivered(
        payload_type="sighting.received", payload={"reference": report.reference,
        "received_as": "R-ABCD-EFGH"}, sender=serbian_police, recipient=region.gr_police,
        conversation=message.conversation, kind="Ack", handling="H2", status="Actual",
        peer=serbian_police.remote.peer,
    ))  # fmt: skip
    queue = manager.get(reverse("portal:triage")).content.decode()
    assert "Delivered and filed there as R-ABCD-EFGH" in queue


def test_contacts_travel_only_with_the_reporters_consent(client, carried_here):
    fields = {"contact_email": "ana@example.org", "contact_may_be_passed_on": "on"}
    assert client.post(REPORT, sighting(carried_here.alert, **fields)).status_code == 201
    payload = OutboundMessage.objects.get(payload_type="sighting.report").payload
    assert payload["contact"] == {"name": "", "phone": "", "email": "ana@example.org"}


def test_a_sighting_about_our_own_alert_is_not_forwarded(client, live_alert, carried_there):
    assert client.post(REPORT, sighting(live_alert)).status_code == 201
    assert PublicReport.objects.count() == 1
    assert not OutboundMessage.objects.exists() and not ForwardedReport.objects.exists()


def test_a_node_no_longer_trusted_keeps_the_report_here_and_says_why(
    client, region, carried_here, serbian_police
):
    Peer.objects.update(status="suspended")
    assert client.post(REPORT, sighting(carried_here.alert)).status_code == 201
    report = PublicReport.objects.get()
    assert not OutboundMessage.objects.exists()
    forwarded = ForwardedReport.objects.get(report=report)
    assert "not trusted" in forwarded.problem and "Not forwarded" in forwarded.delivery
    assert AuditEvent.objects.filter(action="sighting_across.not_forwarded").exists()


# --- The node where the alert began ------------------------------------------------------------


def delivered(payload, sender, recipient, payload_type="sighting.report", conversation="c1"):
    return payloads.Delivered(
        payload_type=payload_type, payload=payload, sender=sender, recipient=recipient,
        conversation=conversation, kind="Report", handling="H2", status="Actual",
        distribution_id="rs-node_1", peer=sender.remote.peer,
    )  # fmt: skip


def report_payload(alert_reference, **fields):
    return {
        "reference": "R-WXYZ-2345",
        "alert_reference": alert_reference,
        "what_was_seen": "A girl in a red coat at the bus station, with a tall man.",
        "place": "Niš bus station",
        "seen_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "received_at": timezone.now().isoformat(),
        "language": "sr",
        "photo_on_sending_node": True,
        **fields,
    }


def test_a_forwarded_sighting_is_filed_in_the_cases_triage_queue_and_acknowledged(
    region, carried_there, serbian_police
):
    alert = carried_there.alert
    payload = report_payload(alert.reference, contact={"name": "Jelena", "phone": "+381 64"})
    assert payloads.get("sighting.report").problems(payload) == []
    sightings_across.on_report(delivered(payload, serbian_police, region.gr_police))

    report = PublicReport.objects.get()
    assert report.alert == alert and report.organisation == alert.case.organisation
    assert report.contact_name == "Jelena" and not report.anonymous
    assert report.place == "Niš bus station" and report.secret_hash == ""
    told = set(Notification.objects.filter(link__contains=f"/{report.pk}/").values_list(
        "user__username", flat=True))  # fmt: skip
    assert told == {"gr-case_manager", "gr-supervisor", "gr-alert_authority"}
    across = ForwardedReport.objects.get(report=report)
    assert across.side == "received" and across.their_reference == "R-WXYZ-2345"
    ack = OutboundMessage.objects.get(payload_type="sighting.received")
    assert ack.payload == {"reference": "R-WXYZ-2345", "received_as": report.reference}
    assert ack.recipient_organisation == serbian_police and ack.conversation == "c1"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"portal.report_received", "sighting_across.received"} <= actions

    manager = Client()
    manager.force_login(region.users[RoleCode.CASE_MANAGER])
    detail = manager.get(reverse("portal:triage-report", args=[report.pk])).content.decode()
    assert "R-WXYZ-2345" in detail and "ask the other node" in detail

    # What the reporter added there follows.
    sightings_across.on_addition(delivered(
        {"reference": "R-WXYZ-2345", "text": "He wore a green cap.",
         "received_at": timezone.now().isoformat()},
        serbian_police, region.gr_police, payload_type="sighting.addition",
    ))  # fmt: skip
    assert report.additions.get().text == "He wore a green cap."


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"what_was_seen": "<script>alert(1)</script>"}, "what_was_seen"),
        ({"place": "   "}, "place"),
        ({"seen_at": (timezone.now() + timedelta(days=2)).isoformat()}, "seen_at"),
        ({"contact": {"email": "not-an-address"}}, "contact/email"),
        ({"contact": {"name": "<img src=x onerror=alert(1)>"}}, "contact/name"),
    ],
)
def test_bad_fields_are_refused_naming_the_field_and_nothing_is_stored(
    region, carried_there, serbian_police, fields, field
):
    payload = report_payload(carried_there.alert.reference, **fields)
    with pytest.raises(ValidationError) as error, transaction.atomic():
        sightings_across.on_report(delivered(payload, serbian_police, region.gr_police))
    assert field in error.value.message_dict
    assert not PublicReport.objects.exists() and not OutboundMessage.objects.exists()


def test_a_sighting_for_an_alert_we_never_carried_there_is_refused(
    region, live_alert, carried_there, serbian_police
):
    for reference in ("GR-FFFFFF", "RS-0A1B2C"):
        with pytest.raises(ValidationError) as error:
            sightings_across.on_report(
                delivered(report_payload(reference), serbian_police, region.gr_police)
            )
        assert "No alert" in error.value.message_dict["alert_reference"][0]
    # Nor from another node than the one the alert was carried to.
    CrossBorderAlert.objects.update(partner=region.rs_hotline)
    with pytest.raises(ValidationError):
        sightings_across.on_report(delivered(report_payload(live_alert.reference),
                                             serbian_police, region.gr_police))  # fmt: skip
    assert not PublicReport.objects.exists()


def test_the_schema_lists_every_problem_by_field():
    ptype = payloads.get("sighting.report")
    problems = ptype.problems({"reference": "not-ours", "alert_reference": "", "place": 7,
                               "what_was_seen": "x", "received_at": "yesterday",
                               "photo_on_sending_node": "yes", "photo": "base64…"})  # fmt: skip
    text = "\n".join(problems)
    for where in ("reference:", "alert_reference:", "place:", "received_at:",
                  "photo_on_sending_node:", "'photo' was unexpected"):  # fmt: skip
        assert where in text, text
    assert payloads.get("sighting.addition").problems({"reference": "R-ABCD-EFGH"}) == [
        "(payload): 'text' is a required property",
        "(payload): 'received_at' is a required property",
    ]
