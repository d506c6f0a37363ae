"""The printable A4 poster of a live alert: the photo, every text of the alert in its
language, its validity, the numbers to call, and a QR code to the alert's public page.

Drawn with ReportLab (no system libraries); the QR code comes from segno and is drawn as
vector squares, so it stays sharp at any print size. DejaVu covers Greek and Cyrillic."""

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from seec.cases import files
from seec.core.languages import LANGUAGES
from seec.core.zones import country_zone

RED = colors.HexColor("#b00020")
QR_SIDE = 55 * mm
PHOTO_BOX = (80 * mm, 95 * mm)


@cache
def _fonts() -> None:
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("DejaVu", str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(fonts / "DejaVuSans-Bold.ttf")))


def _styles(many: bool) -> dict[str, ParagraphStyle]:
    body = 9 if many else 11
    return {
        "banner": ParagraphStyle(
            "banner", fontName="DejaVu-Bold", fontSize=26, leading=30, textColor=colors.white
        ),
        "headline": ParagraphStyle(
            "headline", fontName="DejaVu-Bold", fontSize=body + 3, leading=body + 6, spaceAfter=2
        ),
        "body": ParagraphStyle("body", fontName="DejaVu", fontSize=body, leading=body * 1.3),
        "strong": ParagraphStyle(
            "strong", fontName="DejaVu-Bold", fontSize=body, leading=body * 1.3, spaceAfter=6
        ),
        "small": ParagraphStyle("small", fontName="DejaVu", fontSize=8, leading=10),
        "call": ParagraphStyle(
            "call", fontName="DejaVu-Bold", fontSize=16, leading=20, textColor=RED
        ),
    }


def qr_drawing(url: str, side: float = QR_SIDE) -> Drawing:
    """The QR code of `url` as vector squares (with its quiet zone)."""
    qr = segno.make(url, error="m", micro=False)
    rows = list(qr.matrix_iter(scale=1, border=4))
    module = side / len(rows)
    drawing = Drawing(side, side)
    drawing.add(Rect(0, 0, side, side, fillColor=colors.white, strokeColor=None))
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                drawing.add(
                    Rect(
                        x * module,
                        side - (y + 1) * module,
                        module,
                        module,
                        fillColor=colors.black,
                        strokeColor=None,
                        strokeWidth=0,
                    )
                )
    return drawing


def _photo(alert):
    if alert.photo is None:
        return Paragraph("", _styles(False)["small"])
    content = files.load(alert.case_id, alert.photo.storage_name)
    width, height = alert.photo.width or 3, alert.photo.height or 4
    scale = min(PHOTO_BOX[0] / width, PHOTO_BOX[1] / height)
    return Image(io.BytesIO(content), width=width * scale, height=height * scale)


def render(alert, page_url: str, police_number: str = "112") -> bytes:
    """The poster as PDF bytes. `page_url` is the alert's absolute public address (the QR)."""
    _fonts()
    order = alert.language_list
    texts = sorted(
        alert.texts.all(),
        key=lambda t: order.index(t.language) if t.language in order else len(order),
    )
    style = _styles(many=len(texts) > 2)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=texts[0].headline if texts else alert.reference,
        author="SEEC Platform",
        subject=page_url,
    )
    width = A4[0] - 30 * mm
    story = []
    rows = [[Paragraph(escape(_("CHILD ALERT")), style["banner"])]]
    if alert.cap_status != "Actual":
        rows.append([Paragraph(escape(_("EXERCISE — this is not a real alert.")), style["call"])])
    head = Table(rows, colWidths=[width])
    head.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, 0), RED),
                ("BACKGROUND", (0, 1), (-1, -1), colors.HexColor("#fff3d6")),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story += [head, Spacer(1, 6 * mm)]
    zone = country_zone(alert.country_id)
    until = date_format(timezone.localtime(alert.expires_at, zone), "DATETIME_FORMAT")
    side = [
        qr_drawing(page_url),
        Spacer(1, 2 * mm),
        Paragraph(escape(page_url), style["small"]),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(_("Valid until %(time)s (%(zone)s)") % {"time": until, "zone": zone}),
            style["small"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(_("Seen this child? Call %(police)s or 116 000.") % {"police": police_number}),
            style["call"],
        ),
    ]
    top = Table([[_photo(alert), side]], colWidths=[PHOTO_BOX[0] + 6 * mm, None])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [top, Spacer(1, 6 * mm)]
    for text in texts:
        name = LANGUAGES.get(text.language, ("", "", text.language))[2]
        story += [
            Paragraph(escape(name), style["small"]),
            Paragraph(escape(text.headline), style["headline"]),
            Paragraph(escape(text.description), style["body"]),
            Paragraph(escape(text.instruction), style["strong"]),
        ]
    story.append(
        Paragraph(escape(_("Alert %(reference)s") % {"reference": alert.reference}), style["small"])
    )
    doc.build(story)
    return out.getvalue()
