"""Session renewal that does not turn every page view into a write."""

import time

from django.contrib.auth import SESSION_KEY

# How often an active session's idle limit is pushed back. Saving the session on every request
# (SESSION_SAVE_EVERY_REQUEST) makes every page view a write transaction: on SQLite each waits
# for every other writer. Renewing once a minute keeps the idle limit true to within a minute.
RENEW_EVERY_SECONDS = 60
RENEWED_AT = "seec_session_renewed_at"


class SessionRenewalMiddleware:
    """Marks a signed-in user's session for saving (so renewing its expiry) when it was last
    renewed more than RENEW_EVERY_SECONDS ago. Placed after SessionMiddleware, which saves it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        # Only a session that signed someone in: a request authenticated otherwise (an API
        # token sets request.user too) must not leave a session row behind.
        if (
            session is not None
            and SESSION_KEY in session
            and user is not None
            and user.is_authenticated
        ):
            now = time.time()
            if now - session.get(RENEWED_AT, 0) >= RENEW_EVERY_SECONDS:
                session[RENEWED_AT] = now
        return response
