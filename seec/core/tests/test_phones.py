"""Phone numbers read by the hotline's country, kept in one international form."""

import pytest
from django.core.exceptions import ValidationError

from seec.cases import services as case_services
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.core.phones import read_phone
from seec.core.tests.factories import make_organisation, make_user


@pytest.mark.parametrize(
    ("typed", "country", "kept"),
    [
        ("064 123 4567", "RS", "+381 64 1234567"),
        ("064/123-4567", "RS", "+381 64 1234567"),
        ("6901234567", "GR", "+30 690 123 4567"),
        ("067 123 45 67", "UA", "+380 67 123 4567"),
        ("+30 690 123 4567", "RS", "+30 690 123 4567"),  # a Greek number at a Serbian hotline
        ("00381641234567", "GR", "+381 64 1234567"),
        ("", "RS", ""),
    ],
)
def test_a_number_is_read_by_the_hotlines_country(typed, country, kept):
    assert read_phone(typed, country) == kept


@pytest.mark.parametrize("typed", ["12", "call me", "+381 1"])
def test_what_cannot_be_a_number_is_refused_with_the_reason(typed):
    with pytest.raises(ValidationError, match="is not a phone number"):
        read_phone(typed, "RS")


def test_a_callers_number_typed_at_the_serbian_hotline_is_found_however_written(db):
    hotline = make_organisation("RS")
    operator = make_user(hotline, RoleCode.HOTLINE_OPERATOR)
    contact = case_services.record_contact(
        origin=Origin(operator),
        data={"channel": "call", "subject": "advice", "caller_phone": "064 123 4567"},
    )
    assert contact.caller_phone == "+381 64 1234567"
    with pytest.raises(ValidationError) as refused:
        case_services.record_contact(
            origin=Origin(operator),
            data={"channel": "call", "subject": "advice", "caller_phone": "12"},
        )
    assert "caller_phone" in refused.value.message_dict
