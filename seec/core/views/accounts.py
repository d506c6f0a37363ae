"""Sign-in, the second factor, lock-out, password reset, language, time zone."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import audit, services, zones
from ..audit import Action, Origin
from ..forms import LanguageForm, QueuedPasswordResetForm, SecondFactorForm, TimeZoneForm
from ..signin import SecondFactor, second_factor_required, second_factor_state


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
    if request.method == "POST" and form.is_valid():
        if not any(d.verify_is_allowed()[0] for d in devices_for_user(request.user)):
            # django-otp slows down guessing: each wrong code doubles the wait for the next.
            form.add_error(
                "token", _("Too many wrong codes in a row. Wait a little and try again.")
            )
            return render(request, "core/second_factor_verify.html", {"form": form})
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            audit.record(Action.SECOND_FACTOR_VERIFIED, origin=Origin.of(request), obj=request.user)
            return redirect(safe_next(request))
        audit.record(Action.SECOND_FACTOR_FAILED, origin=Origin.of(request), obj=request.user)
        form.add_error(
            "token", _("This code is not valid. Check your device's clock and try again.")
        )
    return render(request, "core/second_factor_verify.html", {"form": form})


@login_required
def setup_second_factor(request):
    """Enrol a TOTP authenticator: scan the code, confirm with one code from the app."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return render(
            request,
            "core/second_factor_status.html",
            {
                "device": confirmed,
                "required": second_factor_required(user),
                "time_zone_form": time_zone_form(user),
            },
        )
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
                audit.record(Action.SECOND_FACTOR_ENROLLED, origin=Origin.of(request), obj=user)
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
            "time_zone_form": time_zone_form(user),
        },
    )


@login_required
@require_POST
def remove_second_factor(request):
    """Turn two-factor sign-in off, where the account's roles do not require it."""
    if second_factor_required(request.user):
        messages.error(
            request, _("Your roles require two-factor sign-in; it cannot be turned off.")
        )
        return redirect("otp-setup")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).delete()
        audit.record(Action.SECOND_FACTOR_REMOVED, origin=Origin.of(request), obj=request.user)
    messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("otp-setup")


def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes answers once an account or an address is locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = ngettext(
        "Too many failed sign-in attempts. Sign-in is locked for %(minutes)d minute. "
        "If you need access now, ask your administrator to unlock your account.",
        "Too many failed sign-in attempts. Sign-in is locked for %(minutes)d minutes. "
        "If you need access now, ask your administrator to unlock your account.",
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
    return redirect("otp-setup")


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
        audit.record(
            Action.PASSWORD_RESET_REQUESTED,
            origin=Origin.of(self.request),
            details={"email": form.cleaned_data["email"]},
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.end_sessions_and_tokens(form.user)
        audit.record(
            Action.PASSWORD_CHANGED,
            origin=Origin(None, audit.client_ip(self.request)),
            obj=form.user,
            details={"by": "reset"},
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(Action.PASSWORD_CHANGED, origin=Origin.of(self.request), obj=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response
