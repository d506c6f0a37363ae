"""The date/time field reads what an operator types, day first and 24-hour, in their zone,
and says clearly what it did not understand."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.utils import timezone, translation

from seec.core.datetime_field import (
    LocalDateField,
    LocalDateTimeField,
    read_date,
    read_datetime,
)

BELGRADE = ZoneInfo("Europe/Belgrade")
# Noon on the Sunday the clocks go forward in Europe.
NOW = datetime(2026, 3, 29, 12, 0, tzinfo=BELGRADE)


@pytest.fixture(autouse=True)
def in_belgrade():
    with timezone.override(BELGRADE):
        yield


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("1.12.2026 19:30", datetime(2026, 12, 1, 19, 30)),
        ("01.12.2026. 19:30", datetime(2026, 12, 1, 19, 30)),
        ("1. 12. 2026 19.30", datetime(2026, 12, 1, 19, 30)),
        ("01/12/2026 19:30", datetime(2026, 12, 1, 19, 30)),
        ("2026-12-01 19:30", datetime(2026, 12, 1, 19, 30)),
        ("2026-12-01T19:30", datetime(2026, 12, 1, 19, 30)),
        ("  1.12.2026,   19:30 ", datetime(2026, 12, 1, 19, 30)),
        ("1.12.26 7:05", datetime(2026, 12, 1, 7, 5)),
        ("1.12. 19:30", datetime(2026, 12, 1, 19, 30)),  # this year
        ("19:30", datetime(2026, 3, 29, 19, 30)),  # today
        ("19.30", datetime(2026, 3, 29, 19, 30)),
        ("yesterday 19:30", datetime(2026, 3, 28, 19, 30)),
        ("Today 8:05", datetime(2026, 3, 29, 8, 5)),
        ("now", datetime(2026, 3, 29, 12, 0)),
    ],
)
def test_what_an_operator_types_is_read_day_first_in_their_zone(typed, meant):
    read = read_datetime(typed, NOW)
    assert read == meant.replace(tzinfo=BELGRADE)
    # Summer time after the change of that Sunday, winter time before it.
    expected_offset = 2 if meant >= datetime(2026, 3, 29, 3, 0) and meant.month < 11 else 1
    assert read.utcoffset().total_seconds() == expected_offset * 3600


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1.13.2026 10:00", "13 is not a month"),
        ("31.2.2026 10:00", "There is no day 31 in month 2 of 2026"),
        ("1.12.2026 25:10", "25:10 is not a time of day"),
        ("1.12.2026", "Add the time"),
        ("next friday", "“next friday” is not a date and time we can read"),
        ("1.12.2026 half past seven", "is not a time"),
        # The hour the clocks skip on the last Sunday of March.
        ("29.3.2026 2:30", "02:30 did not exist on"),
    ],
)
def test_what_it_cannot_read_it_names(typed, says):
    with pytest.raises(forms.ValidationError) as refused:
        read_datetime(typed, NOW)
    assert says in refused.value.messages[0]


def test_the_hour_the_clocks_repeat_is_taken_the_first_time():
    read = read_datetime("25.10.2026 2:30", NOW)
    assert read.utcoffset().total_seconds() == 2 * 3600  # still summer time


def test_a_date_alone():
    assert read_date("1.12.2026") == date(2026, 12, 1)
    assert read_date("2026-12-01") == date(2026, 12, 1)
    assert read_date("01/12/2026") == date(2026, 12, 1)
    with pytest.raises(forms.ValidationError, match="not a date we can read"):
        read_date("1.12.2026 19:30")


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_a_value_shown_in_any_language_is_read_back_as_it_was(language):
    """The field shows a time in the page language's short format (day first, 24-hour): what
    it shows must read back to the same instant."""
    moment = datetime(2026, 12, 1, 19, 30, tzinfo=BELGRADE)
    field = LocalDateTimeField()
    with translation.override(language):
        shown = field.widget.format_value(moment)
        assert "19:30" in shown and "AM" not in shown.upper().replace("Ă", "")
        assert field.clean(shown) == moment
        date_field = LocalDateField()
        assert date_field.clean(date_field.widget.format_value(moment.date())) == moment.date()
        # The hint beside the field shows the language's own form.
        assert str(field.help_text).count("19:30") >= 1


def test_the_english_words_are_read_whatever_the_page_language():
    with translation.override("uk"):
        assert read_datetime("yesterday 19:30", NOW).date() == date(2026, 3, 28)
        assert read_datetime("19:30", NOW).date() == date(2026, 3, 29)


def test_the_input_is_plain_text_not_the_browsers_picker():
    html = LocalDateTimeField().widget.render("last_seen_at", None)
    assert 'type="text"' in html and "datetime-local" not in html
