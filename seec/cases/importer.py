"""Moving a centre's cases from its spreadsheets into the platform.

Every row is validated first; a file with errors imports nothing unless the caller asks to
skip the bad rows. Rows whose external reference the organisation already holds are left as
they are, so the same file can be imported again safely. The valid rows are written in
batches: numbers allocated per batch, search keys and audit events written in bulk.
"""

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zipfile import BadZipFile

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.policy import Capability

from .models import FOUND_OUTCOMES, Case, CaseNumberSequence, Outcome, Status
from .name_index import attach_search_names
from .rows import CaseRowReader
from .services import CaseAction

BATCH = 2000
REQUIRED = ["external_reference", "given_names", "category", "last_seen_at", "last_seen_place"]
CASE_COLUMNS = [
    "given_names", "family_name", "names_latin", "other_names", "sex", "date_of_birth",
    "age_estimate", "nationality", "languages", "address", "school", "height_cm", "build", "hair",
    "eyes", "distinguishing_marks", "clothing", "medical_needs", "medication", "category",
    "subcategory", "last_seen_at", "last_seen_place", "last_seen_lat", "last_seen_lon",
    "circumstances", "may_cross_border", "heading_to",
]  # fmt: skip
HISTORY_COLUMNS = ["external_reference", "opened_at", "found_at", "found_how", "outcome",
                   "closed_at"]  # fmt: skip
COLUMNS = CASE_COLUMNS + HISTORY_COLUMNS


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self):
        return _("line %(line)d, %(field)s: %(message)s") % {
            "line": self.line, "field": self.field, "message": self.message
        }  # fmt: skip


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    errors: list[RowError] = field(default_factory=list)
    sha256: str = ""


def read_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, row) for each data row of a CSV (UTF-8, comma or semicolon) or XLSX."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        yield from _read_xlsx(path)
    elif path.suffix.lower() in {".csv", ".txt"}:
        yield from _read_csv(path)
    else:
        raise ImportFileError(_("Give a .csv or an .xlsx file."))


def _read_csv(path: Path) -> Iterator[tuple[int, dict]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not in UTF-8 (first wrong byte on line %(line)d). Save it from your "
                "spreadsheet as “CSV UTF-8” and try again."
            )
            % {"line": line}
        ) from error
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    _check_header(reader.fieldnames or [])
    for row in reader:
        yield reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k}


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, [])]
    _check_header(header)
    for number, values in enumerate(rows, start=2):
        if not any(value not in (None, "") for value in values):
            continue
        yield (
            number,
            {name: _cell_text(value) for name, value in zip(header, values, strict=False) if name},
        )
    workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _check_header(header: list[str]) -> None:
    header = [name.strip() for name in header if name]
    if not header:
        raise ImportFileError(_("The file has no header row."))
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    problems = []
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
    if problems:
        raise ImportFileError("; ".join(problems))


def validate_row(line: int, row: dict, reader: CaseRowReader) -> tuple[dict | None, list[RowError]]:
    """The row as case fields (by attribute name), or its errors by column."""
    values, problems = reader.read(row)
    if not problems:
        problems = history_problems(values)
    if problems:
        return None, [RowError(line, field, message) for field, message in problems.items()]
    return values, []


def history_problems(values: dict) -> dict[str, str]:
    """What the case's past says must hang together: found with a state, closed with a date."""
    problems = {}
    found, outcome = values.get("found_at"), values.get("outcome", "")
    if found and outcome not in FOUND_OUTCOMES:
        problems["outcome"] = _("Say whether the child was found safe, harmed or deceased.")
    if outcome in FOUND_OUTCOMES and not found:
        problems["found_at"] = _("Say when the child was found.")
    if outcome == Outcome.CLOSED_OTHER and not values.get("closed_at"):
        problems["closed_at"] = _("A case closed for another reason needs its date.")
    now = timezone.now()
    for name in ("opened_at", "found_at", "closed_at"):
        if values.get(name) and values[name] > now:
            problems[name] = _("This time is in the future.")
    return problems


def import_cases(
    path: Path,
    *,
    origin: Origin,
    skip_errors: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate the whole file, then import it (or nothing, if it has errors and
    `skip_errors` is off). Returns what happened."""
    user = origin.actor
    if not policy.has(user, Capability.MANAGE_CASES) or user.organisation is None:
        raise PermissionDenied(_("Only a case manager imports cases."))
    organisation = user.organisation
    if organisation.country_id is None:
        raise PermissionDenied(_("Only a national organisation imports cases."))
    report = ImportReport(sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    valid: list[dict] = []
    seen_refs: set[str] = set()
    reader = None
    for line, row in read_rows(path):
        if reader is None:
            reader = CaseRowReader([name for name in COLUMNS if name in row])
        report.rows += 1
        parsed, errors = validate_row(line, row, reader)
        ref = row.get("external_reference", "")
        if ref and ref in seen_refs:
            errors.append(RowError(line, "external_reference", _("Repeated in this file.")))
        seen_refs.add(ref)
        if errors:
            report.errors += errors
            continue
        valid.append(parsed)
        if progress and report.rows % 1000 == 0:
            progress(1000)
    if report.errors and not skip_errors:
        return report
    existing = set(
        Case.objects.filter(
            organisation=organisation, external_reference__in=seen_refs
        ).values_list("external_reference", flat=True)
    )
    fresh = [row for row in valid if row["external_reference"] not in existing]
    report.already_present = len(valid) - len(fresh)
    for start in range(0, len(fresh), BATCH):
        batch = fresh[start : start + BATCH]
        _write_batch(batch, organisation, origin, report.sha256, path.name)
        report.imported += len(batch)
    return report


@transaction.atomic
def _write_batch(rows: list[dict], organisation, origin: Origin, sha256: str, filename: str):
    cases = []
    for values in rows:
        case = Case(
            organisation=organisation,
            country_id=organisation.country_id,
            opened_by=origin.actor,
            **values,
        )
        # A record from before the platform may lack the date it was reported: it is placed
        # where the child went missing.
        case.opened_at = values.get("opened_at") or case.last_seen_at
        if case.found_at:
            case.status = Status.FOUND
        if case.closed_at:
            case.status = Status.CLOSED
            case.outcome = case.outcome or Outcome.CLOSED_OTHER
        cases.append(case)
    _number(cases)
    attach_search_names(cases)
    Case.objects.bulk_create(cases, batch_size=500)
    audit.record_many(
        CaseAction.IMPORT,
        cases,
        origin=origin,
        details=lambda case: {
            "file": filename,
            "sha256": sha256,
            "external_reference": case.external_reference,
        },
    )


def _number(cases: list[Case]) -> None:
    """Allocate the batch's case numbers, a block per country and year."""
    by_year: dict[tuple[str, int], list[Case]] = {}
    for case in cases:
        by_year.setdefault((case.country_id, case.opened_at.year), []).append(case)
    for (country, year), group in by_year.items():
        sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(
            country_id=country, year=year
        )
        first = sequence.last + 1
        sequence.last += len(group)
        sequence.save(update_fields=["last"])
        for offset, case in enumerate(group):
            case.number = f"{country}-{year}-{first + offset:06d}"
