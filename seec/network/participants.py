"""Reading a training's participants from a CSV (UTF-8) or XLSX file, every cell checked.

Columns (header names, any order, case-insensitive): name, organisation, sector, country,
and optionally email, pre_test, post_test, completed. A sector is its code or its English
name; a country its ISO code; scores 0–100; completed yes/no (or 1/0, true/false).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from seec.core import yes_no
from seec.core.models import Country

from .models import Sector

REQUIRED = ("name", "organisation", "sector", "country")
OPTIONAL = ("email", "pre_test", "post_test", "completed")
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024


def _table(upload) -> list[list[str]]:
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    if raw.startswith(b"PK"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ValidationError(_("This is not a spreadsheet the platform can read.")) from error
        return [
            ["" if v is None else str(v).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("Save the CSV file as UTF-8.")) from error
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def parse_participants(upload) -> tuple[list[dict], list[str]]:
    """(rows ready for Participant, problems); the rows count only when there is no problem."""
    try:
        table = _table(upload)
    except ValidationError as error:
        return [], error.messages
    table = [row for row in table if any(row)]
    if len(table) < 2:
        return [], [_("The file needs a header row and at least one participant.")]
    header = [h.lower().replace("-", "_").replace(" ", "_") for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [_("Missing columns: %(cols)s") % {"cols": ", ".join(missing)}]
    if len(table) - 1 > MAX_ROWS:
        return [], [_("At most %(n)d participants a file.") % {"n": MAX_ROWS}]
    countries = {c.code: c for c in Country.objects.all()}
    sectors = {s.value: s.value for s in Sector} | {str(s.label).lower(): s.value for s in Sector}
    rows, errors = [], []
    for line, cells in enumerate(table[1:], start=2):
        cell = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
        row, problems = {}, []

        def fail(column, message, problems=problems, line=line):
            problems.append(f"{_('row')} {line}, {column}: {message}")

        for column in ("name", "organisation"):
            value = cell.get(column, "")
            if not value:
                fail(column, _("required"))
            elif len(value) > 200:
                fail(column, _("at most 200 characters"))
        row["name"], row["organisation_name"] = cell["name"], cell["organisation"]
        sector = sectors.get(cell["sector"].lower())
        if sector is None:
            fail("sector", _("unknown sector “%(v)s”") % {"v": cell["sector"]})
        row["sector"] = sector
        country = countries.get(cell["country"].upper())
        if country is None:
            fail("country", _("unknown country code “%(v)s”") % {"v": cell["country"]})
        row["country"] = country
        email = cell.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("email", _("not an e-mail address"))
        row["email"] = email
        for column in ("pre_test", "post_test"):
            value = cell.get(column, "")
            try:
                score = Decimal(value.replace(",", ".")) if value else None
            except InvalidOperation:
                score = Decimal(-1)
            if score is not None and not 0 <= score <= 100:
                fail(column, _("a score from 0 to 100"))
            row[column] = score
        completed = yes_no.read(cell.get("completed", ""))
        if completed is None:
            fail("completed", _("yes or no"))
        row["completed"] = bool(completed)
        errors += problems
        rows.append(row)
    return (rows, []) if not errors else ([], errors)
