"""Sign-in events into the audit trail, and session bookkeeping."""

from axes.signals import user_locked_out
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device

from . import audit
from .audit import Action, Origin
from .models import User, UserSession
from .services import end_sessions_and_tokens
from .signin import record_fresh_proof

SIGNED_IN_AT = "seec_signed_in_at"


@receiver(user_logged_in)
def on_signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    request.session[SIGNED_IN_AT] = timezone.now().timestamp()
    if not user_has_device(user, confirmed=True):
        # The password just typed is the whole of this account's proof: a user who must now
        # enrol a second factor does so without typing it again.
        record_fresh_proof(request)
    if request.session.session_key:
        UserSession.objects.get_or_create(user=user, session_key=request.session.session_key)
    audit.record(Action.SIGN_IN, origin=Origin(user, audit.client_ip(request)), obj=user)


@receiver(user_logged_out)
def on_signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    audit.record(Action.SIGN_OUT, origin=Origin(user, audit.client_ip(request)), obj=user)
    if request is not None and hasattr(request, "_messages"):
        messages.info(request, _("You are signed out."))


@receiver(user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    # The attempted name is kept as typed (it may be no account at all); never the password.
    audit.record(
        Action.SIGN_IN_FAILED,
        origin=Origin(None, audit.client_ip(request)),
        actor_username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(
        Action.LOCKED_OUT,
        origin=Origin(None, audit.client_ip(request)),
        actor_username=str(username or "")[:150],
        details={"ip_address": ip_address},
    )


@receiver(post_save, sender=User)
def end_sessions_of_disabled_account(sender, instance, **kwargs):
    # Whatever path disabled the account (admin, shell, a service), its sessions end now.
    if not instance.is_active:
        end_sessions_and_tokens(instance)
