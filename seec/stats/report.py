"""The annual regional report, "Missing children and child trafficking in South-East Europe:
figures and trends", as a PDF (reportlab): charts, tables, definitions and the data's
coverage, from the same tables as the dashboard."""

import io
from collections.abc import Callable
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from seec.core.models import Country

from . import catalogue, compute, suppression, tables
from .catalogue import Family
from .models import Submission, SubmissionStatus
from .periods import years
from .selectors import RegionFigures, submitted_sets

WIDTH = A4[0] - 36 * mm


def region_figures(year: int, family: str, first_year: int) -> RegionFigures:
    """Every country of the region, no user in between: the report is the regional centre's
    own publication of aggregates (a management command, run by its staff)."""
    countries = list(
        Country.objects.filter(in_region=True).order_by("name").values_list("code", flat=True)
    )
    periods = years(first_year, year)
    figures = RegionFigures(countries=countries, periods=periods)
    for key, item in compute.compute_family(family, countries, periods).items():
        figures.values[key], figures.sources[key] = item["values"], "platform"
    for key, figure_set in submitted_sets(countries, [p.code for p in periods], family).items():
        figures.values[key], figures.sources[key] = figure_set.values(), "submission"
    return suppression.disclose(figures, suppression.threshold())


def _styles():
    styles = getSampleStyleSheet()
    # DejaVu ships with matplotlib and covers Greek and Cyrillic, which Helvetica does not.
    from pathlib import Path

    import matplotlib
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("DejaVu", str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(fonts / "DejaVuSans-Bold.ttf")))
    for style in styles.byName.values():
        style.fontName = (
            "DejaVu-Bold" if "Heading" in style.name or style.name == "Title" else "DejaVu"
        )
    styles.add(ParagraphStyle("Small", parent=styles["Normal"], fontSize=8, leading=10))
    return styles


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return escape(str(value))


CELL_PADDING = 3  # points left and right in each cell (reportlab's 6 leaves too little room)
HEADING_SIZES = (8, 7.5, 7, 6.5, 6, 5.5)


def _longest_word(text: str, size: float, font: str = "DejaVu-Bold") -> float:
    return max((pdfmetrics.stringWidth(word, font, size) for word in str(text).split()), default=0)


def column_widths(columns: list[str], values: list[list[str]]) -> tuple[list[float], float]:
    """Widths in which no heading breaks inside a word, and the headings' font size: each
    column at least as wide as its longest heading word and its widest value, the rest of the
    page shared out; the headings' type made smaller until the words fit the page."""
    for size in HEADING_SIZES:
        least = [
            2 * CELL_PADDING
            + max(
                _longest_word(column, size),
                max((_longest_word(v, 8, "DejaVu") for v in vals), default=0),
            )
            for column, vals in zip(columns, values, strict=True)
        ]
        if sum(least) <= WIDTH:
            break
    spare = (WIDTH - sum(least)) / len(least)
    return [w + max(spare, 0) for w in least], size


def _table(table: tables.Table, styles) -> Table:
    small = styles["Small"]
    texts = [[_cell(v) for v in row] for row in table.rows]
    widths, size = column_widths(
        [str(c) for c in table.columns], [list(col) for col in zip(*texts, strict=True)]
        if texts else [[] for _ in table.columns],
    )  # fmt: skip
    # Headings wrap between words only, never inside one ("Prosecu-tions").
    heading = ParagraphStyle(
        "TableHeading", parent=small, fontName="DejaVu-Bold", fontSize=size,
        leading=size + 2, splitLongWords=0,
    )  # fmt: skip
    data = [[Paragraph(escape(str(c)), heading) for c in table.columns]]
    for row in texts:
        data.append([Paragraph(v, small) for v in row])
    flowable = Table(data, colWidths=widths, repeatRows=1)
    flowable.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b7c3")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f9fb")]),
            ]
        )
    )
    return flowable


def _chart(table: tables.Table):
    png = tables.chart_of(table, "png")
    if not png:
        return None
    from reportlab.lib.utils import ImageReader

    reader = ImageReader(io.BytesIO(png))
    width, height = reader.getSize()
    return Image(io.BytesIO(png), width=WIDTH, height=WIDTH * height / width)


