"""The network's documents as PDF (reportlab): a monthly review and the annual evaluation of
an action plan, and training certificates. Made from the data each time they are asked for."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from . import models as m

WIDTH = A4[0] - 36 * mm


@cache
def _fonts() -> None:
    # DejaVu ships with matplotlib and covers Greek and Cyrillic, which Helvetica does not.
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("DejaVu", str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(fonts / "DejaVuSans-Bold.ttf")))


def styles():
    _fonts()
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        bold = "Heading" in style.name or style.name == "Title"
        style.fontName = "DejaVu-Bold" if bold else "DejaVu"
    sheet.add(ParagraphStyle("Small", parent=sheet["Normal"], fontSize=8, leading=10))
    return sheet


def text(value) -> str:
    """Plain text made safe for a reportlab paragraph, line breaks kept."""
    return escape(str(value or "")).replace("\n", "<br/>")


def table(rows: list[list], widths: list[float], sheet) -> Table:
    small = sheet["Small"]
    data = [[Paragraph(f"<b>{text(c)}</b>", small) for c in rows[0]]]
    data += [[Paragraph(text(c), small) for c in row] for row in rows[1:]]
    flowable = Table(data, colWidths=widths, repeatRows=1)
    flowable.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b7c3")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return flowable


def _build(story, *, title: str, pagesize=A4) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        title=title,
        author="SEEC",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    document.build(story)
    return out.getvalue()


def _sections(pairs, sheet) -> list:
    story = []
    for heading, body in pairs:
        if body:
            story += [
                Paragraph(text(heading), sheet["Heading2"]),
                Paragraph(text(body), sheet["Normal"]),
            ]
    return story


def _indicator_rows(plan: m.ActionPlan) -> list[list]:
    rows = [
        [
            _("Activity"),
            _("Indicator"),
            _("Baseline"),
            _("Target"),
            pgettext("logical framework: the value reached", "Actual"),
        ]
    ]
    for indicator in m.PlanIndicator.objects.filter(activity__plan=plan).select_related("activity"):
        rows.append(
            [
                indicator.activity.number,
                f"{indicator.text} ({indicator.unit})" if indicator.unit else indicator.text,
                indicator.baseline.normalize(),
                indicator.target.normalize(),
                "—" if indicator.actual is None else indicator.actual.normalize(),
            ]
        )
    return rows


def review_pdf(review: m.MonthlyReview) -> bytes:
    sheet = styles()
    plan = review.plan
    title = _("Monthly review: %(plan)s, %(month)s") % {
        "plan": plan.title,
        "month": review.month.strftime("%Y-%m"),
    }
    story = [
        Paragraph(text(title), sheet["Title"]),
        Paragraph(
            text(
                _("Held on %(day)s by %(who)s.")
                % {
                    "day": review.held_on.isoformat(),
                    "who": review.reviewed_by.get_full_name() or review.reviewed_by.username,
                }
            ),
            sheet["Normal"],
        ),
        Spacer(1, 4 * mm),
    ]
    story += _sections(
        [
            (_("Summary"), review.summary),
            (_("Issues"), review.issues),
            (_("Decisions"), review.decisions),
        ],
        sheet,
    )
    rows = [[_("Activity"), _("Status"), _("Progress"), _("Note")]]
    for row in review.progress.select_related("activity").order_by("activity__pk"):
        rows.append(
            [
                f"{row.activity.number} {row.activity.title}",
                row.get_status_display(),
                f"{row.progress} %",
                row.note,
            ]
        )
    story += [
        Paragraph(text(_("Activities")), sheet["Heading2"]),
        table(rows, [70 * mm, 28 * mm, 18 * mm, WIDTH - 116 * mm], sheet),
        Paragraph(text(_("Indicators")), sheet["Heading2"]),
        table(_indicator_rows(plan), [18 * mm, 86 * mm, 22 * mm, 22 * mm, WIDTH - 148 * mm], sheet),
        Spacer(1, 4 * mm),
        Paragraph(
            text(
                _("Produced from the SEEC Platform on %(day)s.")
                % {"day": timezone.localdate().isoformat()}
            ),
            sheet["Small"],
        ),
    ]
    return _build(story, title=title)


def evaluation_pdf(plan: m.ActionPlan) -> bytes:
    """The annual evaluation: each planned activity's rating, its last reported progress, the
    indicators against their targets, the lessons and recommendations."""
    evaluation = plan.evaluation
    sheet = styles()
    title = _("Evaluation of the %(plan)s") % {"plan": plan.title}
    story = [
        Paragraph(text(title), sheet["Title"]),
        Paragraph(
            text(_("Evaluated on %(day)s.") % {"day": evaluation.evaluated_on.isoformat()}),
            sheet["Normal"],
        ),
        Spacer(1, 4 * mm),
    ]
    ratings = {r.activity_id: r for r in evaluation.ratings.all()}
    counts = dict.fromkeys(m.Rating.values, 0)
    for rating in ratings.values():
        counts[rating.rating] += 1
    reviews = plan.reviews.count()
    story.append(
        Paragraph(
            text(
                ", ".join(f"{m.Rating(k).label}: {v}" for k, v in counts.items())
                + " — "
                + ngettext("%(n)d monthly review held.", "%(n)d monthly reviews held.", reviews)
                % {"n": reviews}
            ),
            sheet["Normal"],
        )
    )
    story += _sections([(_("Summary"), evaluation.summary)], sheet)
    for objective in plan.objectives.all():
        story.append(Paragraph(text(f"{objective.number}. {objective.text}"), sheet["Heading3"]))
        rows = [[_("Activity"), _("Last status"), _("Rating"), _("Comment")]]
        for activity in objective.activities.order_by("pk"):
            rating = ratings.get(activity.pk)
            rows.append(
                [
                    f"{activity.number} {activity.title}",
                    f"{activity.get_status_display()} ({activity.progress} %)",
                    rating.get_rating_display() if rating else "—",
                    rating.comment if rating else "",
                ]
            )
        if len(rows) > 1:
            story.append(table(rows, [72 * mm, 30 * mm, 26 * mm, WIDTH - 128 * mm], sheet))
    story += [
        Paragraph(text(_("Indicators")), sheet["Heading2"]),
        table(_indicator_rows(plan), [18 * mm, 86 * mm, 22 * mm, 22 * mm, WIDTH - 148 * mm], sheet),
    ]
    story += _sections(
        [
            (_("Lessons learnt"), evaluation.lessons),
            (_("Recommendations for next year"), evaluation.recommendations),
        ],
        sheet,
    )
    return _build(story, title=title)


def certificates_pdf(activity: m.Activity, participants) -> bytes:
    """One page per participant who holds a certificate number."""
    sheet = styles()
    centred = ParagraphStyle(
        "Centred", parent=sheet["Normal"], alignment=1, fontSize=12, leading=16
    )
    statement = ParagraphStyle("Statement", parent=centred, leading=36)
    story = []
    kind = activity.get_kind_display()

    def issued(participant) -> str:
        return timezone.localtime(participant.certificate_issued_at).date().isoformat()

    period = (
        activity.starts_on.isoformat()
        if activity.starts_on == activity.ends_on
        else f"{activity.starts_on.isoformat()} – {activity.ends_on.isoformat()}"
    )
    for participant in participants:
        if not participant.certificate_number:
            continue
        if story:
            story.append(PageBreak())
        story += [
            Spacer(1, 18 * mm),
            Paragraph(text(_("Certificate of completion")), sheet["Title"]),
            # One sentence for the translators, the name and the title set large within it.
            Paragraph(
                text(
                    _(
                        "This is to certify that %(name)s of %(organisation)s has taken part in "
                        "and completed (%(kind)s): %(title)s"
                    )
                    if participant.organisation_name
                    else _(
                        "This is to certify that %(name)s has taken part in and completed "
                        "(%(kind)s): %(title)s"
                    )
                )
                % {
                    "name": f'<br/><font size="26">{text(participant.name)}</font><br/>',
                    "organisation": text(participant.organisation_name),
                    "kind": text(kind),
                    "title": f"<br/><b>{text(activity.title)}</b>",
                },
                statement,
            ),
            Paragraph(text(", ".join(p for p in (activity.place, period) if p)), centred),
            Spacer(1, 14 * mm),
            Paragraph(
                text(_("Southeastern European Center for Missing and Exploited Children (SEEC)")),
                centred,
            ),
            Spacer(1, 4 * mm),
            Paragraph(
                text(_("Certificate No. %(n)s, issued on %(day)s")
                     % {"n": participant.certificate_number, "day": issued(participant)}),
                sheet["Small"],
            ),
        ]  # fmt: skip
    title = _("Certificates: %(title)s") % {"title": activity.title}
    return _build(story, title=title, pagesize=landscape(A4))
