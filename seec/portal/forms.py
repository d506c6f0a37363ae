"""The public's forms: a report (sighting or suspicion) and information added to it later.

Every text field refuses markup and scripts outright, with a message naming the field: the
pages escape whatever they show, but a report with a script in it is not a report."""

import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from seec.alerts.public import live_alerts
from seec.core.languages import tag_of
from seec.core.models import Country

from .models import ReportKind
from .selectors import live_publications

# A tag, a comment or doctype, an entity-encoded bracket, or a script URL.
MARKUP = re.compile(r"<\s*[a-z!/?]|&(lt|#0*60|#x0*3c);|javascript\s*:|vbscript\s*:", re.IGNORECASE)


def no_markup(value: str) -> None:
    if MARKUP.search(value or ""):
        raise ValidationError(
            _("Write plain text: markup or scripts (such as <script>) are not accepted."),
            code="markup",
        )


class PlainCharField(forms.CharField):
    default_validators = [no_markup]


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you reporting?"),
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
        initial=ReportKind.SIGHTING,
    )
    alert = forms.ChoiceField(
        label=_("The alert"),
        required=False,
        help_text=_("For a sighting: which child you have seen."),
    )
    child = forms.ChoiceField(
        label=_("Or a missing child published here"),
        required=False,
        help_text=_("For a sighting of a missing child who has no alert."),
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        help_text=_("For a suspicion: the country where it happens."),
    )
    what_was_seen = PlainCharField(
        label=_("What did you see?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who, what they wore, who they were with, a vehicle, where they went."),
    )
    place = PlainCharField(
        label=_("Where?"),
        max_length=300,
        help_text=_("A town, a street, a landmark, a station."),
    )
    seen_at = forms.DateTimeField(
        label=_("When? (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    contact_name = PlainCharField(label=_("Your name (optional)"), max_length=200, required=False)
    contact_phone = PlainCharField(
        label=_("Your telephone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        validators=[no_markup],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_may_be_passed_on = forms.BooleanField(
        label=_(
            "If the child's case is handled in another country, my contact details may be "
            "passed on to the centre there"
        ),
        required=False,
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Its location data and other metadata are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    pow_token = forms.CharField(required=False, widget=forms.HiddenInput)
    pow_solution = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        alerts = live_alerts().prefetch_related("texts").order_by("-issued_at")
        self.live = {alert.reference: alert for alert in alerts}
        self.fields["alert"].choices = [("", "—")] + [
            (alert.reference, _headline(alert)) for alert in alerts
        ]
        self.fields["country"].queryset = Country.objects.filter(in_region=True).order_by("name")
        children = live_publications().select_related("case").order_by("-published_at")
        self.children = {child.slug: child for child in children}
        self.fields["child"].choices = [("", "—")] + [
            (child.slug, f"{child.public_name}, {child.case.last_seen_place}") for child in children
        ]
        if not self.children:
            del self.fields["child"]

    def clean_seen_at(self):
        seen_at = self.cleaned_data.get("seen_at")
        if seen_at and seen_at > timezone.now() + timedelta(minutes=10):
            raise ValidationError(_("This time is in the future."))
        return seen_at

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ReportKind.SIGHTING:
            if data.get("alert"):
                data["alert_object"] = self.live.get(data["alert"])
            elif data.get("child"):
                data["child_object"] = self.children.get(data["child"])
            elif "alert" not in self.errors and "child" not in self.errors:
                self.add_error("alert", _("Choose the child you are reporting about."))
        elif kind == ReportKind.SUSPICION and not data.get("country"):
            self.add_error("country", _("Choose the country."))
        return data


def _headline(alert) -> str:
    """The alert's headline in the visitor's language where it has one."""
    texts = {text.language: text for text in alert.texts.all()}
    if not texts:
        return alert.reference
    text = texts.get(tag_of(translation.get_language() or "")) or next(iter(texts.values()))
    return f"{text.headline} ({alert.reference})"


class AdditionForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=20)
    secret = forms.CharField(
        label=_("Secret code"),
        max_length=64,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    text = PlainCharField(
        label=_("What do you add?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class TriageForm(forms.Form):
    note = PlainCharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Passed to the police, added to the case, no substance…"),
    )
    add_to_case = forms.BooleanField(
        label=_("Record it as a sighting on the child's case"), required=False
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        about_a_child = report is not None and (report.alert_id or report.published_child_id)
        if not about_a_child or report.case_sighting_id:
            del self.fields["add_to_case"]


class PublishForm(forms.Form):
    """Publishing a missing child: the consent and approval recorded, the period, the text."""

    public_text = PlainCharField(
        label=_("Public text (reviewed)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the public should know to recognise the child. Never custody, suspected "
            "trafficking, health or family details."
        ),
    )
    photo = forms.ModelChoiceField(
        label=_("Photo to publish"), queryset=None, required=False, empty_label=_("No photo")
    )
    guardian_consent = PlainCharField(label=_("Guardian's consent (who, how)"), max_length=300)
    consent_on = forms.DateField(
        label=_("Consent given on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    police_approval = PlainCharField(label=_("Police approval (unit, reference)"), max_length=300)
    approved_on = forms.DateField(
        label=_("Approved on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(label=_("Published for (days)"), min_value=1, initial=30)

    def __init__(self, *args, case, **kwargs):
        from seec.cases.models import FileKind

        super().__init__(*args, **kwargs)
        self.fields["photo"].queryset = case.files.filter(kind=FileKind.PHOTO)


class WithdrawForm(forms.Form):
    reason = PlainCharField(label=_("Why"), max_length=300)


class NetworkPublishForm(forms.Form):
    """A coordinator publishes one thing on the regional centre's pages: a record of the
    network (with a reviewed public text), a piece of news, or an annual report."""

    def __init__(self, *args, kind, **kwargs):
        from seec.network.models import Activity, InfoDesk, Partner

        from .models import NetworkItemKind
        from .selectors import annual_report_path, live_network_publications

        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = kind
        live = live_network_publications()
        records = {
            NetworkItemKind.PARTNER: (
                Partner.objects.exclude(
                    pk__in=live.filter(partner__isnull=False).values("partner")
                ),
                _("Partner"),
            ),
            NetworkItemKind.ACTIVITY: (
                Activity.objects.exclude(
                    pk__in=live.filter(activity__isnull=False).values("activity")
                ),
                _("Event or training"),
            ),
            NetworkItemKind.INFO_DESK: (
                InfoDesk.objects.exclude(
                    pk__in=live.filter(info_desk__isnull=False).values("info_desk")
                ),
                _("Info-desk"),
            ),
        }
        if kind in records:
            queryset, label = records[kind]
            self.fields["record"] = forms.ModelChoiceField(label=label, queryset=queryset)
            self.fields["public_text"] = PlainCharField(
                label=_("Public text (reviewed)"),
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "Shown with the record's public fields. The record's notes, contacts, "
                    "participants and outcomes are never shown."
                ),
            )
        elif kind == NetworkItemKind.NEWS:
            self.fields["title"] = PlainCharField(label=_("Title"), max_length=200)
            self.fields["public_text"] = PlainCharField(
                label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
            )
        elif kind == NetworkItemKind.REPORT:
            released = set(live.filter(kind=kind).values_list("year", flat=True))
            this_year = timezone.localdate().year
            years = [
                (year, str(year))
                for year in range(this_year, this_year - 15, -1)
                if year not in released and annual_report_path(year).is_file()
            ]
            self.fields["year"] = forms.TypedChoiceField(
                label=_("Report of the year"),
                choices=years,
                coerce=int,
                help_text=_("Reports built with manage.py build_report and not yet published."),
            )
