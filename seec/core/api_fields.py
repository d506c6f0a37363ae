"""Fields every API serializer of the platform uses in place of DRF's own."""

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Before this, a date is a typing slip in every record the platform keeps (a child, a call, a
# task), and a time zone's local mean time (Athens: +01:34:52 before 1916) cannot be written
# as an RFC 3339 offset, which every client of the API parses.
EARLIEST = datetime(1900, 1, 1).date()


class DateTimeField(serializers.DateTimeField):
    """A date and time from 1900 on: anything earlier is refused with a clear message."""

    default_error_messages = {"too_early": _("Enter a date and time from 1900 on.")}

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if parsed.date() < EARLIEST:
            self.fail("too_early")
        return parsed


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record by its key, with a NUL character refused as "not found" before it
    reaches the database (PostgreSQL cannot even compare a text key holding one: a country's
    code sent as "G\x00R" must be a 400 naming the field, never a 500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", pk_value=data.replace("\x00", "\\0"))
        return super().to_internal_value(data)


class SlugRelatedField(serializers.SlugRelatedField):
    """A related record by a text key (a country's code), with a NUL character refused as
    "not found" before it reaches the database, as PrimaryKeyRelatedField does."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            shown = data.replace("\x00", "\\0")
            self.fail("does_not_exist", slug_name=self.slug_field, value=shown)
        return super().to_internal_value(data)


def install() -> None:
    """Model serializers map a model's DateTimeField and its relations to the platform's
    fields (core's ready())."""
    serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] = DateTimeField
    serializers.ModelSerializer.serializer_related_field = PrimaryKeyRelatedField
