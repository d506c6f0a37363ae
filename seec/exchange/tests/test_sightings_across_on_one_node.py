# ruff: noqa: F811 — the portal's fixtures are imported by name
"""A sighting about an alert carried across nodes, each side on one node: the sending side
writes the sighting (and what the reporter adds later) to the outbox for the node where the
alert began; the receiving side files it in the case's triage queue, tells its people and
answers with its reference. Bad payloads are refused naming the field, nothing stored."""

import base64
import hashlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from seec.cases.tests.test_case_files import photo_with_gps
from seec.core.models import (
    AuditEvent,
    Notification,
    RoleCode,
    StagedRead,
)
from seec.exchange import payloads, sightings_across
from seec.exchange.models import (
    CrossBorderAlert,
    ForwardedReport,
    OutboundMessage,
    Peer,
)
from seec.portal import services as portal_services
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
    photo = SimpleUploadedFile("seen.jpg", photo_with_gps(), content_type="image/jpeg")
    response = client.post(REPORT, {**sighting(carried_here.alert, **contact), "photo": photo})
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
    # The photo travels as it is kept here: the clean JPEG (no EXIF), with its digest.
    sent_photo = base64.b64decode(payload["photo"]["content"])
    assert sent_photo == portal_services.load_photo(report) and b"PhoneMaker" not in sent_photo
    assert payload["photo"]["content_type"] == "image/jpeg"
    assert payload["photo"]["sha256"] == hashlib.sha256(sent_photo).hexdigest()
    assert payload["photo"]["sha256"] == report.photo_sha256
    assert payload["photo_on_sending_node"] is False
    forwarded = ForwardedReport.objects.get(report=report)
    assert forwarded.side == "sent" and forwarded.conversation == message.conversation
    assert not forwarded.photo_on_sending_node
    assert AuditEvent.objects.filter(action="sighting_across.forwarded",
                                     object_id=str(report.pk)).exists()  # fmt: skip

    manager = Client()
    manager.force_login(region.users[RoleCode.CASE_MANAGER])
    queue = manager.get(reverse("portal:triage")).content.decode()
    assert "Forwarded to Police of Serbia" in queue and "Waiting to be delivered" in queue
    detail = manager.get(reverse("portal:triage-report", args=[report.pk])).content.decode()
    assert "were not passed on (no consent)" in detail and "The photo went with it." in detail

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


def test_a_photo_too_large_for_the_exchange_stays_here_and_the_other_centre_is_told(
    client, settings, carried_here
):
    # A body limit below what the photo needs once encoded three times over.
    settings.SEEC_EXCHANGE_MAX_BODY_BYTES = sightings_across.ENVELOPE_ALLOWANCE + 100
    photo = SimpleUploadedFile("seen.jpg", photo_with_gps(), content_type="image/jpeg")
    assert client.post(REPORT, {**sighting(carried_here.alert), "photo": photo}).status_code == 201
    payload = OutboundMessage.objects.get(payload_type="sighting.report").payload
    assert "photo" not in payload and payload["photo_on_sending_node"] is True
    assert ForwardedReport.objects.get().photo_on_sending_node


def test_the_photo_size_limits_fit_the_exchanges_body_limit(settings):
    # The portal's photo limit (8 MB) is above what the default body (16 MB) carries three
    # times encoded (about 6.7 MB); the photo kept is a re-encoded JPEG of at most 2400 px a
    # side, far below both; the rare one that does not fit stays here (test above).
    assert sightings_across.photo_fits(6 * 1024 * 1024)
    assert not sightings_across.photo_fits(7 * 1024 * 1024)


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
    assert not report.photo_storage_name
    assert reverse("portal:triage-photo", args=[report.pk]) not in detail

    # What the reporter added there follows.
    sightings_across.on_addition(delivered(
        {"reference": "R-WXYZ-2345", "text": "He wore a green cap.",
         "received_at": timezone.now().isoformat()},
        serbian_police, region.gr_police, payload_type="sighting.addition",
    ))  # fmt: skip
    assert report.additions.get().text == "He wore a green cap."


def photo_field(content: bytes, content_type="image/jpeg", sha256=None) -> dict:
    return {"content": base64.b64encode(content).decode(), "content_type": content_type,
            "sha256": sha256 or hashlib.sha256(content).hexdigest()}  # fmt: skip


def png_with_text() -> bytes:
    image = Image.new("RGB", (40, 30), (20, 120, 200))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=_pnginfo())
    return out.getvalue()


