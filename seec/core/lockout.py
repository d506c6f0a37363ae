"""How long an account stays locked from one address after repeated failed sign-ins.

django-axes counts failures per account and address together (AXES_LOCKOUT_PARAMETERS) and
asks `cool_off` how long a lock lasts. The first round of failures (SEEC_LOGIN_FAILURE_LIMIT)
locks for SEEC_LOCKOUT_MINUTES; each further round within a day doubles it, up to
SEEC_LOCKOUT_MAX_MINUTES: a person who mistypes waits minutes, a guesser hours.
"""

from datetime import timedelta

from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone

WINDOW = timedelta(days=1)


def attempted_username(request) -> str:
    credentials = getattr(request, "axes_credentials", None) or {}
    return str(credentials.get("username") or request.POST.get("username") or "")


def cool_off(request) -> timedelta:
    """The lock of the current round of failures: round n (failures (n-1)·limit+1 … n·limit
    within a day) locks for base · 2^(n-1). axes asks while it records a failure (which is in
    the attempts but not yet in the failure log) and when it checks a later request: both
    count the failure being recorded, so both agree on the round."""
    from axes.models import AccessAttempt

    base, longest = settings.SEEC_LOCKOUT_BASE, settings.SEEC_LOCKOUT_LONGEST
    username = attempted_username(request) if request is not None else ""
    address = getattr(request, "axes_ip_address", None)
    if not username or not address:
        return base
    logged = AccessFailureLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=timezone.now() - WINDOW
    )
    failures = logged.count()
    now_recording = getattr(request, "axes_attempt_time", None)
    if (
        now_recording is not None
        and AccessAttempt.objects.filter(
            username=username, ip_address=address, attempt_time=now_recording
        ).exists()
        and not logged.filter(attempt_time=now_recording).exists()
    ):
        failures += 1
    rounds = max(-(-failures // settings.AXES_FAILURE_LIMIT), 1)  # rounded up
    return min(base * 2 ** min(rounds - 1, 20), longest)


def time_left(request) -> timedelta:
    """How long the lock on this request's account and address still holds."""
    from axes.models import AccessAttempt

    last = (
        AccessAttempt.objects.filter(
            username=attempted_username(request),
            ip_address=getattr(request, "axes_ip_address", None),
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return cool_off(request)
    return max(last + cool_off(request) - timezone.now(), timedelta(0))
