"""Passkeys (WebAuthn, FIDO2) as a second factor beside the authenticator app, through
django-otp-webauthn; its browser scripts are served from the package (no CDN).

The package's ceremonies, with the platform's rules: a passkey is registered only after a
fresh proof ("Confirm it's you"), audited and told to the owner; it serves as the second
factor after the password (never instead of it: passwordless sign-in is off); and a passkey
confirmation after the password on "Confirm it's you" is a fresh proof of its own.
"""

import time

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn
from django_otp_webauthn.helpers import WebAuthnHelper

from . import accounts, audit
from .accounts import AccountAction
from .audit import Action, Origin
from .signin import has_fresh_proof, record_fresh_proof

# Set when "Confirm it's you" accepted the password of a user whose second factor is a
# passkey: the passkey must follow within this long for the proof to count.
PASSWORD_PROVED_AT = "seec_password_proved_at"  # noqa: S105 — a session key
PASSWORD_THEN_PASSKEY_SECONDS = 120


class FreshProofRequired(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "fresh_proof_required"
    default_detail = gettext_lazy(
        "Confirm it's you (your password and current second factor) before adding a passkey."
    )


class BeginRegistration(webauthn.BeginCredentialRegistrationView):
    def check_can_register(self):
        if not has_fresh_proof(self.request):
            raise FreshProofRequired()


class CompleteRegistration(webauthn.CompleteCredentialRegistrationView):
    def check_can_register(self):
        if not has_fresh_proof(self.request):
            raise FreshProofRequired()

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            user = self.request.user
            audit.record(AccountAction.PASSKEY_ADDED, origin=Origin.of(self.request), obj=user)
            accounts.tell_owner(user, lambda: _("A passkey was added to your account."))
        return response


class CompleteAuthentication(webauthn.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        user = super().complete_auth(device)
        origin = Origin.of(self.request)
        audit.record(Action.SECOND_FACTOR_VERIFIED, origin=origin, obj=user)
        proved = self.request.session.pop(PASSWORD_PROVED_AT, None)
        if proved is not None and time.time() - proved <= PASSWORD_THEN_PASSKEY_SECONDS:
            record_fresh_proof(self.request)
            audit.record(AccountAction.IDENTITY_CONFIRMED, origin=origin, obj=user)
        return user


# Under the package's own names (its template tags reverse them).
urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(),
         name="credential-registration-begin"),
    path("registration/complete/", CompleteRegistration.as_view(),
         name="credential-registration-complete"),
    path("authentication/begin/", webauthn.BeginCredentialAuthenticationView.as_view(),
         name="credential-authentication-begin"),
    path("authentication/complete/", CompleteAuthentication.as_view(),
         name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
         name="js-i18n-catalog"),
]  # fmt: skip

# The ceremonies a half-signed-in user may run: proving the passkey, and (while enrolment is
# owed) registering one.
VERIFICATION_VIEWS = frozenset(
    {"credential-authentication-begin", "credential-authentication-complete", "js-i18n-catalog"}
)
ENROLMENT_VIEWS = frozenset({"credential-registration-begin", "credential-registration-complete"})


def passkeys_of(user):
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def relying_party_id(request) -> str:
    """The passkeys' relying party: the host name the page was reached under, no port."""
    return request.get_host().rsplit(":", 1)[0].strip("[]")


class Helper(WebAuthnHelper):
    """The origin a passkey ceremony must come from: the platform's own, as the request
    reached it (the host checked against ALLOWED_HOSTS, the scheme as the proxy reports it),
    and any listed in SEEC_WEBAUTHN_ORIGINS."""

    def get_allowed_origins(self) -> list[str]:
        own = self.request.build_absolute_uri("/").rstrip("/")
        return [*super().get_allowed_origins(), own]
