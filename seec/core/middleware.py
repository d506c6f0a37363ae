"""Session limits, the second-factor gate, and the user's remembered language and clock."""

import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import audit, passkeys, zones
from .audit import Action, Origin
from .signals import SIGNED_IN_AT
from .signin import SecondFactor, second_factor_state

# What a half-signed-in user (the password passed, a second factor still owed) may reach.
# Assets, the health check and the language switch; the API, whose session authentication
# refuses such a user by itself (and whose token sign-in asks for the code).
OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/api/")
# Views by name, never a whole folder: /accounts/ also holds the pages that change the
# password and the factors, which a stolen password alone must never reach.
OPEN_BEFORE_VERIFICATION = frozenset(
    {
        "login",
        "logout",
        "otp-verify",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        *passkeys.VERIFICATION_VIEWS,  # proving a passkey, the second factor
    }
)
# A user who must enrol before anything else may also enrol (after confirming the password).
OPEN_BEFORE_ENROLMENT = (
    OPEN_BEFORE_VERIFICATION | {"otp-setup", "confirm-identity"} | passkeys.ENROLMENT_VIEWS
)


HALF_SIGNED_IN = (SecondFactor.NEEDS_VERIFICATION, SecondFactor.NEEDS_ENROLMENT)


def url_name(request) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


class SessionLimitsMiddleware:
    """Ends a session that has lasted longer than the absolute limit since sign-in.

    The idle limit is the session cookie's age, renewed by every request
    (SESSION_SAVE_EVERY_REQUEST); this adds the limit that activity does not extend.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and hasattr(request, "session"):
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None or (
                time.time() - signed_in_at > settings.SEEC_SESSION_ABSOLUTE_SECONDS
            ):
                audit.record(Action.SESSION_EXPIRED, origin=Origin.of(request), obj=user)
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                if not request.path.startswith("/api/"):
                    return redirect(f"{reverse('login')}?next={request.path}")
        return self.get_response(request)


class SecondFactorMiddleware:
    """Sends a signed-in user who still owes a second factor to verify or enrol it.

    The API is not redirected: its session authentication refuses such a user instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            state = second_factor_state(user)
            name = url_name(request) if state in HALF_SIGNED_IN else None
            if state == SecondFactor.NEEDS_VERIFICATION and name not in OPEN_BEFORE_VERIFICATION:
                return redirect(f"{reverse('otp-verify')}?{urlencode_next(request)}")
            if state == SecondFactor.NEEDS_ENROLMENT and name not in OPEN_BEFORE_ENROLMENT:
                return redirect("otp-setup")
        return self.get_response(request)


def urlencode_next(request) -> str:
    # Only a page worth returning to: a POST's target would answer the GET with 405.
    target = request.get_full_path() if request.method == "GET" else "/"
    return urlencode({"next": target})


class UserLanguageMiddleware:
    """A signed-in user's remembered language wins over the browser's and the cookie's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user else ""
        if language and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class UserTimeZoneMiddleware:
    """Pages and forms of a signed-in user follow their clock (their own choice, else their
    organisation's country's zone); anyone else sees the platform's default zone. Activated
    for this request only: the zone of one request must never leak into the next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone = zones.user_zone(user)
        else:
            zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        with timezone.override(zone):
            return self.get_response(request)
