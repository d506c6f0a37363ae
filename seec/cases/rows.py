"""Reading one spreadsheet row into case fields, fast: an import checks a hundred thousand rows,
so each field is parsed by a small function made once from the model field, not by a form
built per row. The messages are the same that the forms give.
"""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from seec.core import yes_no
from seec.core.bulk import InstanceMaker
from seec.core.models import Country

from .models import Case

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M")


class FieldError(Exception):
    pass


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in DATE_FORMATS[1:]:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise FieldError(_("Enter a date as YYYY-MM-DD."))


def _datetime(text: str, zone) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
        for pattern in DATETIME_FORMATS:
            try:
                value = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        if value is None:
            try:
                value = datetime.combine(_date(text), datetime.min.time())
            except FieldError:
                raise FieldError(_("Enter a date and time as YYYY-MM-DDTHH:MM.")) from None
    if value.utcoffset() is None:
        value = timezone.make_aware(value, zone)
    return value


def parser_for(field: models.Field, countries: frozenset[str]) -> Callable[[str], object]:
    """A function from a cell's text to the field's value, raising FieldError."""
    empty = None if field.null else ""

    def required_or_empty():
        if not field.blank:
            raise FieldError(_("This field is required."))
        return empty

    if isinstance(field, models.ForeignKey) and field.related_model is Country:

        def parse(text):
            if not text:
                return required_or_empty()
            code = text.upper()
            if code not in countries:
                raise FieldError(_("Unknown country code: %(code)s") % {"code": text})
            return code

        return parse
    if field.choices:
        allowed = {str(value) for value, _label in field.flatchoices}

        def parse(text):
            if not text:
                return required_or_empty()
            if text not in allowed:
                raise FieldError(
                    _("Unknown value %(value)s; one of: %(allowed)s")
                    % {"value": text, "allowed": ", ".join(sorted(allowed))}
                )
            return text

        return parse
    if isinstance(field, models.DateTimeField):
        # The zone read once: a hundred thousand rows are read in one request or command.
        zone = timezone.get_current_timezone()
        return lambda text: _datetime(text, zone) if text else required_or_empty()
    if isinstance(field, models.DateField):
        return lambda text: _date(text) if text else required_or_empty()
    if isinstance(field, models.BooleanField):

        def parse(text):
            answer = yes_no.read(text)
            if answer is None:
                raise FieldError(_("Enter yes or no."))
            return answer

        return parse
    if isinstance(field, models.PositiveSmallIntegerField | models.PositiveIntegerField):

        def parse(text):
            if not text:
                return required_or_empty()
            if not text.isdigit():
                raise FieldError(_("Enter a whole number."))
            value = int(text)
            for check in field.validators:  # the field's bounds (a child's height, say)
                try:
                    check(value)
                except ValidationError as error:
                    raise FieldError(" ".join(error.messages)) from None
            return value

        return parse
    if isinstance(field, models.DecimalField):

        def parse(text):
            if not text:
                return required_or_empty()
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise FieldError(_("Enter a number.")) from None
            return round(value, field.decimal_places)

        return parse

    def parse(text):
        if not text:
            return required_or_empty()
        if field.max_length and len(text) > field.max_length:
            raise FieldError(
                _("At most %(max)d characters (it has %(length)d).")
                % {"max": field.max_length, "length": len(text)}
            )
        return text

    return parse


class CaseRowReader:
    """Turns rows into case fields: each column parsed, then the case's own rules (clean)."""

    def __init__(self, columns: list[str]):
        countries = frozenset(Country.objects.values_list("code", flat=True))
        self.columns = columns
        self.make_case = InstanceMaker(Case)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.parsers = {}
        for name in columns:
            field = Case._meta.get_field(name)
            key = field.attname if isinstance(field, models.ForeignKey) else name
            self.parsers[name] = (key, parser_for(field, countries))

    def read(self, row: dict) -> tuple[Case | None, dict[str, str]]:
        """(the unsaved case the row describes, or None; errors by column)."""
        values, errors = {}, {}
        for name, (key, parse) in self.parsers.items():
            try:
                values[key] = parse(row.get(name) or "")  # the readers strip cells
            except FieldError as error:
                errors[name] = str(error)
        if errors:
            return None, errors
        # Not the reading's clock: a row without the date it was reported gets one on import.
        values.setdefault("opened_at", None)
        case = self.make_case(values)
        try:
            case.clean(now=self.now, today=self.today)
        except ValidationError as error:
            errors.update({field: " ".join(msgs) for field, msgs in error.message_dict.items()})
        return case, errors
