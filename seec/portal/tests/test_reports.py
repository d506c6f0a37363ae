"""Reporting a sighting or a suspicion: it lands in the responsible centre's triage queue with
a notice and an audit event; the reporter gets a reference and a secret to add to it later.
Bad input is refused with a message naming the field, and nothing is stored."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from seec.cases.tests.test_case_files import photo_with_gps
from seec.core.models import AuditEvent, Notification, RoleCode
from seec.portal import proof_of_work, services
from seec.portal.models import PublicReport, ReportAddition, ReportStatus

from .conftest import sighting, solved_proof, suspicion

pytestmark = pytest.mark.django_db

REPORT = reverse("portal:report")


def stored_blobs(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / services.PHOTO_FOLDER
    return list(folder.glob("*")) if folder.exists() else []


def receipt_of(response) -> tuple[str, str]:
    page = response.content.decode()
    reference = re.search(r'id="report-reference">([^<]+)<', page).group(1)
    secret = re.search(r'id="report-secret">([^<]+)<', page).group(1)
    return reference, secret


def test_anonymous_sighting_reaches_the_case_owners_triage_queue(client, region, live_alert):
    response = client.post(REPORT, sighting(live_alert))
    assert response.status_code == 201
    reference, secret = receipt_of(response)
    report = PublicReport.objects.get(reference=reference)
    assert report.alert == live_alert
    assert report.organisation == live_alert.case.organisation == region.gr_hotline
    assert report.anonymous and report.status == ReportStatus.NEW
    assert report.secret_hash != secret and secret not in report.secret_hash
    # The case manager, the supervisor and the country's alert authority are told.
    told = set(Notification.objects.filter(link__contains=f"/{report.pk}/").values_list(
        "user__username", flat=True))  # fmt: skip
    assert told == {"gr-case_manager", "gr-supervisor", "gr-alert_authority"}
    event = AuditEvent.objects.get(action="portal.report_received", object_id=str(report.pk))
    assert event.ip_address is None  # an anonymous report keeps no address
    assert event.details["alert"] == live_alert.reference


def test_a_suspicion_goes_to_the_countrys_116000_centre(client, region):
    contact = {"contact_name": "Ana", "contact_phone": "+381601234567"}
    response = client.post(REPORT, suspicion("RS", **contact))
    assert response.status_code == 201
    report = PublicReport.objects.get()
    assert report.organisation == region.rs_hotline and report.alert is None
    assert not report.anonymous and report.contact_name == "Ana"
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"rs-case-manager"}


def test_the_photo_is_stored_encrypted_without_its_exif(client, settings, live_alert):
    upload = SimpleUploadedFile("seen.jpg", photo_with_gps(), content_type="image/jpeg")
    response = client.post(REPORT, {**sighting(live_alert), "photo": upload})
    assert response.status_code == 201
    report = PublicReport.objects.get()
    [blob] = stored_blobs(settings)
    raw = blob.read_bytes()
    assert b"JFIF" not in raw and b"PhoneMaker" not in raw  # ciphertext only
    clean = services.load_photo(report)
    assert b"PhoneMaker" not in clean
    assert Image.open(io.BytesIO(clean)).getexif().get(0x8825) is None  # no GPS


def test_the_reporter_adds_information_with_the_reference_and_secret(client, live_alert):
    reference, secret = receipt_of(client.post(REPORT, sighting(live_alert)))
    PublicReport.objects.update(status=ReportStatus.TRIAGED)
    response = client.post(
        reverse("portal:report-add"),
        {"reference": reference.lower(), "secret": secret, "text": "The bus was number 040."},
    )
    assert response.status_code == 200
    assert "your information is added" in response.content.decode()
    report = PublicReport.objects.get()
    assert report.additions.get().text == "The bus was number 040."
    assert report.status == ReportStatus.NEW  # back to the queue's attention


def test_a_wrong_secret_adds_nothing(client, live_alert):
    reference, _secret = receipt_of(client.post(REPORT, sighting(live_alert)))
    response = client.post(
        reverse("portal:report-add"),
        {"reference": reference, "secret": "guessed", "text": "Hello"},
    )
    assert response.status_code == 400
    answer = response.content.decode()
    assert "Secret code: This reference and secret do not match a report." in answer
    assert not ReportAddition.objects.exists()


# --- Bad input: refused with the field named, nothing stored ---------------------------------


def assert_nothing_stored(settings):
    assert not PublicReport.objects.exists()
    assert not AuditEvent.objects.filter(action="portal.report_received").exists()
    assert stored_blobs(settings) == []


def test_an_oversized_photo_is_refused(client, settings, live_alert):
    settings.SEEC_PORTAL_MAX_PHOTO_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (1024 * 1024 + 1), "image/jpeg")
    response = client.post(REPORT, {**sighting(live_alert), "photo": big})
    assert response.status_code == 400
    assert "A photo (optional): The photo is larger than 1 MB." in response.content.decode()
    assert_nothing_stored(settings)


def test_a_file_that_is_not_a_photo_is_refused(client, settings, live_alert):
    fake = SimpleUploadedFile("seen.jpg", b"MZ\x90\x00 not a picture", "image/jpeg")
    response = client.post(REPORT, {**sighting(live_alert), "photo": fake})
    assert response.status_code == 400
    assert "A photo (optional): This is not a photo" in response.content.decode()
    assert_nothing_stored(settings)


def test_a_report_without_proof_of_work_is_refused(client, settings, live_alert):
    data = {**sighting(live_alert), "pow_token": "", "pow_solution": ""}
    response = client.post(REPORT, data)
    assert response.status_code == 400
    assert "The anti-spam check was not done" in response.content.decode()
    assert_nothing_stored(settings)


def test_a_forged_or_wrong_proof_of_work_is_refused(client, settings, live_alert):
    challenge = proof_of_work.issue()
    wrong = next(
        n for n in range(10_000) if not proof_of_work._works(challenge.salt, n, challenge.bits)
    )
    for token, solution in [(challenge.token, str(wrong)), ("forged:token", "1")]:
        data = {**sighting(live_alert), "pow_token": token, "pow_solution": solution}
        response = client.post(REPORT, data)
        assert response.status_code == 400
        assert "The anti-spam check is not valid" in response.content.decode()
    assert_nothing_stored(settings)


def test_a_proof_of_work_serves_one_report_only(client, live_alert):
    proof = solved_proof()
    assert client.post(REPORT, {**sighting(live_alert), **proof}).status_code == 201
    response = client.post(REPORT, {**sighting(live_alert), **proof})
    assert response.status_code == 400
    assert "This form was sent already" in response.content.decode()
    assert PublicReport.objects.count() == 1


def test_a_flood_from_one_address_is_refused(client, settings, live_alert):
    settings.SEEC_PORTAL_REPORTS_PER_HOUR = 3
    for _ in range(3):
        assert client.post(REPORT, sighting(live_alert)).status_code == 201
    response = client.post(REPORT, sighting(live_alert))
    assert response.status_code == 429
    assert "Too many reports from here" in response.content.decode()
    assert PublicReport.objects.count() == 3


@pytest.mark.parametrize(
    ("field", "label", "value"),
    [
        ("what_was_seen", "What did you see?", "<script>alert(1)</script>"),
        ("place", "Where?", "Athens <img src=x onerror=alert(1)>"),
        ("contact_name", "Your name (optional)", "javascript:alert(1)"),
        ("place", "Where?", "&lt;script&gt;"),
    ],
)
def test_scripts_in_a_field_are_refused_naming_the_field(client, settings, live_alert, field,
                                                         label, value):  # fmt: skip
    response = client.post(REPORT, {**sighting(live_alert), field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{label}: Write plain text: markup or scripts" in page.replace("&#x27;", "'")
    assert "<script>alert(1)" not in page
    assert_nothing_stored(settings)


def test_a_sighting_needs_a_live_alert(client, settings, live_alert, police):
    from seec.alerts import services as alert_services
    from seec.core.audit import Origin

    alert_services.cancel_alert(live_alert, origin=Origin(police), reason="Found safe")
    response = client.post(REPORT, sighting(live_alert))
    assert response.status_code == 400
    assert "The alert: " in response.content.decode()
    assert_nothing_stored(settings)


def test_a_suspicion_needs_a_country(client, settings, region):
    response = client.post(REPORT, suspicion(country=""))
    assert response.status_code == 400
    assert "Country: Choose the country." in response.content.decode()
    assert_nothing_stored(settings)


def test_the_form_offers_the_alert_from_its_link(client, live_alert):
    page = client.get(REPORT, {"alert": live_alert.reference}).content.decode()
    assert f'<option value="{live_alert.reference}" selected>' in page
    assert 'src="/static/portal/proof-of-work.js"' in page
    assert "<noscript>" in page


def test_the_secret_page_is_not_cached(client, live_alert):
    response = client.post(REPORT, sighting(live_alert))
    assert response["Cache-Control"] == "no-store"


def test_no_role_sees_a_report_but_its_centre_and_the_alert_authority(region, live_alert):
    from seec.core import policy

    receipt = services.submit_report(
        kind="sighting", alert=live_alert, what_was_seen="Seen", place="Athens"
    )
    seeing = {
        role for role, user in region.users.items()
        if policy.visible_to(user, PublicReport).filter(pk=receipt.report.pk).exists()
    }  # fmt: skip
    assert seeing == {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR, RoleCode.ALERT_AUTHORITY}
    assert not policy.visible_to(region.foreign_manager, PublicReport).exists()


def test_the_form_opens_on_a_suspicion_from_its_link(client, region):
    page = client.get(REPORT, {"kind": "suspicion"}).content.decode()
    assert re.search(r'value="suspicion"[^>]*checked', page)


def test_a_time_in_the_future_is_refused(client, settings, live_alert):
    response = client.post(REPORT, sighting(live_alert, seen_at="2099-01-01T10:00"))
    assert response.status_code == 400
    assert "When? (optional): This time is in the future." in response.content.decode()
    assert_nothing_stored(settings)
