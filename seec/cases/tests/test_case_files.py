"""Photos and documents: real content checked, metadata stripped, encrypted, served by policy."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from seec.cases import files, services
from seec.cases.models import CaseFile
from seec.cases.services import CaseAction
from seec.core.audit import Origin, chain_staged_reads
from seec.core.models import AuditEvent, RoleCode


def a_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (37.0, 58.0, 30.0), 3: "E", 4: (23.0, 43.0, 40.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(open_case):
    return open_case()


def upload(content: bytes, name="photo.jpg"):
    return SimpleUploadedFile(name, content)


def test_photo_is_stripped_of_metadata_and_encrypted_at_rest(case, operator):
    original = photo_with_gps()
    assert b"PhoneMaker" in original
    case_file = services.add_file(
        case, origin=Origin(operator), upload=upload(original), kind="photo"
    )
    with default_storage.open(f"{files.FOLDER}/{case_file.storage_name}", "rb") as handle:
        stored = handle.read()
    assert b"JFIF" not in stored and b"PhoneMaker" not in stored  # ciphertext only
    clean = files.load(case.pk, case_file.storage_name)
    reopened = Image.open(io.BytesIO(clean))
    assert reopened.format == "JPEG" and reopened.size == (64, 48)
    assert not reopened.getexif()
    assert b"PhoneMaker" not in clean
    assert AuditEvent.objects.filter(action=CaseAction.FILE_ADD, object_id=str(case.pk)).exists()


def test_blob_moved_to_another_case_does_not_decrypt(case, operator, open_case):
    from cryptography.exceptions import InvalidTag

    case_file = services.add_file(
        case, origin=Origin(operator), upload=upload(photo_with_gps()), kind="photo"
    )
    other = open_case(given_names="Ана")
    with pytest.raises(InvalidTag):
        files.load(other.pk, case_file.storage_name)


@pytest.mark.parametrize(
    ("content", "kind", "field"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 500, "photo", "file"),  # an executable named .jpg
        (b"%PDF-1.7 but called a photo", "photo", "file"),
        (photo_with_gps(), "document", "file"),  # a photo is not a PDF document
        (b"plain text", "x-unknown", "kind"),
    ],
)
def test_wrong_content_is_refused_and_nothing_is_stored(case, operator, content, kind, field):
    with pytest.raises(ValidationError) as error:
        services.add_file(case, origin=Origin(operator), upload=upload(content), kind=kind)
    assert field in error.value.message_dict
    assert not CaseFile.objects.exists()


def test_oversized_upload_is_refused(case, operator, settings):
    settings.SEEC_MAX_PHOTO_BYTES = 1024
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"\x00" * 4096)
    with pytest.raises(ValidationError, match="larger than"):
        services.add_file(case, origin=Origin(operator), upload=big, kind="photo")


def test_file_is_served_to_the_owner_audited_and_hidden_from_others(case, operator, region, client):
    case_file = services.add_file(
        case, origin=Origin(operator), upload=upload(photo_with_gps()), kind="photo"
    )
    client.force_login(operator)
    response = client.get(f"/cases/files/{case_file.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    chain_staged_reads()  # what the worker does within seconds of the read
    assert AuditEvent.objects.filter(action=CaseAction.FILE_VIEW, actor=operator).exists()

    client.force_login(region.foreign_manager)
    assert client.get(f"/cases/files/{case_file.pk}/").status_code == 404
    client.force_login(region.users[RoleCode.ALERT_AUTHORITY])
    assert client.get(f"/cases/files/{case_file.pk}/").status_code == 404
    client.force_login(region.users[RoleCode.ANALYST])
    assert client.get(f"/cases/files/{case_file.pk}/").status_code == 403


def test_upload_through_the_page_and_the_api(case, operator, client):
    from rest_framework.test import APIClient

    client.force_login(operator)
    response = client.post(
        f"/cases/{case.pk}/files/",
        {"kind": "photo", "file": upload(photo_with_gps()), "description": "School photo"},
    )
    assert response.status_code == 302
    api = APIClient()
    api.force_authenticate(operator)
    response = api.post(
        f"/api/cases/{case.pk}/files/",
        {"kind": "document", "file": upload(a_pdf(), "report.pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    content = api.get(f"/api/case-files/{response.json()['id']}/content/")
    assert content.status_code == 200 and content.content.startswith(b"%PDF-")
    bad = api.post(
        f"/api/cases/{case.pk}/files/",
        {"kind": "photo", "file": upload(b"MZ" + b"\x00" * 100, "virus.jpg")},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()["errors"]
