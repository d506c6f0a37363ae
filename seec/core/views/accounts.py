"""Sign-in, the second factor, the account page, lock-out, password reset, language, time
zone."""

import hashlib
import time
from base64 import b32encode
from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import accounts, audit, passkeys, services, zones
from ..accounts import AccountAction
from ..audit import Action, Origin
from ..forms import (
    ConfirmIdentityForm,
    EmailChangeForm,
    LanguageForm,
    QueuedPasswordResetForm,
    SecondFactorForm,
    TimeZoneForm,
)
from ..signin import (
    SecondFactor,
    has_fresh_proof,
    record_fresh_proof,
    second_factor_required,
    second_factor_state,
)


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    redirect_authenticated_user = True


def safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def verify_second_factor(request):
    """The second sign-in step: a code from the user's authenticator app."""
    state = second_factor_state(request.user)
    if state == SecondFactor.NEEDS_ENROLMENT:
        return redirect("otp-setup")
    if state != SecondFactor.NEEDS_VERIFICATION:
        return redirect(safe_next(request))
    form = SecondFactorForm(request.POST or None)
    context = {
        "form": form,
        "has_app": _has_authenticator_app(request.user),
        "has_passkey": passkeys.passkeys_of(request.user).exists(),
    }
    if request.method == "POST" and form.is_valid():
        if not any(d.verify_is_allowed()[0] for d in devices_for_user(request.user)):
            # django-otp slows down guessing: each wrong code doubles the wait for the next.
            form.add_error(
                "token", _("Too many wrong codes in a row. Wait a little and try again.")
            )
            return render(request, "core/second_factor_verify.html", context)
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            audit.record(Action.SECOND_FACTOR_VERIFIED, origin=Origin.of(request), obj=request.user)
            return redirect(safe_next(request))
        audit.record(Action.SECOND_FACTOR_FAILED, origin=Origin.of(request), obj=request.user)
        form.add_error(
            "token", _("This code is not valid. Check your device's clock and try again.")
        )
    return render(request, "core/second_factor_verify.html", context)


def fresh_proof_required(view):
    """The view changes the account's credentials: it needs the password and the current
    second factor proved a moment ago ("Confirm it's you"), whatever the session passed at
    sign-in. Without it nothing is changed and the user is asked for the proof."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not has_fresh_proof(request):
            # Back to the page after the proof; a POST's target is not a page to return to.
            back = request.get_full_path() if request.method == "GET" else reverse("account")
            return redirect(f"{reverse('confirm-identity')}?{urlencode({'next': back})}")
        return view(request, *args, **kwargs)

    return wrapped


def _has_authenticator_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@login_required
def confirm_identity(request):
    """ "Confirm it's you": the password and a code of the current second factor, before a
    change to the account's credentials."""
    user = request.user
    needs_code = _has_authenticator_app(user)
    form = ConfirmIdentityForm(request.POST or None, needs_code=needs_code)
    if request.method == "POST" and form.is_valid():
        # Through authenticate(), so that guessing the password here counts towards lock-out.
        proved = authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        if proved is None or proved.pk != user.pk:
            form.add_error("password", _("This is not your password."))
        elif needs_code and not _code_accepted(request, form):
            pass
        elif passkeys.passkeys_of(user).exists() and not needs_code:
            # The second factor is a passkey: the password now, the passkey on the next step.
            request.session[passkeys.PASSWORD_PROVED_AT] = time.time()
            return render(
                request,
                "core/confirm_identity.html",
                {"passkey_step": True, "next": safe_next(request, reverse("account"))},
            )
        else:
            record_fresh_proof(request)
            audit.record(AccountAction.IDENTITY_CONFIRMED, origin=Origin.of(request), obj=user)
            return redirect(safe_next(request, reverse("account")))
        audit.record(
            AccountAction.IDENTITY_CONFIRMATION_FAILED, origin=Origin.of(request), obj=user
        )
    return render(
        request, "core/confirm_identity.html", {"form": form, "next": safe_next(request, "")}
    )


def _code_accepted(request, form) -> bool:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if not any(d.verify_is_allowed()[0] for d in devices):
        form.add_error("token", _("Too many wrong codes in a row. Wait a little and try again."))
        return False
    if not any(d.verify_token(form.cleaned_data["token"]) for d in devices):
        form.add_error(
            "token", _("This code is not valid. Check your device's clock and try again.")
        )
        return False
    return True


@login_required
def account(request):
    """The account page: e-mail, password, second factors, API tokens in force."""
    user = request.user
    return render(
        request,
        "core/account.html",
        {
            "authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
            "passkeys": passkeys.passkeys_of(user),
            "fresh_proof": has_fresh_proof(request),
            "required": second_factor_required(user),
            "tokens": accounts.tokens_of(user),
            "token_idle_minutes": settings.SEEC_API_TOKEN_IDLE_MINUTES,
            "time_zone_form": time_zone_form(user),
        },
    )


@require_POST
@fresh_proof_required
def remove_passkey(request, pk: int):
    """Remove one of the user's passkeys, where another factor remains or none is required."""
    user = request.user
    passkey = get_object_or_404(passkeys.passkeys_of(user), pk=pk)
    others = [
        d for d in accounts.confirmed_factors(user) if d.persistent_id != passkey.persistent_id
    ]
    if second_factor_required(user) and not others:
        messages.error(request, _("Your roles require a second factor: add another one first."))
        return redirect("account")
    with transaction.atomic():
        passkey.delete()
        audit.record(AccountAction.PASSKEY_REMOVED, origin=Origin.of(request), obj=user)
        accounts.tell_owner(user, lambda: _("A passkey was removed from your account."))
    messages.success(request, _("The passkey is removed."))
    return redirect("account")


