"""Session limits, the second-factor gate, and the user's remembered language and clock."""

import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit, zones
from .audit import Action, Origin
from .signals import SIGNED_IN_AT
from .signin import SecondFactor, second_factor_state

# Paths a half-signed-in user may still reach: the second-factor pages, sign-out, assets.
OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/accounts/", "/api/")


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
            if state == SecondFactor.NEEDS_VERIFICATION:
                return redirect(f"{reverse('otp-verify')}?next={request.get_full_path()}")
            if state == SecondFactor.NEEDS_ENROLMENT:
                return redirect("otp-setup")
        return self.get_response(request)


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
