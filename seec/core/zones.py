"""Whose clock a page, a form or a message follows.

Instants are stored in UTC. They are shown, typed and cut into days in a person's civil time:
the zone the user chose on their account page, else their organisation's, else the zone of
the organisation's country (Europe/Belgrade for Serbia, from `region.TIME_ZONES`), else
`settings.TIME_ZONE` (an international body without a zone of its own). Public
pages about an alert follow the alert's country.
"""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .region import TIME_ZONES


@cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_zone(name: str) -> None:
    """A validator for model and form fields holding an IANA zone name."""
    if name and name not in known_zones():
        raise ValidationError(
            _("“%(zone)s” is not a time zone; choose one such as Europe/Belgrade.") % {"zone": name}
        )


def zone_choices() -> list[tuple[str, str]]:
    """The region's zones first (the ones people here choose), then every other."""
    region = sorted(set(TIME_ZONES.values()))
    rest = sorted(known_zones() - set(region) - {"localtime", "Factory"})
    return [(name, name) for name in region] + [(name, name) for name in rest]


def country_zone_name(country_code: str | None) -> str:
    """The civil time of a country of the region; the platform's default elsewhere."""
    return TIME_ZONES.get((country_code or "").upper(), settings.TIME_ZONE)


def country_zone(country_code: str | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(country_zone_name(country_code))


def organisation_zone_name(organisation) -> str:
    if organisation is None:
        return settings.TIME_ZONE
    if organisation.time_zone:
        return organisation.time_zone
    return country_zone_name(organisation.country_id)


def user_zone_name(user) -> str:
    """The zone a signed-in person sees times in."""
    if getattr(user, "time_zone", ""):
        return user.time_zone
    return organisation_zone_name(getattr(user, "organisation", None))


def user_zone(user) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(user_zone_name(user))
