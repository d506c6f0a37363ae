"""The triage queue: the centre's case managers and supervisors see its reports and mark them
triaged; the alert authority reads the sightings about its country's alerts; an operator, a
foreign centre or the public does not."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seec.cases.tests.test_case_files import photo_with_gps
from seec.core.models import AuditEvent, RoleCode, StagedRead
from seec.portal import services
from seec.portal.models import ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(live_alert):
    upload = SimpleUploadedFile("seen.jpg", photo_with_gps(), content_type="image/jpeg")
    return services.submit_report(
        kind="sighting",
        alert=live_alert,
        what_was_seen="A girl in a red coat",
        place="Piraeus port",
        photo=upload,
    ).report


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_case_manager_sees_the_report_in_the_queue_and_opens_it(client, region, report):
    manager = region.users[RoleCode.CASE_MANAGER]
    page = signed_in(client, manager).get(reverse("portal:triage")).content.decode()
    assert report.reference in page and "Piraeus port" in page
    detail = client.get(reverse("portal:triage-report", args=[report.pk]))
    assert detail.status_code == 200
    assert "A girl in a red coat" in detail.content.decode()
    viewed = AuditEvent.objects.filter(action="portal.report_viewed", object_id=str(report.pk))
    staged = StagedRead.objects.filter(action="portal.report_viewed", object_id=str(report.pk))
    assert viewed.exists() or staged.exists()
    photo = client.get(reverse("portal:triage-photo", args=[report.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"PhoneMaker" not in photo.content


def test_a_supervisor_marks_a_report_triaged(client, region, report):
    supervisor = region.users[RoleCode.SUPERVISOR]
    response = signed_in(client, supervisor).post(
        reverse("portal:triage-decide", args=[report.pk]), {"note": "Passed to the police"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.TRIAGED and report.triaged_by == supervisor
    assert AuditEvent.objects.filter(action="portal.report_triaged").exists()
    # It leaves the queue of new reports.
    assert report.reference not in client.get(reverse("portal:triage")).content.decode()


def test_the_alert_authority_reads_the_sighting_but_does_not_triage_it(client, region, report):
    police = region.users[RoleCode.ALERT_AUTHORITY]
    signed_in(client, police)
    assert client.get(reverse("portal:triage-report", args=[report.pk])).status_code == 200
    response = client.post(reverse("portal:triage-decide", args=[report.pk]), {"note": "x"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW


def test_an_operator_has_no_triage_queue(client, region, report):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    assert signed_in(client, operator).get(reverse("portal:triage")).status_code == 403


def test_another_countrys_centre_finds_nothing(client, region, report):
    signed_in(client, region.foreign_manager)
    assert report.reference not in client.get(reverse("portal:triage")).content.decode()
    assert client.get(reverse("portal:triage-report", args=[report.pk])).status_code == 404
    assert client.get(reverse("portal:triage-photo", args=[report.pk])).status_code == 404


def test_the_public_is_sent_to_sign_in(client, report):
    response = client.get(reverse("portal:triage-report", args=[report.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_sighting_is_recorded_on_the_alerts_case_when_triaged(client, region, report):
    manager = region.users[RoleCode.CASE_MANAGER]
    response = signed_in(client, manager).post(
        reverse("portal:triage-decide", args=[report.pk]),
        {"note": "Credible; police told", "add_to_case": "on"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    sighting = report.case_sighting
    assert sighting.case == report.alert.case
    assert sighting.place == "Piraeus port" and sighting.description == "A girl in a red coat"
    assert sighting.reported_by == f"Public report {report.reference}"
    assert sighting.recorded_by == manager


def test_a_suspicion_offers_no_case_to_record_on(client, region):
    suspicion = services.submit_report(
        kind="suspicion", country_id="GR", what_was_seen="Begging at night", place="Omonia"
    ).report
    page = signed_in(client, region.users[RoleCode.SUPERVISOR]).get(
        reverse("portal:triage-report", args=[suspicion.pk])
    )
    assert "add_to_case" not in page.content.decode()
