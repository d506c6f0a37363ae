"""Dates and times as people of the region type them: a plain text field, day first and a
24-hour clock, read in the person's own time zone.

The browser's date/time pickers write month first with AM/PM in some set-ups, split the
value into segments that swallow keystrokes, and cannot take "19:30" for "today at 19:30".
This field is a text input with an example in the person's own format beside it, and it
reads what an operator types without thinking:

    1.12.2026 19:30     01.12.2026. 19:30     1. 12. 2026 19.30     01/12/2026 19:30
    2026-12-01 19:30    2026-12-01T19:30      1.12. 19:30 (this year)
    19:30 (today)       yesterday 19:30       today 8:05        now

The words ("today", "yesterday", "tomorrow", "now") are read in English and in the page's
language (its message catalogue gives them). What it cannot read, it says, naming the part:
a month 13, a 31 February, a time 25:10, or a time that the clocks skipped in spring.
An hour the clocks repeat in autumn is taken the first time (summer time).
"""

import re
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

_DATE_ISO = r"(?P<iy>\d{4})\s*-\s*(?P<im>\d{1,2})\s*-\s*(?P<id>\d{1,2})"
_DATE_DAY_FIRST = (
    r"(?P<d>\d{1,2})\s*(?P<sep>[./-])\s*(?P<m>\d{1,2})"
    # A year is not the hours of a time that follows ("1.12. 19:30" is 1 December at 19:30).
    r"(?:\s*(?P=sep)\s*(?P<y>\d{4}|\d{2})(?!\d|\s*[:h]|\.\d))?\s*\.?"
)
_TIME = r"(?P<h>\d{1,2})\s*(?P<tsep>[:.h])\s*(?P<min>\d{2})(?:\s*:\s*(?P<s>\d{2}))?"
_DATE = re.compile(rf"^(?:{_DATE_ISO}|{_DATE_DAY_FIRST})")
_TIME_ONLY = re.compile(rf"^{_TIME}$")
_BETWEEN = re.compile(r"^(?:\s*[,T]\s*|\s+)")


def _words(english: str, translated: str) -> set[str]:
    """The forms of a word: English, and the page language's (translators may give several,
    separated by |, e.g. "juče|jučer")."""
    return {english, *(w.strip().lower() for w in translated.split("|") if w.strip())}


def _day_words() -> dict[str, int]:
    """Typed words that name a day, as days from today."""
    out = {}
    for english, translated, offset in (
        # Translators: what an operator may type for "today" in a date field; several forms
        # may be given, separated by |.
        ("today", pgettext("typed date", "today"), 0),
        # Translators: "yesterday" as typed in a date field; several forms separated by |.
        ("yesterday", pgettext("typed date", "yesterday"), -1),
        # Translators: "tomorrow" as typed in a date field; several forms separated by |.
        ("tomorrow", pgettext("typed date", "tomorrow"), 1),
    ):
        for word in _words(english, translated):
            out[word] = offset
    return out


def _now_words() -> set[str]:
    # Translators: "now" as typed in a date and time field; several forms separated by |.
    return _words("now", pgettext("typed date", "now"))


def example(with_time: bool = True) -> str:
    """Today at 19:30 in the page language's own short format: the hint beside a field."""
    moment = timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0)
    if with_time:
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return formats.date_format(moment.date(), "SHORT_DATE_FORMAT")


def _bad(message: str) -> forms.ValidationError:
    return forms.ValidationError(message, code="invalid")


