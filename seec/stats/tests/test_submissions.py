"""National submissions: the template, every kind of bad upload (refused with every problem
by sheet, row and column, nothing stored), the workflow to publication with disclosure
control, and corrections as new versions."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from seec.core.audit import Origin
from seec.core.models import AuditEvent, RoleCode
from seec.stats import services, spreadsheets
from seec.stats.models import FigureSet, Publication, PublishedFigure, SubmissionStatus
from seec.stats.periods import parse

pytestmark = pytest.mark.django_db

PERIOD = parse("2025")


def filled_values() -> dict:
    """Consistent trafficking figures: 40 victims, every breakdown adding up, some small."""
    v = {}

    def put(indicator, breakdown, parts: dict):
        for key, value in parts.items():
            v[(indicator, breakdown, key)] = value

    v[("TH01", "", "")] = 40
    put("TH01", "victim_status", {"identified": 30, "presumed": 10})
    put("TH01", "sex", {"female": 31, "male": 9, "unknown": 0})
    put("TH01", "age_group", {"0-5": 0, "6-11": 3, "12-14": 12, "15-17": 25, "unknown": 0})
    put("TH01", "citizenship", {"national": 28, "other_eu": 2, "non_eu": 10, "unknown": 0})
    put("TH01", "exploitation", {"sexual": 22, "labour": 6, "forced_begging": 7,
        "forced_criminality": 2, "forced_marriage": 3, "organ_removal": 0, "other": 0})  # fmt: skip
    put("TH01", "exploitation_country", {"reporting": 30, "other_eu": 4, "non_eu": 6, "unknown": 0})
    for code, total, female in (("TH02", 25, 8), ("TH03", 12, 3), ("TH04", 7, 2)):
        v[(code, "", "")] = total
        put(code, "sex", {"female": female, "male": total - female, "unknown": 0})
    return v


def workbook(values: dict, *, period=PERIOD, country="GR", edits=None) -> bytes:
    """The downloaded template, filled with `values`; `edits` {(indicator, breakdown, key):
    raw cell} put anything in a value cell."""
    book = load_workbook(io.BytesIO(spreadsheets.build_xlsx("trafficking", country, period)))
    sheet = book[spreadsheets.FIGURES]
    for row in sheet.iter_rows(min_row=2):
        cell = (row[0].value, row[2].value or "", row[3].value or "")
        row[5].value = (edits or {}).get(cell, values.get(cell))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def focal(region):
    return Origin(region.users[RoleCode.SUPERVISOR])


@pytest.fixture
def coordinator(region):
    return Origin(region.users[RoleCode.REGIONAL_COORDINATOR])


@pytest.fixture
def draft(focal):
    return services.start_submission(
        origin=focal, country="GR", family="trafficking", period="2025"
    )


def refused(draft, focal, content) -> list:
    sets, events = FigureSet.objects.count(), AuditEvent.objects.count()
    with pytest.raises(services.UploadRefused) as error:
        services.upload_figures(draft, origin=focal, content=content, filename="x.xlsx")
    assert FigureSet.objects.count() == sets and AuditEvent.objects.count() == events
    draft.refresh_from_db()
    assert draft.figure_set_id is None
    return error.value.problems


def test_a_consistent_template_is_read_whole(draft, focal):
    services.upload_figures(
        draft, origin=focal, content=workbook(filled_values()), filename="gr.xlsx"
    )
    stored = draft.figure_set.values()
    assert {cell: v for cell, v in stored.items() if v is not None} == filled_values()


def test_the_csv_template_is_read_as_the_xlsx_one(draft, focal):
    rows = list(
        csv.reader(io.StringIO(spreadsheets.build_csv("trafficking", "GR", PERIOD).decode()))
    )
    values = filled_values()
    for row in rows[1:]:
        row[-1] = values.get((row[4], row[6], row[7]), "")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    services.upload_figures(
        draft, origin=focal, content=buffer.getvalue().encode(), filename="gr.csv"
    )
    assert draft.figure_set.values()[("TH01", "sex", "female")] == 31


def test_three_errors_are_all_listed_by_sheet_row_and_column(draft, focal):
    content = workbook(
        filled_values(),
        edits={
            ("TH01", "sex", "male"): -9,  # negative
            ("TH02", "sex", "female"): "eight",  # text in a number cell
            ("TH04", "", ""): 9,  # total ≠ 2 + 5 + 0
        },
    )
    problems = refused(draft, focal, content)
    messages = [(p.sheet, p.column, p.message) for p in problems]
    assert all(p.sheet == "Figures" and p.column == "F" and p.row > 1 for p in problems), messages
    text = " ".join(p.message for p in problems)
    assert "negative" in text and "“eight” is not a number" in text and "not the sum" in text
    # The negative cell also leaves its totals unbalanced: reported, never hidden.
    assert len(problems) >= 3


def test_a_template_of_another_period_or_version_is_refused(draft, focal):
    problems = refused(draft, focal, workbook(filled_values(), period=parse("2024")))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("About", 4, "B")]
    book = load_workbook(io.BytesIO(workbook(filled_values())))
    book["About"]["B5"] = "0"
    buffer = io.BytesIO()
    book.save(buffer)
    problems = refused(draft, focal, buffer.getvalue())
    assert [(p.sheet, p.row, p.column) for p in problems] == [("About", 5, "B")]


def test_a_file_that_is_not_a_spreadsheet_is_refused(draft, focal):
    problems = refused(draft, focal, b"%PDF-1.7\x00\x01binary")
    assert len(problems) == 1 and "neither an XLSX workbook nor a CSV" in problems[0].message
    problems = refused(draft, focal, b"PK\x03\x04 not really a zip")
    assert problems


def test_category_counts_must_agree_with_sex_and_age_counts(draft, focal):
    values = filled_values()
    values[("TH01", "age_group", "15-17")] = 24  # one child counted under sex, not under age
    problems = refused(draft, focal, workbook(values))
    assert len(problems) == 1 and "Age group" in problems[0].message


def test_a_jump_against_last_year_must_be_confirmed(region, draft, focal, coordinator):
    last_year = services.start_submission(
        origin=focal, country="GR", family="trafficking", period="2024"
    )
    old = filled_values() | {
        ("TH02", "", ""): 5,
        ("TH02", "sex", "female"): 2,
        ("TH02", "sex", "male"): 3,
    }
    services.upload_figures(
        last_year, origin=focal, content=workbook(old, period=parse("2024")), filename="a"
    )
    services.submit(last_year, origin=focal)
    services.validate_submission(last_year, origin=coordinator)
    services.publish_submission(last_year, origin=coordinator)
    services.upload_figures(draft, origin=focal, content=workbook(filled_values()), filename="b")
    assert [w["indicator"] for w in draft.warnings] == ["TH02"]
    with pytest.raises(ValidationError):
        services.submit(draft, origin=focal)
    services.submit(draft, origin=focal, confirm_jumps=True)
    assert draft.status == SubmissionStatus.SUBMITTED and draft.jumps_confirmed


def test_the_workflow_ends_in_a_suppressed_publication_and_corrections_are_versions(
    region, draft, focal, coordinator
):
    services.upload_figures(draft, origin=focal, content=workbook(filled_values()), filename="x")
    with pytest.raises(PermissionDenied):
        services.validate_submission(draft, origin=focal)  # nobody validates their own
    services.submit(draft, origin=focal)
    with pytest.raises(PermissionDenied):
        services.validate_submission(draft, origin=Origin(region.users[RoleCode.ANALYST]))
    services.validate_submission(draft, origin=coordinator)
    first = services.publish_submission(draft, origin=coordinator)
    published = {(f.indicator_id, f.breakdown, f.key): f for f in first.figures.all()}
    # Small cells withheld, zeros shown, and a lone withheld cell's partner withheld too.
    assert published[("TH01", "citizenship", "other_eu")].value is None
    assert published[("TH01", "citizenship", "other_eu")].suppressed
    assert published[("TH01", "citizenship", "unknown")].value == 0
    assert published[("TH01", "", "")].value == 40
    # A published submission is not changed: a correction is a new version.
    with pytest.raises(ValidationError):
        services.upload_figures(
            draft, origin=focal, content=workbook(filled_values()), filename="x"
        )
    again = services.start_submission(
        origin=focal, country="GR", family="trafficking", period="2025"
    )
    assert again.version == 2
    corrected = filled_values() | {("TH04", "", ""): 8, ("TH04", "sex", "male"): 6}
    services.upload_figures(again, origin=focal, content=workbook(corrected), filename="y")
    services.submit(again, origin=focal)
    services.validate_submission(again, origin=coordinator)
    second = services.publish_submission(again, origin=coordinator)
    first.refresh_from_db()
    draft.refresh_from_db()
    assert first.superseded_by == second and draft.status == SubmissionStatus.SUPERSEDED
    assert Publication.objects.filter(superseded_by__isnull=True).count() == 1
    assert PublishedFigure.objects.filter(publication=first).count() > 0  # kept, not rewritten
    assert AuditEvent.objects.filter(action="stats.published").count() == 2
