"""Reading a partner's list as uploaded: a CSV in UTF-8 or an XLSX workbook, a header row and
at least one row under it.

The file is refused as a whole, with every problem named, when it is neither format, when a
CSV is not UTF-8 (an older Cyrillic or Greek code page decodes into plausible nonsense, so it
is never guessed at), when it is empty or has a header row only. A refused file leaves
nothing behind. What is read is a `Table`: the column headers and each row with the number
it has in the file (the header is row 1), the same numbers the problems name.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
OLD_EXCEL = b"\xd0\xcf\x11\xe0"  # the compound file of an .xls workbook
# Files that are plainly something else: PDF, PNG, JPEG, GIF, gzip.
OTHER_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")
DELIMITERS = ",;\t"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an upload: where (row number in the file, column header; 0 and
    "" for the file as a whole) and what, in the reader's language."""

    row: int
    column: str
    message: str

    def __str__(self):
        where = []
        if self.row:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class FileRefused(Exception):
    """The upload with every problem that refuses it."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass
class Table:
    """The header and the rows (row number, {header: cell}) of an uploaded list. A cell is
    text, or in a workbook a number or a date as the spreadsheet typed it."""

    kind: str  # "csv" or "xlsx"
    columns: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)

    def sample(self, count: int = 5) -> list[tuple[int, list]]:
        return [(number, [row.get(c, "") for c in self.columns]) for number, row in self.rows][
            :count
        ]


def read_table(content: bytes, filename: str = "") -> Table:
    """The table of a CSV or XLSX upload, or `FileRefused` with every problem found."""
    if not content:
        raise FileRefused([Problem(0, "", _("The file is empty."))])
    if len(content) > MAX_BYTES:
        raise FileRefused(
            [Problem(0, "", _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES >> 20})]
        )
    if content[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(content)):
        table = _read_xlsx(content)
    elif content[:4] == OLD_EXCEL:
        raise FileRefused(
            [
                Problem(
                    0,
                    "",
                    _(
                        "This is an old Excel workbook (.xls). Save it as an Excel workbook "
                        "(.xlsx) or as “CSV UTF-8” and upload it again."
                    ),
                )
            ]
        )
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused([Problem(0, "", _("This is not a readable XLSX workbook."))])
    else:
        table = _read_csv(content)
    _check_table(table)
    return table


def _read_xlsx(content: bytes) -> Table:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows_in = sheet.iter_rows(values_only=True)
        header_cells = next(rows_in, None)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileRefused([Problem(0, "", _("This is not a readable XLSX workbook."))]) from None
    problems: list[Problem] = []
    columns = _header([_cell_text(c) for c in (header_cells or [])], problems)
    rows = []
    try:
        for number, cells in enumerate(rows_in, start=2):
            values = {name: _cell(cells[i]) for i, name in columns.items() if i < len(cells)}
            row = {name: value for name, value in values.items() if value != ""}
            if row:
                rows.append((number, row))
            if len(rows) > MAX_ROWS:
                break
    except Exception:
        raise FileRefused([Problem(0, "", _("This is not a readable XLSX workbook."))]) from None
    finally:
        book.close()
    if problems:
        raise FileRefused(problems)
    return Table("xlsx", list(columns.values()), rows)


def _cell(value):
    """A workbook's cell: its date or number as such, text stripped, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date | int | float) and not isinstance(value, bool):
        return value
    return str(value).strip()


def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def _read_csv(content: bytes) -> Table:
    if content.startswith(UTF16_BOMS):
        raise FileRefused(
            [
                Problem(
                    0,
                    "",
                    _(
                        "The file is written in UTF-16 (“Unicode text”). Save it as “CSV UTF-8” "
                        "and upload it again."
                    ),
                )
            ]
        )
    if content.startswith(OTHER_SIGNATURES) or b"\x00" in content[:8192]:
        raise FileRefused([Problem(0, "", _("This is neither a CSV file nor an XLSX workbook."))])
    raw = content.removeprefix(UTF8_BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FileRefused(
            [
                Problem(
                    line,
                    "",
                    _(
                        "The file is not in UTF-8: this row has bytes that are not UTF-8 (the "
                        "file may have been saved as Windows-1251, Windows-1253 or another "
                        "older code page). Nothing is guessed: save it as “CSV UTF-8” and "
                        "upload it again."
                    ),
                )
            ]
        ) from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = max(DELIMITERS, key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[Problem] = []
    try:
        header = next(reader, None)
        columns = _header([c.strip() for c in header or []], problems)
        rows = []
        number = 1
        for values in reader:
            number = reader.line_num
            row = {
                name: values[index].strip()
                for index, name in columns.items()
                if index < len(values) and values[index].strip()
            }
            if row:
                rows.append((number, row))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as error:
        raise FileRefused(
            [
                Problem(
                    reader.line_num,
                    "",
                    _("This row cannot be read as CSV (%(error)s).") % {"error": error},
                )
            ]
        ) from None
    if problems:
        raise FileRefused(problems)
    return Table("csv", list(columns.values()), rows)


def _header(cells: list[str], problems: list[Problem]) -> dict[int, str]:
    """{column index: header} of the named columns; two columns of one name are a problem."""
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, name in enumerate(cells[: MAX_COLUMNS + 1]):
        if not name:
            continue  # an unnamed column cannot be mapped: it is left out
        if name.casefold() in seen:
            problems.append(
                Problem(
                    1,
                    name,
                    _("Two columns have this header (%(first)s and %(second)s): rename one.")
                    % {
                        "first": get_column_letter(seen[name.casefold()] + 1),
                        "second": get_column_letter(index + 1),
                    },
                )
            )
            continue
        seen[name.casefold()] = index
        columns[index] = name
    if len(cells) > MAX_COLUMNS:
        problems.append(Problem(1, "", _("More than %(count)d columns.") % {"count": MAX_COLUMNS}))
    return columns


def _check_table(table: Table) -> None:
    if not table.columns:
        raise FileRefused(
            [Problem(1, "", _("The first row must name the columns, and it is empty."))]
        )
    if not table.rows:
        raise FileRefused(
            [
                Problem(
                    0,
                    "",
                    _("The file has a header row only: there is no row of a child under it."),
                )
            ]
        )
    if len(table.rows) > MAX_ROWS:
        raise FileRefused(
            [
                Problem(
                    0,
                    "",
                    _("The file has more than %(count)d rows: split it.") % {"count": MAX_ROWS},
                )
            ]
        )
