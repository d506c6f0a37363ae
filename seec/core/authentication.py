"""API authentication: expiring tokens, and sessions that have passed the second factor."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions

from .models import ApiToken
from .signin import fully_signed_in


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <token>` with a token from POST /api/auth/token/.

    Tokens are looked up by digest, refused once expired, once unused for longer than the idle
    limit, or once the account is disabled.
    """

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(key)).first()
        )
        now = timezone.now()
        if token is None or not token.is_in_force(now):
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        # Touch at most once a minute: a busy client must not turn every read into a write.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, once the user has passed every factor they need."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not fully_signed_in(user):
            raise exceptions.AuthenticationFailed(_("Complete the second sign-in step first."))
        return result


class VerifiedSessionScheme(SessionScheme):
    """Describes the verified session in the OpenAPI schema as the cookie session it is."""

    target_class = VerifiedSessionAuthentication