@fresh_proof_required
def setup_second_factor(request):
    """Enrol a TOTP authenticator: scan the code, confirm with one code from the app."""
    user = request.user
    if _has_authenticator_app(user):
        return redirect("account")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": _("Authenticator app")}
    )
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                accounts.second_factor_enrolled(user, device, origin=Origin.of(request))
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return redirect("dashboard")
        form.add_error(
            "token", _("This code is not valid. Check your device's clock and try again.")
        )
    secret = b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1d2733")
    return render(
        request,
        "core/second_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": qr_svg,
            "required": second_factor_required(user),
        },
    )


@require_POST
@fresh_proof_required
def remove_second_factor(request):
    """Remove the authenticator app, where the account's roles allow it or another factor
    (a passkey) remains."""
    user = request.user
    others = [d for d in accounts.confirmed_factors(user) if not isinstance(d, TOTPDevice)]
    if second_factor_required(user) and not others:
        messages.error(
            request, _("Your roles require two-factor sign-in; it cannot be turned off.")
        )
        return redirect("account")
    accounts.remove_authenticator_apps(user, origin=Origin.of(request))
    messages.success(request, _("The authenticator app is removed from your account."))
    return redirect("account")


@fresh_proof_required
def change_password(request):
    """A new password; every other session and every API token of the account end."""
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        ended = accounts.change_password(
            request.user,
            form.cleaned_data["new_password1"],
            origin=Origin.of(request),
            keep_session_key=request.session.session_key,
        )
        # This session goes on (and its link to the account is kept under the new key).
        old_key = request.session.session_key
        update_session_auth_hash(request, request.user)
        accounts.session_key_changed(old_key, request.session.session_key)
        messages.success(
            request,
            ngettext(
                "Your password has been changed. %(count)d other session or API token ended.",
                "Your password has been changed. %(count)d other sessions and API tokens ended.",
                ended,
            )
            % {"count": ended},
        )
        return redirect("account")
    return render(request, "core/password_change.html", {"form": form})


@fresh_proof_required
def change_email(request):
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        accounts.change_email(request.user, form.cleaned_data["email"], origin=Origin.of(request))
        messages.success(request, _("Your e-mail address has been changed."))
        return redirect("account")
    return render(request, "core/email_change.html", {"form": form})


@login_required
@require_POST
def revoke_token(request, pk: int):
    """End one of the user's own API tokens (a lost laptop, a finished script)."""
    token = get_object_or_404(accounts.tokens_of(request.user), pk=pk)
    services.revoke_api_token(token, origin=Origin.of(request))
    messages.success(request, _("The API token is revoked."))
    return redirect("account")


def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes answers once this account is locked from this address: for how long
    still, and who can lift it."""
    from ..lockout import time_left

    minutes = max(1, -(-int(time_left(request).total_seconds()) // 60))  # rounded up
    message = ngettext(
        "Too many failed sign-in attempts for this account from your address. Sign-in is "
        "locked for %(minutes)d more minute; each further round of failures today locks it "
        "for longer. If you need access now, ask your administrator to unlock your account.",
        "Too many failed sign-in attempts for this account from your address. Sign-in is "
        "locked for %(minutes)d more minutes; each further round of failures today locks it "
        "for longer. If you need access now, ask your administrator to unlock your account.",
        minutes,
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out", "errors": {}}, status=429)
    return render(request, "core/locked_out.html", {"message": message}, status=429)


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user's choice is remembered on the account."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        message = _("Unknown language: %(code)s") % {"code": request.POST.get("language", "")}
        if request.headers.get("HX-Request") or not request.headers.get("Referer"):
            return HttpResponseBadRequest(message)
        messages.error(request, message)
        return redirect(safe_next(request))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        try:
            services.set_preferred_language(request.user, language, origin=Origin.of(request))
        except ValidationError as error:
            return HttpResponseBadRequest(" ".join(error.messages))
    response = redirect(safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


@login_required
@require_POST
def set_time_zone(request):
    """The account page's time zone: pages and forms follow it from the next request on."""
    user = request.user
    form = TimeZoneForm(
        request.POST, organisation_zone=zones.organisation_zone_name(user.organisation)
    )
    if form.is_valid():
        try:
            services.set_time_zone(user, form.cleaned_data["time_zone"], origin=Origin.of(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Times are now shown in %(zone)s.") % {"zone": zones.user_zone_name(user)},
            )
    else:
        messages.error(request, " ".join(form.errors.get("time_zone", [])))
    return redirect("account")


def time_zone_form(user) -> TimeZoneForm:
    return TimeZoneForm(
        initial={"time_zone": user.time_zone},
        organisation_zone=zones.organisation_zone_name(user.organisation),
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "core/password_reset_form.html"
    email_template_name = "core/email/password_reset.txt"
    subject_template_name = "core/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        # Recorded whether or not the address is known; the page itself never tells.
        # Not the address itself (anyone may type any address here, and administrators read
        # the trail): its digest still ties repeated requests for one address together.
        address = form.cleaned_data["email"].strip().lower()
        audit.record(
            Action.PASSWORD_RESET_REQUESTED,
            origin=Origin.of(self.request),
            details={"address_digest": hashlib.sha256(address.encode()).hexdigest()[:16]},
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_changed(
            form.user, origin=Origin(None, audit.client_ip(self.request)), by="reset"
        )
        return response
