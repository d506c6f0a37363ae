"""Published missing children: only with consent and police approval recorded, for a set
period, with a reviewed text and an allow-list of facts; the page and photo go at once when
the child is found; sightings about them reach the case's centre."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.cases.tests.test_case_files import photo_with_gps
from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode
from seec.portal import services
from seec.portal.models import PublicReport

from .conftest import solved_proof

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def missing_case(region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    return case_services.open_case(
        origin=Origin(operator),
        fields=case_fields(
            given_names="Ελένη",
            family_name="Παπαδοπούλου",
            clothing="Blue school jacket",
            circumstances="Custody dispute between the parents",
        ),
    )


def publish(case, user, **overrides):
    fields = {
        "public_text": "Eleni may be in Thessaloniki. She likes the harbour.",
        "guardian_consent": "Mother, in writing",
        "consent_on": TODAY,
        "police_approval": "Hellenic Police, Athens missing persons unit, 4411/2026",
        "approved_on": TODAY,
        "days": 30,
        **overrides,
    }
    return services.publish_child(case, origin=Origin(user), **fields)


def test_a_published_child_shows_only_the_allowed_facts(client, region, missing_case):
    publication = publish(missing_case, region.users[RoleCode.CASE_MANAGER])
    response = client.get(reverse("portal:missing", args=[publication.slug]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Ελένη" in page and "Blue school jacket" in page and "Thessaloniki" in page
    assert "Novi Sad, bus station" in page
    # Never the family name, the circumstances (custody), the case number.
    assert "Παπαδοπούλου" not in page
    assert "Custody" not in page
    assert missing_case.number not in page
    assert publication.slug in client.get(reverse("portal:home")).content.decode()
    assert AuditEvent.objects.filter(action="portal.child_published").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("guardian_consent", " "), ("police_approval", ""), ("public_text", ""), ("days", 91)],
)
def test_no_publication_without_consent_approval_text_and_a_period(region, missing_case, field,
                                                                    value):  # fmt: skip
    with pytest.raises(ValidationError) as refusal:
        publish(missing_case, region.users[RoleCode.CASE_MANAGER], **{field: value})
    assert field in refusal.value.message_dict
    assert not missing_case.publications.exists()


def test_only_the_cases_managers_publish(region, missing_case):
    with pytest.raises(PermissionDenied):
        publish(missing_case, region.users[RoleCode.HOTLINE_OPERATOR])
    with pytest.raises(PermissionDenied):
        publish(missing_case, region.foreign_manager)


def test_the_page_and_photo_go_at_once_when_the_child_is_found(client, region, missing_case):
    manager = region.users[RoleCode.CASE_MANAGER]
    photo = case_services.add_file(
        missing_case,
        origin=Origin(manager),
        upload=SimpleUploadedFile("p.jpg", photo_with_gps()),
        kind="photo",
    )
    publication = publish(missing_case, manager, photo=photo)
    photo_url = reverse("portal:missing-photo", args=[publication.slug])
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert b"PhoneMaker" not in response.content

    case_services.mark_found(
        missing_case,
        origin=Origin(manager),
        found_at=timezone.now(),
        found_how="by_police",
        outcome="found_safe",
    )
    page = client.get(reverse("portal:missing", args=[publication.slug]))
    assert page.status_code == 410
    assert "This page has been removed" in page.content.decode()
    assert client.get(photo_url).status_code == 410
    assert publication.slug not in client.get(reverse("portal:home")).content.decode()
    assert AuditEvent.objects.filter(action="portal.child_withdrawn").exists()


def test_a_publication_ends_with_its_period(client, region, missing_case):
    publication = publish(missing_case, region.users[RoleCode.CASE_MANAGER], days=1)
    type(publication).objects.filter(pk=publication.pk).update(
        published_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(reverse("portal:missing", args=[publication.slug])).status_code == 410


def test_a_manager_publishes_and_withdraws_from_the_case(client, region, missing_case):
    manager = region.users[RoleCode.CASE_MANAGER]
    client.force_login(manager)
    case_page = client.get(reverse("cases:detail", args=[missing_case.pk])).content.decode()
    assert reverse("portal:publish", args=[missing_case.pk]) in case_page
    response = client.post(
        reverse("portal:publish", args=[missing_case.pk]),
        {
            "public_text": "Eleni may be in Thessaloniki.",
            "guardian_consent": "Father, by telephone, recorded",
            "consent_on": "2026-12-01",
            "police_approval": "Hellenic Police 4411/2026",
            "approved_on": "2026-12-01",
            "days": "14",
        },
    )
    publication = missing_case.publications.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:missing", args=[publication.slug])
    client.post(reverse("portal:withdraw", args=[publication.pk]), {"reason": "Family asked"})
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None and not publication.is_live


def test_a_sighting_of_a_published_child_reaches_the_cases_centre(client, region, missing_case):
    publication = publish(missing_case, region.users[RoleCode.CASE_MANAGER])
    form = client.get(reverse("portal:report"), {"child": publication.slug}).content.decode()
    assert f'<option value="{publication.slug}" selected>' in form
    response = client.post(
        reverse("portal:report"),
        {
            "kind": "sighting",
            "child": publication.slug,
            "what_was_seen": "A girl like her at the harbour",
            "place": "Thessaloniki, harbour",
            **solved_proof(),
        },
    )
    assert response.status_code == 201
    report = PublicReport.objects.get()
    assert report.published_child == publication
    assert report.organisation == missing_case.organisation
