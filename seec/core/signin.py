"""The second factor: who needs it, and where a signed-in user stands with it."""

from enum import StrEnum

from django.conf import settings
from django_otp import user_has_device

from .policy import PERSONAL_DATA_ROLES


class SecondFactor(StrEnum):
    NOT_NEEDED = "not_needed"  # no device, and none required
    VERIFIED = "verified"  # a device confirmed this session
    NEEDS_VERIFICATION = "needs_verification"  # has a device, not yet used this session
    NEEDS_ENROLMENT = "needs_enrolment"  # required, and no device yet


def second_factor_required(user) -> bool:
    """Production requires TOTP of every role that can see a child's personal data."""
    return settings.SEEC_REQUIRE_SECOND_FACTOR and bool(user.role_codes & PERSONAL_DATA_ROLES)


def second_factor_state(user) -> SecondFactor:
    if getattr(user, "is_verified", None) and user.is_verified():
        return SecondFactor.VERIFIED
    if has_confirmed_device(user):
        return SecondFactor.NEEDS_VERIFICATION
    if second_factor_required(user):
        return SecondFactor.NEEDS_ENROLMENT
    return SecondFactor.NOT_NEEDED


def has_confirmed_device(user) -> bool:
    """Asked by the middleware and again by the page's navigation: read once per user object
    (each request loads its own; enrolling or removing a device ends in a redirect)."""
    if not hasattr(user, "_has_confirmed_device"):
        user._has_confirmed_device = user_has_device(user, confirmed=True)
    return user._has_confirmed_device


def fully_signed_in(user) -> bool:
    """Signed in with every factor this user needs."""
    return second_factor_state(user) in (SecondFactor.VERIFIED, SecondFactor.NOT_NEEDED)
