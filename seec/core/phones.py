"""Phone numbers as callers and operators say them, read by the hotline's country.

"064 123 4567" typed at the Serbian hotline is +381 64 1234567; "+30 697 123 4567" is Greek
wherever it is typed. Numbers are kept in the international form (readable, and one form
per number so that search by digits finds it whoever typed it).
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def read_phone(text: str, country_code: str | None) -> str:
    """The number in international form, or "" for nothing typed; a ValidationError (no
    field: the caller names it) when it cannot be a phone number of that country or, with
    its +code, of any."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _(
                "“%(value)s” is not a phone number: write it as dialled in %(country)s, or "
                "with its country code (+381 64 123 4567)."
            )
            % {"value": text, "country": country_code or "?"}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
