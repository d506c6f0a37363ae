"""Forms of the core pages."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .datetime_field import LocalDateField


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."))
        return token


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        required=False,
        help_text=_("Times are shown and typed in this zone. Empty: your organisation's."),
    )

    def __init__(self, *args, organisation_zone: str, **kwargs):
        from .zones import zone_choices

        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            ("", _("My organisation's (%(zone)s)") % {"zone": organisation_zone}),
            *zone_choices(),
        ]


class AuditFilterForm(forms.Form):
    """Filters of the audit trail page; every field optional."""

    actor = forms.CharField(label=_("User"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)
    since = LocalDateField(label=_("From"), required=False)
    until = LocalDateField(label=_("Until"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("actor"):
            queryset = queryset.filter(actor_username__iexact=data["actor"].strip())
        if data.get("action"):
            queryset = queryset.filter(action__startswith=data["action"].strip())
        if data.get("object_type"):
            queryset = queryset.filter(object_type=data["object_type"].strip())
        if data.get("since"):
            queryset = queryset.filter(occurred_at__date__gte=data["since"])
        if data.get("until"):
            queryset = queryset.filter(occurred_at__date__lte=data["until"])
        return queryset


class AuditFilterQuery(AuditFilterForm):
    """The same filters for the API, where dates are machine-written: ISO 8601 only."""

    since = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    until = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail from the task worker, so a slow mail server never holds the page
    (and the page answers alike whether or not the address is known)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.db import transaction
        from django.template import loader
        from django.utils import translation

        from .languages import language_of
        from .tasks import send_email

        # In the account's language, whatever the language of the page that asked for it.
        with translation.override(language_of(context.get("user"))):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[to_email]))


class ConfirmIdentityForm(forms.Form):
    """ "Confirm it's you": the password and, where the account has one, a code from the
    authenticator app. Asked before any change to the account's credentials."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["token"]

    clean_token = SecondFactorForm.clean_token


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=_("New e-mail address"), max_length=254)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        from .models import User

        email = self.cleaned_data["email"].strip()
        # A password reset goes to the address: two accounts must not share one.
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(_("Another account uses this address."))
        return email
