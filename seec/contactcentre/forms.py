"""The forms of the contact centre. They validate input; the services do the work.

Date and time fields use the platform's plain widgets (cases/forms.py) so that they switch to
the locale-aware input with the rest of the platform.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.cases.forms import FieldsOnlyModelForm, cached_choices
from seec.cases.models import Case, Contact, ContactSubject
from seec.core.datetime_field import LocalDateField, LocalDateTimeField
from seec.core.models import Country, User
from seec.core.widgets import QuickSelect

from . import languages
from .models import PresenceStatus


class CallForm(FieldsOnlyModelForm):
    """The caller and the contact, in the order a call goes."""

    case_number = forms.CharField(
        label=_("Case number (a follow-up on an existing case)"), required=False, max_length=20
    )
    conversation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    caller_language = forms.ChoiceField(label=_("Caller's language"), required=False)

    class Meta:
        model = Contact
        fields = [
            "channel", "subject", "anonymous", "caller_relation", "caller_name", "caller_phone",
            "caller_language", "summary", "referred_to", "started_at", "duration_seconds",
        ]  # fmt: skip
        widgets = {
            "started_at": forms.HiddenInput,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "duration_seconds": forms.NumberInput(attrs={"min": 0, "data-timer-field": ""}),
        }

    def __init__(self, *args, caller_number="", hotline_country="", **kwargs):
        super().__init__(*args, **kwargs)
        number = self.data.get("caller_phone") or caller_number
        self.fields["caller_language"].choices = languages.caller_language_choices(
            caller_number=number, hotline_country=hotline_country
        )
        self.fields["channel"].widget.attrs["autofocus"] = True
        self.fields["started_at"].required = False

    def clean_started_at(self):
        return self.cleaned_data.get("started_at") or timezone.now()

    def contact_data(self) -> dict:
        skip = {"case_number", "conversation"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    @property
    def is_new_disappearance(self) -> bool:
        return self.data.get("subject") == ContactSubject.NEW_DISAPPEARANCE


class ChildForm(FieldsOnlyModelForm):
    """The child and the disappearance, on the same screen when the call reports one."""

    class Meta:
        model = Case
        fields = [
            "given_names", "family_name", "sex", "date_of_birth", "age_estimate", "nationality",
            "category", "subcategory", "last_seen_at", "last_seen_place", "circumstances",
            "may_cross_border",
        ]  # fmt: skip
        field_classes = {"date_of_birth": LocalDateField, "last_seen_at": LocalDateTimeField}
        widgets = {
            "circumstances": forms.Textarea(attrs={"rows": 3}),
            "nationality": QuickSelect,  # 250 countries
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].queryset = Country.objects.order_by("-in_region", "name")
        if not self.is_bound:  # the call screen's blank form, on every call
            self.fields["nationality"].choices = cached_choices(self.fields["nationality"].queryset)
        self.initial.setdefault("last_seen_at", timezone.localtime().replace(second=0))
        for name in ("given_names", "family_name"):
            self.fields[name].widget.attrs["autocomplete"] = "off"


class PresenceForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PresenceStatus.choices)
    chat_capacity = forms.IntegerField(
        label=_("Chats at once"), min_value=1, max_value=10, required=False
    )


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Transfer to"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("Note for the colleague"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = User.objects.filter(pk__in=[c.pk for c in colleagues])
        self.fields["to"].choices = [("", "—")] + [
            (colleague.pk, colleague_label(colleague)) for colleague in colleagues
        ]


def colleague_label(user) -> str:
    name = user.get_full_name() or user.username
    presence = getattr(user, "presence", None)
    return f"{name} ({presence.get_status_display()})" if presence else name


class PublicChatForm(forms.Form):
    """What a visitor chooses before a chat starts: the country whose hotline answers."""

    country = forms.ModelChoiceField(
        label=_("Your country"),
        queryset=Country.objects.filter(in_region=True),
        to_field_name="code",
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "—")] + [
            (code, languages.label(code)) for code in sorted(languages.known_languages())
        ]
