"""Uploads that outside testers broke (issue 16): a picture of 100 megapixels in a 12 KB file
refused before decoding; PDFs cleaned of scripts, actions, attachments and metadata, or
refused; and the optional virus scan through a ClamAV daemon."""

import io
import socket

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from seec.cases import files, services
from seec.cases.models import CaseFile
from seec.core.audit import Origin
from seec.core.tests.fake_clamd import EICAR, SIGNATURE, FakeClamd


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def case(open_case):
    return open_case()


def add(case, operator, content: bytes, kind: str, name="file"):
    upload = SimpleUploadedFile(name, content)
    return services.add_file(case, origin=Origin(operator), upload=upload, kind=kind)


def huge_png(side: int = 10_000) -> bytes:
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def test_a_100_megapixel_png_is_refused_before_decoding(case, operator, monkeypatch):
    bomb = huge_png()
    assert len(bomb) < 20_000  # a small file ...

    def decoded(self):
        raise AssertionError("the picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decoded)
    with pytest.raises(ValidationError, match="too many pixels"):
        add(case, operator, bomb, "photo")
    # Under Pillow's own limit, the platform's: read from the header, still not decoded.
    with pytest.raises(ValidationError, match="7000 × 7000 pixels: at most 40 megapixels"):
        add(case, operator, huge_png(7000), "photo")
    assert not CaseFile.objects.exists()


def test_pillows_bomb_warning_refuses_too(case, operator, settings, monkeypatch):
    # Were the platform's own limit set higher, Pillow's warning (between its limit and twice
    # it) is taken as the refusal it should be.
    settings.SEEC_MAX_PHOTO_PIXELS = 500_000_000
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 60_000_000)
    with pytest.raises(ValidationError, match="too many pixels"):
        add(case, operator, huge_png(), "photo")


def test_an_ordinary_photo_is_taken(case, operator):
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), "teal").save(out, format="JPEG")
    assert add(case, operator, out.getvalue(), "photo").width == 1200


def active_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    script = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')"))
    )
    pdf.Root.OpenAction = script
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("run"), script])),
        EmbeddedFiles=pikepdf.Dictionary(
            Names=pikepdf.Array(
                [
                    pikepdf.String("payload.exe"),
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Filespec,
                        F=pikepdf.String("payload.exe"),
                        EF=pikepdf.Dictionary(F=pdf.make_stream(b"MZ\x90\x00")),
                    ),
                ]
            )
        ),
    )
    launch = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=pikepdf.Array([0, 0, 100, 100]),
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")),
    )
    attachment = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.FileAttachment,
        Rect=pikepdf.Array([0, 0, 10, 10]),
        FS=pikepdf.Dictionary(F=pikepdf.String("a.js")),
    )
    page = pdf.pages[0]
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([launch, attachment]))
    page.obj.AA = pikepdf.Dictionary(O=script)
    pdf.docinfo["/Author"] = "Officer Private Name"
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = ["Officer Private Name"]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_pdf_is_stored_without_scripts_actions_attachments_or_metadata(case, operator):
    raw = active_pdf()
    assert b"/JavaScript" in raw and b"Officer Private Name" in raw
    case_file = add(case, operator, raw, "document", "report.pdf")
    stored = files.load(case.pk, case_file.storage_name)
    for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/OpenAction", b"/AA", b"/EmbeddedFile",
                   b"/FileAttachment", b"Officer Private Name", b"/Metadata"):  # fmt: skip
        assert marker not in stored, marker
    with pikepdf.open(io.BytesIO(stored)) as clean:
        assert len(clean.pages) == 1
        assert "/Author" not in clean.docinfo


def test_a_locked_or_broken_pdf_is_refused(case, operator):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(ValidationError, match="locked with a password"):
        add(case, operator, out.getvalue(), "document")
    with pytest.raises(ValidationError, match="cannot be read"):
        add(case, operator, b"%PDF-1.7\n" + b"\x00garbage" * 50, "document")
    assert not CaseFile.objects.exists()


@pytest.fixture
def clamd(settings):
    with FakeClamd() as daemon:
        settings.SEEC_CLAMD_HOST = "127.0.0.1"
        settings.SEEC_CLAMD_PORT = daemon.port
        yield daemon


def test_the_virus_scanner_refuses_what_it_finds(case, operator, clamd):
    with pytest.raises(ValidationError, match=SIGNATURE):
        add(case, operator, b"%PDF-1.4\n" + EICAR, "document")
    assert clamd.received == [b"%PDF-1.4\n" + EICAR]
    assert not CaseFile.objects.exists()


def test_a_clean_file_passes_the_scanner_in_chunks(case, operator, clamd):
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "navy").save(out, format="PNG")  # bigger than one chunk
    photo = out.getvalue() + b"\x00" * 70_000
    add(case, operator, out.getvalue(), "photo")
    assert clamd.received == [out.getvalue()]
    assert len(photo) > 64 * 1024


def test_an_unreachable_scanner_refuses_the_upload(case, operator, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.SEEC_CLAMD_HOST, settings.SEEC_CLAMD_PORT = "127.0.0.1", port
    with pytest.raises(ValidationError, match="could not be checked for viruses"):
        add(case, operator, b"%PDF-1.4\n", "document")
