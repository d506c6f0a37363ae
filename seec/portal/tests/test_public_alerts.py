"""The public site's alert pages: only live alerts, their texts, photo and validity; an ended
alert says so with 410; the A4 poster carries a QR code to the alert's page; every page is
served with a Content-Security-Policy and holds no inline script or style."""

import html
import io
import re

import pypdfium2
import pytest
import segno
from django.urls import reverse

from seec.alerts import services as alert_services
from seec.core.audit import Origin
from seec.portal import poster
from seec.portal.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


def test_home_lists_a_live_alert_with_its_photo_and_text(client, live_alert):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    languages = {text.language: text for text in live_alert.texts.all()}
    # The visitor's language first where the alert has it; the others linked.
    shown = languages.get("en") or next(iter(languages.values()))
    assert shown.headline in page
    assert reverse("alerts:photo", args=[live_alert.reference]) in page
    assert reverse("portal:poster", args=[live_alert.reference]) in page
    assert f"?alert={live_alert.reference}" in page


def test_home_does_not_list_a_requested_alert(client, case, manager):
    from seec.alerts.tests.conftest import AREA, all_met

    requested = alert_services.request_alert(
        case, origin=Origin(manager), answers=all_met(), **AREA
    )
    page = client.get(reverse("portal:home")).content.decode()
    assert requested.reference not in page
    assert "There is no active child alert." in page