def _year(text: str | None, today: date) -> int:
    if text is None:
        return today.year
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _make_date(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise _bad(
            _("%(month)s is not a month (1–12). Write the day first, then the month: %(example)s.")
            % {"month": month, "example": example(with_time=False)}
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise _bad(
            _("There is no day %(day)s in month %(month)s of %(year)s.")
            % {"day": day, "month": month, "year": year}
        ) from None


def _read_date(text: str, today: date) -> tuple[date | None, str]:
    """The date at the start of `text` (or a day word) and what follows it."""
    lowered = text.lower()
    for word, offset in sorted(_day_words().items(), key=lambda item: -len(item[0])):
        if lowered == word or lowered.startswith(word + " ") or lowered.startswith(word + ","):
            return today + timedelta(days=offset), text[len(word) :]
    match = _DATE.match(text)
    if match is None:
        return None, text
    if match.group("iy"):
        found = _make_date(int(match["iy"]), int(match["im"]), int(match["id"]))
    else:
        found = _make_date(_year(match["y"], today), int(match["m"]), int(match["d"]))
    return found, text[match.end() :]


def _read_time(text: str) -> time:
    match = _TIME_ONLY.match(text.strip())
    if match is None:
        raise _bad(
            _("“%(value)s” is not a time. Write hours and minutes, 24-hour clock: 19:30.")
            % {"value": text.strip()}
        )
    hour, minute, second = int(match["h"]), int(match["min"]), int(match["s"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _bad(_("%(value)s is not a time of day (00:00 to 23:59).") % {"value": text.strip()})
    return time(hour, minute, second)


def _not_understood(value: str, with_time: bool) -> forms.ValidationError:
    if with_time:
        return _bad(
            _(
                "“%(value)s” is not a date and time we can read. Write the day first, then the "
                "month, the year and the time: %(example)s, or 19:30 for today."
            )
            % {"value": value, "example": example()}
        )
    return _bad(
        _(
            "“%(value)s” is not a date we can read. Write the day first, then the month and "
            "year: %(example)s."
        )
        % {"value": value, "example": example(with_time=False)}
    )


def read_date(value: str, today: date | None = None) -> date:
    """A typed date (day first, ISO, or a day word); a ValidationError saying what is wrong."""
    text = " ".join(value.split())
    today = today or timezone.localdate()
    found, rest = _read_date(text, today)
    if found is None or rest.strip(" ."):
        raise _not_understood(value.strip(), with_time=False)
    return found


def read_datetime(value: str, now: datetime | None = None) -> datetime:
    """A typed date and time in the current time zone, as an aware datetime."""
    text = " ".join(value.split())
    zone = timezone.get_current_timezone()
    now = timezone.localtime(now or timezone.now(), zone)
    if text.lower() in _now_words():
        return now.replace(second=0, microsecond=0)
    alone = _TIME_ONLY.match(text)
    if alone and alone["tsep"] != ".":
        return _aware(datetime.combine(now.date(), _read_time(text)), zone)
    try:
        found, rest = _read_date(text, now.date())
    except forms.ValidationError:
        if alone is None:
            raise
        found, rest = None, text  # "19.30": not a day and month, so a time
    if found is None:
        # No date: a time alone is today's. "19.30" is a time; "1.12" would have been a date.
        if _TIME_ONLY.match(text):
            found, rest = now.date(), text
        else:
            raise _not_understood(value.strip(), with_time=True)
    rest = _BETWEEN.sub("", rest, count=1)
    if not rest.strip():
        raise _bad(
            _("Add the time after the date, 24-hour clock: %(example)s.") % {"example": example()}
        )
    return _aware(datetime.combine(found, _read_time(rest)), zone)


def _aware(moment: datetime, zone) -> datetime:
    """The wall-clock time in `zone`; refused if the clocks skipped it (spring forward)."""
    aware = moment.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
        raise _bad(
            _(
                "%(time)s did not exist on %(date)s in %(zone)s: the clocks went forward an "
                "hour. Write the time after the change."
            )
            % {
                "time": moment.strftime("%H:%M"),
                "date": formats.date_format(moment.date(), "SHORT_DATE_FORMAT"),
                "zone": zone,
            }
        )
    return aware


class TypedDateTimeInput(forms.TextInput):
    """A text input showing the value in the person's short format and zone."""

    with_time = True

    def __init__(self, attrs=None):
        base = {"autocomplete": "off", "spellcheck": "false", "class": "typed-date"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            if self.with_time:
                return formats.date_format(value, "SHORT_DATETIME_FORMAT")
            return formats.date_format(value.date(), "SHORT_DATE_FORMAT")
        if isinstance(value, date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", example(self.with_time))
        return context


class TypedDateInput(TypedDateTimeInput):
    with_time = False


class LocalDateTimeField(forms.Field):
    """A date and time typed by keyboard, day first, in the person's zone (see the module)."""

    widget = TypedDateTimeInput
    default_help = gettext_lazy("Day first, 24-hour clock, e.g. %(example)s; 19:30 is today.")

    def __init__(self, *, help_text="", **kwargs):
        kwargs.pop("input_formats", None)
        kwargs.pop("localize", None)
        # The hint is worked out when shown: in the page's language, with today's date.
        shown = lazy(lambda: " ".join(filter(None, (str(help_text), self.hint))), str)()
        super().__init__(help_text=shown, **kwargs)

    @property
    def hint(self) -> str:
        return self.default_help % {"example": example(True)}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        return read_datetime(str(value))

    def prepare_value(self, value):
        return value

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except forms.ValidationError:
            return True
        return (initial or None) != (data or None)


class LocalDateField(LocalDateTimeField):
    """A date typed by keyboard, day first (1.12.2026, 01/12/2026, 2026-12-01, yesterday)."""

    widget = TypedDateInput
    default_help = gettext_lazy("Day first, e.g. %(example)s.")

    @property
    def hint(self) -> str:
        return self.default_help % {"example": example(False)}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return read_date(str(value))