def build(year: int, progress: Callable[[str], None] = lambda step: None) -> bytes:
    styles = _styles()
    first_year = year - 4
    story = []
    progress(_("figures"))
    missing = region_figures(year, Family.MISSING, first_year)
    trafficking = region_figures(year, Family.TRAFFICKING, first_year)
    title = _("Missing children and child trafficking in South-East Europe")
    story += [
        Spacer(1, 40 * mm),
        Paragraph(title, styles["Title"]),
        Paragraph(_("Figures and trends, %(year)s") % {"year": year}, styles["Heading2"]),
        Spacer(1, 10 * mm),
        Paragraph(
            _(
                "Southeastern European Center for Missing and Exploited Children (SEEC). "
                "Figures of the 116 000 hotlines of the region, counted by the SEEC Platform "
                "from the hotlines' cases and contacts under common definitions, and national "
                "returns on child trafficking validated by the regional centre. Aggregates "
                "only: no child can be recognised from them."
            ),
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            _("Produced on %(date)s.") % {"date": timezone.localdate().isoformat()}, styles["Small"]
        ),
        PageBreak(),
    ]
    sections = [
        (_("Trends"), tables.trend(missing), _("New cases per year in each country.")),
        (
            _("Categories by country"),
            tables.by_country(missing, "MC02", "category"),
            _("New cases of the year by Missing Children Europe's five categories."),
        ),
        (
            _("Outcomes"),
            tables.distribution(missing, "outcomes", "MC05", "outcome"),
            _("The situation at the end of each year of the cases handled in it."),
        ),
        (
            _("Time missing"),
            tables.distribution(missing, "time_missing", "MC07", "time_missing"),
            _("How long the children found in each year had been missing."),
        ),
        (
            _("The region's countries"),
            tables.countries_overview(missing),
            _("The year's main figures of each country."),
        ),
        (_("Child trafficking"), tables.trafficking(trafficking), ""),
    ]
    for heading, table, text in sections:
        progress(str(heading))
        story.append(Paragraph(str(heading), styles["Heading1"]))
        if text:
            story.append(Paragraph(str(text), styles["Normal"]))
        chart = _chart(table)
        if chart is not None:
            story += [chart, Spacer(1, 3 * mm)]
        story += [_table(table, styles), Spacer(1, 4 * mm)]
        if table.full_note:
            story.append(Paragraph(escape(table.full_note), styles["Small"]))
        story.append(PageBreak())
    progress(_("definitions"))
    story.append(Paragraph(_("Definitions"), styles["Heading1"]))
    for indicator in catalogue.INDICATORS:
        story.append(Paragraph(f"<b>{indicator.code} — {indicator.name}</b>", styles["Normal"]))
        story.append(Paragraph(str(indicator.definition), styles["Small"]))
        story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(_("Coverage"), styles["Heading1"]))
    story.append(_table(coverage(year), styles))
    document = io.BytesIO()
    progress(_("layout"))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("DejaVu", 7)
        canvas.drawString(18 * mm, 10 * mm, f"{title} — {year}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    SimpleDocTemplate(
        document,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{title} {year}",
        author="SEEC",
    ).build(story, onFirstPage=footer, onLaterPages=footer)
    return document.getvalue()


def coverage(year: int) -> tables.Table:
    """Where each country's figures for the year come from."""
    from seec.cases.models import Case

    table = tables.Table(
        "coverage",
        _("Coverage"),
        [_("Country"), _("Cases in the platform"), _("Missing children"), _("Child trafficking")],
    )
    start, end = years(year, year)[0].start, years(year, year)[0].end
    for country in Country.objects.filter(in_region=True).order_by("name"):
        cases = Case.objects.filter(
            country=country, opened_at__gte=start, opened_at__lt=end
        ).count()
        returned = {
            s.family
            for s in Submission.objects.filter(
                country=country,
                period=str(year),
                status__in=[SubmissionStatus.VALIDATED, SubmissionStatus.PUBLISHED],
            )
        }
        table.rows.append(
            [
                str(country),
                cases,
                _("national submission")
                if Family.MISSING in returned
                else (_("platform") if cases else _("no data")),
                _("national submission") if Family.TRAFFICKING in returned else _("no data"),
            ]
        )
    return table