def test_alert_page_shows_every_text_in_its_language_and_the_validity(client, live_alert):
    response = client.get(reverse("portal:alert", args=[live_alert.reference]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    for text in live_alert.texts.all():
        assert f'lang="{text.language}"' in page
        assert text.instruction in page
    assert "Valid until" in page
    assert live_alert.expires_at.astimezone().strftime("%Y") in page
    assert "Europe/Athens" in page
    # The link to share is the alert's absolute public address; no third-party share button.
    assert f"http://127.0.0.1:8000/portal/alerts/{live_alert.reference}/" in page
    assert "facebook" not in page.lower() and "twitter" not in page.lower()


def test_a_cancelled_alert_says_it_has_ended_with_410(client, live_alert, police):
    alert_services.cancel_alert(live_alert, origin=Origin(police), reason="Found safe")
    for name in ("portal:alert", "portal:poster"):
        response = client.get(reverse(name, args=[live_alert.reference]))
        assert response.status_code == 410
        assert "This alert has ended" in response.content.decode()
    assert live_alert.reference not in client.get(reverse("portal:home")).content.decode()


def test_an_alert_never_issued_is_not_found(client, case, manager):
    from seec.alerts.tests.conftest import AREA, all_met

    requested = alert_services.request_alert(
        case, origin=Origin(manager), answers=all_met(), **AREA
    )
    assert client.get(reverse("portal:alert", args=[requested.reference])).status_code == 404
    assert client.get(reverse("portal:alert", args=["NO-SUCH"])).status_code == 404


def test_the_poster_is_an_a4_pdf_with_the_texts_and_the_pages_address(client, live_alert):
    response = client.get(reverse("portal:poster", args=[live_alert.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(io.BytesIO(response.content))
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    url = f"http://127.0.0.1:8000/portal/alerts/{live_alert.reference}/"
    assert url in text.replace("\r", "").replace("\n", "")
    for alert_text in live_alert.texts.all():
        assert alert_text.headline.split()[0] in text
    # The photo is on it.
    assert any(obj.type == 3 for obj in pdf[0].get_objects())  # FPDF_PAGEOBJ_IMAGE


def test_the_posters_qr_code_encodes_the_alerts_page(live_alert):
    url = f"http://127.0.0.1:8000/portal/alerts/{live_alert.reference}/"
    drawing = poster.qr_drawing(url)
    expected = segno.make(url, error="m", micro=False)
    dark = sum(sum(1 for cell in row if cell) for row in expected.matrix)
    # One square per dark module, plus the white background.
    assert len(drawing.contents) == dark + 1


@pytest.mark.parametrize(
    "name",
    ["portal:home", "portal:hotlines", "portal:report", "portal:report-add", "portal:about"],
)
def test_public_pages_have_a_strict_csp_and_no_inline_script_or_style(client, name, live_alert):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    page = response.content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert re.search(r"\son[a-z]+=", page) is None
    assert re.search(r"\sstyle=", page) is None
    assert "<style" not in page
    # Nothing from another origin.
    assert re.search(r'(src|href)="https?://(?!127\.0\.0\.1:8000)', page) is None


def test_the_alert_page_has_no_inline_script_either(client, live_alert):
    page = client.get(reverse("portal:alert", args=[live_alert.reference])).content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert re.search(r"\son[a-z]+=", page) is None


def test_an_updated_alert_gets_a_new_poster(client, live_alert, police):
    url = reverse("portal:poster", args=[live_alert.reference])
    before = client.get(url).content
    assert client.get(url).content == before  # drawn once, served from the cache
    texts = {
        text.language: {
            "headline": text.headline + (" UPDATED" if text.language == "en" else ""),
            "description": text.description,
            "instruction": text.instruction,
        }
        for text in live_alert.texts.all()
    }  # fmt: skip
    alert_services.update_alert(live_alert, origin=Origin(police), texts=texts, reason="New")
    pdf = pypdfium2.PdfDocument(io.BytesIO(client.get(url).content))
    assert "UPDATED" in pdf[0].get_textpage().get_text_range()


def test_the_alert_page_draws_the_area_on_the_platforms_own_map(client, live_alert):
    from seec.network.regionmap import to_map

    page = client.get(reverse("portal:alert", args=[live_alert.reference])).content.decode()
    svg = re.search(r'<svg[^>]*class="area-map".*?</svg>', page, re.S).group(0)
    assert "Area of the alert: Attica" in svg
    points = re.search(r'<polygon points="([^"]+)" class="map-area"/>', svg).group(1)
    corners = [tuple(map(float, p.split(","))) for p in points.split()]
    athens = to_map(23.73, 37.98)
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert min(xs) <= athens[0] <= max(xs) and min(ys) <= athens[1] <= max(ys)
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # no tile, no fetch


def test_a_circle_area_is_drawn_as_a_circle(client, live_alert):
    from seec.alerts.models import Alert

    Alert.objects.filter(pk=live_alert.pk).update(area_polygon=[], area_circle=[44.8, 20.5, 15])
    page = client.get(reverse("portal:alert", args=[live_alert.reference])).content.decode()
    assert re.search(r'<circle cx="[\d.]+" cy="[\d.]+" r="[\d.]+" class="map-area"/>', page)


def test_the_qr_code_printed_on_the_poster_is_the_alert_pages_address(client, live_alert):
    """Read back from the PDF itself: the dark squares drawn on the page, put on a grid, are
    exactly the modules of the QR code of the alert page's absolute address."""
    response = client.get(reverse("portal:poster", args=[live_alert.reference]))
    page = pypdfium2.PdfDocument(io.BytesIO(response.content))[0]
    url = f"http://127.0.0.1:8000/portal/alerts/{live_alert.reference}/"
    expected = segno.make(url, error="m", micro=False)
    size = len(list(expected.matrix))
    module = poster.QR_SIDE / (size + 8)  # four modules of quiet zone each side
    squares = [
        (left, top)
        for obj in page.get_objects()
        if obj.type == 2  # a path
        for left, bottom, right, top in [obj.get_bounds()]
        if abs(right - left - module) < 0.01 and abs(top - bottom - module) < 0.01
    ]
    # The top-left finder pattern puts a dark module at row 0, column 0.
    x0, y0 = min(x for x, _ in squares), max(y for _, y in squares)
    drawn = {(round((y0 - y) / module), round((x - x0) / module)) for x, y in squares}
    dark = {(r, c) for r, row in enumerate(expected.matrix) for c, cell in enumerate(row) if cell}
    assert drawn == dark
