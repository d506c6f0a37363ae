"""National submission templates (XLSX and CSV) and the reading and checking of a filled one.

A template names what it is for — family, country, period, template version — and lists one
row per cell of every indicator of the family: the total first, then each breakdown's
categories. Reading a filled template checks every cell and every sum, and lists every
problem by sheet, row and column; only a file without problems gives figures.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from . import catalogue
from .periods import Period
from .suppression import lines_of

ABOUT, FIGURES = "About", "Figures"
CSV_SHEET = "CSV"
HEADER = ["indicator", "indicator_name", "breakdown", "category", "category_label", "value"]
VALUE_COLUMN = HEADER.index("value") + 1  # F
CSV_META = ["family", "country", "period", "template_version"]
MAX_BYTES = 5 * 1024 * 1024
# The change against the same period a year before that asks the submitter to confirm.
JUMP_RATIO = 0.5
JUMP_MINIMUM = 10  # below this on both sides a change says nothing


@dataclass(frozen=True, order=True)
class Problem:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self):
        where = f"{self.sheet}, {_('row')} {self.row}" if self.row else self.sheet
        if self.column:
            where += f", {_('column')} {self.column}"
        return f"{where}: {self.message}"


def template_rows(family: str, period: Period) -> list[tuple]:
    rows = []
    for indicator in catalogue.indicators_of(family):
        if period.type not in indicator.period_types:
            continue
        for breakdown, key in catalogue.cells_of(indicator):
            rows.append(
                (
                    indicator.code,
                    str(indicator.name),
                    breakdown,
                    key,
                    str(catalogue.category_label(breakdown, key)),
                )
            )
    return rows


def build_xlsx(family: str, country: str, period: Period) -> bytes:
    book = Workbook()
    about = book.active
    about.title = ABOUT
    about.append([_("SEEC Platform: national statistics template"), ""])
    about.append(["family", family])
    about.append(["country", country])
    about.append(["period", period.code])
    about.append(["template_version", catalogue.TEMPLATE_VERSION])
    about.append([])
    about.append(
        [
            _(
                "Fill the column “value” of the sheet “Figures” only; leave a cell empty if "
                "the figure is not available. Totals must equal the sum of each breakdown."
            )
        ]
    )
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 20
    sheet = book.create_sheet(FIGURES)
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row in template_rows(family, period):
        sheet.append([*row, None])
        sheet.cell(row=sheet.max_row, column=VALUE_COLUMN).fill = fill
        if not row[2]:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for index, width in enumerate([10, 40, 16, 24, 44, 12], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build_csv(family: str, country: str, period: Period) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_META + HEADER)
    for row in template_rows(family, period):
        writer.writerow([family, country, period.code, catalogue.TEMPLATE_VERSION, *row, ""])
    return buffer.getvalue().encode("utf-8")


class Sheet:
    """The rows of a filled template, whatever its format: ({column: value}, row number)."""

    def __init__(self, meta: dict, meta_places: dict, rows: list, name: str, columns: dict):
        self.meta, self.meta_places, self.rows, self.name, self.columns = (
            meta,
            meta_places,
            rows,
            name,
            columns,
        )


def _read_xlsx(content: bytes, problems: list) -> Sheet | None:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        problems.append(Problem(_("file"), 0, "", _("This is not a readable XLSX workbook.")))
        return None
    for needed in (ABOUT, FIGURES):
        if needed not in book.sheetnames:
            problems.append(
                Problem(needed, 0, "", _("The sheet is missing: use the template as downloaded."))
            )
    if problems:
        return None
    meta, places = {}, {}
    for number, row in enumerate(book[ABOUT].iter_rows(max_col=2, values_only=True), start=1):
        if row and row[0] in CSV_META:
            meta[row[0]] = "" if row[1] is None else str(row[1]).strip()
            places[row[0]] = (ABOUT, number, "B")
    rows = []
    sheet = book[FIGURES]
    header = None
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if header is None:
            header = [str(c).strip() if c is not None else "" for c in row]
            continue
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        rows.append((dict(zip(header, row, strict=False)), number))
    book.close()
    columns = {name: get_column_letter(i) for i, name in enumerate(header or [], start=1)}
    missing = [c for c in HEADER if c not in columns]
    if missing:
        problems.append(
            Problem(
                FIGURES, 1, "", _("Columns missing: %(names)s.") % {"names": ", ".join(missing)}
            )
        )
        return None
    return Sheet(meta, places, rows, FIGURES, columns)


def _read_csv(content: bytes, problems: list) -> Sheet | None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        problems.append(
            Problem(_("file"), 0, "", _("This is neither an XLSX workbook nor a CSV file."))
        )
        return None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or any(c not in header for c in CSV_META + HEADER):
        problems.append(
            Problem(
                CSV_SHEET,
                1,
                "",
                _(
                    "This is not a statistics template: its first line must name the "
                    "columns %(names)s."
                )
                % {"names": ", ".join(CSV_META + HEADER)},
            )
        )
        return None
    columns = {name: get_column_letter(i) for i, name in enumerate(header, start=1)}
    rows, meta, places = [], {}, {}
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        row = dict(zip(header, values, strict=False))
        rows.append((row, number))
        for key in CSV_META:
            value = (row.get(key) or "").strip()
            if key not in meta:
                meta[key], places[key] = value, (CSV_SHEET, number, columns[key])
            elif meta[key] != value:
                problems.append(
                    Problem(
                        CSV_SHEET,
                        number,
                        columns[key],
                        _("Every row must name the same %(what)s.") % {"what": key},
                    )
                )
    return Sheet(meta, places, rows, CSV_SHEET, columns)


def _number(value) -> tuple[int | None, str]:
    """A cell's count, or an error message. Empty: not available (None)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None, ""
    if isinstance(value, bool):
        return None, _("A number is needed here, not %(value)s.") % {"value": value}
    if isinstance(value, int | float):
        number = value
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        try:
            number = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return None, _("“%(value)s” is not a number.") % {"value": str(value)[:40]}
    if number != int(number):
        return None, _("A count is a whole number, not %(value)s.") % {"value": value}
    if number < 0:
        return None, _("A count cannot be negative (%(value)s).") % {"value": int(number)}
    return int(number), ""