def _pnginfo():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "PhoneMaker GPS 37.97N")
    return info


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(photo_with_gps(), "image/jpeg"), (png_with_text(), "image/png")],
)
def test_a_photo_that_came_with_the_sighting_is_cleaned_kept_encrypted_and_shown(
    region, carried_there, serbian_police, content, content_type
):
    assert b"PhoneMaker" in content
    payload = report_payload(carried_there.alert.reference, photo_on_sending_node=False,
                             photo=photo_field(content, content_type))  # fmt: skip
    assert payloads.get("sighting.report").problems(payload) == []
    sightings_across.on_report(delivered(payload, serbian_police, region.gr_police))

    report = PublicReport.objects.get()
    assert report.photo_storage_name and not ForwardedReport.objects.get().photo_on_sending_node
    with default_storage.open(f"portal-reports/{report.photo_storage_name}", "rb") as handle:
        stored = handle.read()
    assert b"PhoneMaker" not in stored and b"JFIF" not in stored  # ciphertext only
    clean = portal_services.load_photo(report)
    assert b"PhoneMaker" not in clean and clean.startswith(b"\xff\xd8\xff")
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG" and image.size == (Image.open(io.BytesIO(content)).size)
        assert not image.getexif()
    received = AuditEvent.objects.get(action="sighting_across.received")
    assert received.details["photo_sha256"] == report.photo_sha256

    # The triager sees it as a photo sent in here, and the read is audited.
    manager = Client()
    manager.force_login(region.users[RoleCode.CASE_MANAGER])
    detail = manager.get(reverse("portal:triage-report", args=[report.pk])).content.decode()
    assert reverse("portal:triage-photo", args=[report.pk]) in detail
    assert "The photo came with it" in detail and "ask the other node" not in detail
    shown = manager.get(reverse("portal:triage-photo", args=[report.pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown) == clean
    # An audited read of personal data (staged, chained by the worker within seconds).
    assert StagedRead.objects.filter(action="portal.report_viewed", object_id=str(report.pk),
                                     details__photo=True).exists()  # fmt: skip


def _huge_png() -> bytes:
    # 8,000 × 8,000 of one colour: a few KB compressed, 64 megapixels once decoded.
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("photo", "field", "message"),
    [
        (photo_field(photo_with_gps(), sha256="0" * 64), "photo/sha256", "SHA-256"),
        (photo_field(b"GIF89a" + bytes(40), "image/gif"), "photo/content_type", "JPEG, PNG"),
        (photo_field(photo_with_gps(), "image/png"), "photo/content_type", "declared"),
        (photo_field(b"\xff\xd8\xff" + bytes(2 * 1024 * 1024)), "photo/content", "larger"),
        ({**photo_field(photo_with_gps()), "content": "not base64!"}, "photo/content", "base64"),
        (photo_field(b"\xff\xd8\xff" + b"not really a picture"), "photo/content", "not a photo"),
        (photo_field(_huge_png(), "image/png"), "photo/content", "megapixels"),
    ],
)
def test_bad_photo_data_is_refused_naming_the_field_and_nothing_is_stored(
    region, settings, carried_there, serbian_police, photo, field, message
):
    settings.SEEC_PORTAL_MAX_PHOTO_BYTES = 1024 * 1024
    payload = report_payload(carried_there.alert.reference, photo=photo)
    with pytest.raises(ValidationError) as error, transaction.atomic():
        sightings_across.on_report(delivered(payload, serbian_police, region.gr_police))
    assert message in " ".join(error.value.message_dict[field]), error.value.message_dict
    assert not PublicReport.objects.exists() and not OutboundMessage.objects.exists()
    assert (
        not default_storage.exists("portal-reports")
        or not default_storage.listdir("portal-reports")[1]
    )


def test_the_schema_refuses_a_photo_of_another_type_naming_the_field():
    payload = report_payload("GR-0A1B2C", photo=photo_field(b"x" * 8, "image/gif"))
    assert any(p.startswith("photo/content_type:")
               for p in payloads.get("sighting.report").problems(payload))  # fmt: skip


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
                               "photo_on_sending_node": "yes", "photo": "base64…",
                               "attachment": "x"})  # fmt: skip
    text = "\n".join(problems)
    for where in ("reference:", "alert_reference:", "place:", "received_at:",
                  "photo_on_sending_node:", "photo: 'base64…' is not of type 'object'",
                  "'attachment' was unexpected"):  # fmt: skip
        assert where in text, text
    assert payloads.get("sighting.addition").problems({"reference": "R-ABCD-EFGH"}) == [
        "(payload): 'text' is a required property",
        "(payload): 'received_at' is a required property",
    ]
