"""Changes to an account's own credentials: password, e-mail address, second factors, API tokens.

Each change is audited and told to the account's owner by e-mail, in their language, so that
someone who did not make it learns of it at once. A new password ends every other session and
every API token. The views ask for a fresh proof (the password and the current second factor)
before calling these; the services do not repeat that check, since an administrator's tools
and the command line call them too.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user

from . import audit
from .audit import Action, Origin
from .models import ApiToken, User, UserSession
from .tasks import send_email


class AccountAction:
    """Audit actions of the account's own security settings (beside audit.Action's)."""

    IDENTITY_CONFIRMED = "auth.identity_confirmed"
    IDENTITY_CONFIRMATION_FAILED = "auth.identity_confirmation_failed"
    EMAIL_CHANGED = "auth.email_changed"
    PASSKEY_ADDED = "auth.passkey_added"
    PASSKEY_REMOVED = "auth.passkey_removed"


audit.ACTION_LABELS.update(
    {
        AccountAction.IDENTITY_CONFIRMED: gettext_lazy("Identity confirmed for a change"),
        AccountAction.IDENTITY_CONFIRMATION_FAILED: gettext_lazy("Identity confirmation failed"),
        AccountAction.EMAIL_CHANGED: gettext_lazy("E-mail address changed"),
        AccountAction.PASSKEY_ADDED: gettext_lazy("Passkey added"),
        AccountAction.PASSKEY_REMOVED: gettext_lazy("Passkey removed"),
    }
)


def tell_owner(user: User, subject: Callable[[], str], *, also_to: str = "") -> None:
    """E-mail the account's owner (and `also_to`, an address the account had until now) that
    something changed, once the change is committed. `subject` is called under the owner's
    language so that its gettext answers in it."""
    addresses = [a for a in dict.fromkeys([user.email, also_to]) if a]
    if not addresses:
        return
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        text = str(subject())
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()},
                text,
                _("When: %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")},
                _(
                    "If this was not you, tell your administrator at once: someone may know "
                    "your password."
                ),
                _("Your account: %(link)s")
                % {"link": settings.SEEC_PUBLIC_URL.rstrip("/") + "/accounts/"},
            ]
        )
        subject_line = _("SEEC Platform: %(change)s") % {"change": text}
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject_line[:200], body=body, to=addresses)
    )


def end_other_sessions_and_tokens(user: User, *, keep_session_key: str | None) -> int:
    """End every session of `user` but the one kept, and every API token; returns how many."""
    links = UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or "")
    keys = list(links.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    links.delete()
    tokens, _by_model = ApiToken.objects.filter(user=user).delete()
    return len(keys) + tokens


def session_key_changed(old_key: str | None, new_key: str | None) -> None:
    """Keep a session's link to its account when Django gives the session a new key."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


@transaction.atomic
def change_password(
    user: User, new_password: str, *, origin: Origin, keep_session_key: str | None = None
) -> int:
    """Set a new password (already validated); ends the other sessions and every API token."""
    user.password = make_password(new_password)
    User.objects.filter(pk=user.pk).update(password=user.password)
    return password_changed(user, origin=origin, keep_session_key=keep_session_key, by="owner")


@transaction.atomic
def password_changed(
    user: User, *, origin: Origin, keep_session_key: str | None = None, by: str
) -> int:
    """What follows any new password (the owner's, a reset's, an administrator's)."""
    ended = end_other_sessions_and_tokens(user, keep_session_key=keep_session_key)
    audit.record(
        Action.PASSWORD_CHANGED, origin=origin, obj=user, details={"by": by, "ended": ended}
    )
    tell_owner(user, lambda: _("Your password has been changed."))
    return ended


@transaction.atomic
def change_email(user: User, new_email: str, *, origin: Origin) -> None:
    """Change the account's address; the old address is told too (where a reset link went)."""
    previous = user.email
    if new_email == previous:
        return
    User.objects.filter(pk=user.pk).update(email=new_email)
    user.email = new_email
    # The addresses themselves stay out of the trail, which administrators browse.
    audit.record(AccountAction.EMAIL_CHANGED, origin=origin, obj=user)
    tell_owner(user, lambda: _("The e-mail address of your account was changed."), also_to=previous)


@transaction.atomic
def second_factor_enrolled(user: User, device, *, origin: Origin) -> None:
    audit.record(
        Action.SECOND_FACTOR_ENROLLED,
        origin=origin,
        obj=user,
        details={"device": device.persistent_id},
    )
    tell_owner(user, lambda: _("Two-factor sign-in is on for your account."))


@transaction.atomic
def remove_authenticator_apps(user: User, *, origin: Origin) -> int:
    """Remove the account's TOTP authenticators (passkeys stay)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    audit.record(
        Action.SECOND_FACTOR_REMOVED, origin=origin, obj=user, details={"removed": removed}
    )
    tell_owner(user, lambda: _("Two-factor sign-in is off for your account."))
    return removed


def confirmed_factors(user: User) -> list:
    return list(devices_for_user(user, confirmed=True))


def tokens_of(user: User):
    """The account's API tokens in force, newest first."""
    return ApiToken.objects.filter(user=user).valid().order_by("-created_at")
