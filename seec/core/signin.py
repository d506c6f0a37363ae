"""The second factor: who needs it, where a signed-in user stands with it, and the fresh proof
that a change to the account's credentials asks for."""

import time
from enum import StrEnum

from django.conf import settings
from django_otp import device_classes

from .models import RoleCode
from .policy import PERSONAL_DATA_ROLES

# Production requires a second factor of every role that sees a child's personal data, and of
# those who could grant such a role (administrators) or see the whole network's staff
# (coordinators): taking over one of their accounts is worth more than any case worker's.
SECOND_FACTOR_ROLES = PERSONAL_DATA_ROLES | {
    RoleCode.ADMINISTRATOR,
    RoleCode.REGIONAL_COORDINATOR,
}

# When the user last proved, on the "Confirm it's you" page, that they hold the password and
# the current second factor. A change of password, e-mail or factor needs a proof this fresh.
FRESH_PROOF_AT = "seec_fresh_proof_at"


class SecondFactor(StrEnum):
    NOT_NEEDED = "not_needed"  # no device, and none required
    VERIFIED = "verified"  # a device confirmed this session
    NEEDS_VERIFICATION = "needs_verification"  # has a device, not yet used this session
    NEEDS_ENROLMENT = "needs_enrolment"  # required, and no device yet


def second_factor_required(user) -> bool:
    return settings.SEEC_REQUIRE_SECOND_FACTOR and bool(user.role_codes & SECOND_FACTOR_ROLES)


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
        # One query for every kind of factor (authenticator apps, passkeys), not one per kind:
        # this runs on every page of a user without a verified factor.
        first, *others = [
            model.objects.devices_for_user(user, confirmed=True).values("pk")
            for model in device_classes()
        ]
        user._has_confirmed_device = first.union(*others).exists()
    return user._has_confirmed_device


def fully_signed_in(user) -> bool:
    """Signed in with every factor this user needs."""
    return second_factor_state(user) in (SecondFactor.VERIFIED, SecondFactor.NOT_NEEDED)


def record_fresh_proof(request) -> None:
    request.session[FRESH_PROOF_AT] = time.time()


def has_fresh_proof(request) -> bool:
    """The user proved the password and their current factor a moment ago, in this session.

    A session that has only passed the password while a second factor exists never has one:
    that is the half-signed-in state a stolen password gives.
    """
    if second_factor_state(request.user) == SecondFactor.NEEDS_VERIFICATION:
        return False
    proved_at = request.session.get(FRESH_PROOF_AT)
    return proved_at is not None and time.time() - proved_at <= settings.SEEC_FRESH_PROOF_SECONDS