def read_upload(
    content: bytes, *, family: str, country: str, period: Period
) -> tuple[dict, list[Problem]]:
    """The figures of a filled template for this family, country and period, and every
    problem found. Figures are only good if there is no problem."""
    problems: list[Problem] = []
    if len(content) > MAX_BYTES:
        return {}, [Problem(_("file"), 0, "", _("The file is larger than 5 MB."))]
    if content[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(content)):
        sheet = _read_xlsx(content, problems)
    else:
        sheet = _read_csv(content, problems)
    if sheet is None:
        return {}, sorted(problems)
    expected_meta = {
        "family": family,
        "country": country,
        "period": period.code,
        "template_version": catalogue.TEMPLATE_VERSION,
    }
    for key, wanted in expected_meta.items():
        found = sheet.meta.get(key, "")
        place = sheet.meta_places.get(key, (sheet.name, 0, ""))
        if found != wanted:
            problems.append(
                Problem(
                    *place,
                    _(
                        "This template is for %(what)s “%(found)s”, not “%(wanted)s”: download the "
                        "template for this submission."
                    )
                    % {"what": key, "found": found, "wanted": wanted},
                )
            )
    expected = {(r[0], r[2], r[3]) for r in template_rows(family, period)}
    values: dict = {}
    where: dict = {}
    col = sheet.columns
    for row, number in sheet.rows:
        cell = tuple(str(row.get(k) or "").strip() for k in ("indicator", "breakdown", "category"))
        if cell not in expected:
            problems.append(
                Problem(sheet.name, number, col["indicator"], _("This row is not in the template."))
            )
            continue
        if cell in values:
            problems.append(
                Problem(sheet.name, number, col["indicator"], _("This row appears twice."))
            )
            continue
        value, error = _number(row.get("value"))
        if error:
            problems.append(Problem(sheet.name, number, col["value"], error))
        values[cell] = value
        where[cell] = number
    for cell in sorted(expected - set(values)):
        problems.append(
            Problem(
                sheet.name, 0, "", _("The row %(cell)s is missing.") % {"cell": " / ".join(cell)}
            )
        )
    problems += check_sums(values, where, sheet.name, col["value"])
    return values, sorted(problems)


def check_sums(values: dict, where: dict, sheet: str, column: str) -> list[Problem]:
    """Totals equal the sum of each breakdown; a child counted under one breakdown is counted
    under every other; parts are not more than their wholes."""
    problems = []
    codes = {cell[0] for cell in values}
    for code in sorted(codes):
        for line in lines_of(catalogue.INDICATOR_BY_CODE[code]):
            total, parts = line[0], line[1:]
            if total not in values or any(p not in values for p in parts):
                continue
            known = [values[p] for p in parts if values[p] is not None]
            if known and values[total] is None:
                problems.append(
                    Problem(sheet, where[total], column, _("Give the total of its breakdown."))
                )
            elif values[total] is not None and len(known) == len(parts):
                if sum(known) != values[total]:
                    problems.append(
                        Problem(
                            sheet,
                            where[total],
                            column,
                            _("The total %(total)s is not the sum of “%(breakdown)s” (%(sum)s).")
                            % {
                                "total": values[total],
                                "breakdown": catalogue.breakdown_label(parts[0][1]),
                                "sum": sum(known),
                            },
                        )
                    )
            elif values[total] is not None and sum(known) > values[total]:
                problems.append(
                    Problem(
                        sheet,
                        where[total],
                        column,
                        _("The parts of “%(breakdown)s” add up to more than the total.")
                        % {"breakdown": catalogue.breakdown_label(parts[0][1])},
                    )
                )
    for part, whole in NOT_MORE_THAN:
        if (
            values.get(part) is not None
            and values.get(whole) is not None
            and values[part] > values[whole]
        ):
            problems.append(
                Problem(
                    sheet,
                    where[part],
                    column,
                    _("%(part)s cannot be more than %(whole)s (%(value)s).")
                    % {
                        "part": " / ".join(part),
                        "whole": " / ".join(whole),
                        "value": values[whole],
                    },
                )
            )
    return problems


# Cells that are a subset of another cell's children.
NOT_MORE_THAN = [
    *[
        (("MC04", "category", c), ("MC02", "category", c))
        for c in catalogue.BREAKDOWNS["category"].codes()
    ],
    (("MC09", "", ""), ("MC02", "", "")),
    (("MC08", "part", "after_public_alert"), ("MC08", "", "")),
    (("MC06", "found_how", "after_public_alert"), ("MC06", "", "")),
]


def jumps(values: dict, before: dict) -> list[dict]:
    """Totals that moved by more than half against the same period a year before."""
    flagged = []
    for cell, value in sorted(values.items()):
        if cell[1] or value is None or before.get(cell) is None:
            continue
        old = before[cell]
        if max(old, value) < JUMP_MINIMUM:
            continue
        change = (value - old) / old if old else 1.0
        if abs(change) > JUMP_RATIO:
            flagged.append(
                {"indicator": cell[0], "before": old, "now": value, "change": round(change, 3)}
            )
    return flagged
