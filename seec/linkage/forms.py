from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from seec.cases.models import Category
from seec.core.datetime_field import LocalDateField

from .models import PairStatus, PartnerListKind, RunKind
from .partner_mapping import DATE_FORMATS, FIELDS, GIVEN_FIRST, NAME_ORDERS, Mapping


def _region_choices():
    from seec.core.models import Country

    return [(c.pk, str(c)) for c in Country.objects.filter(in_region=True).order_by("name")]


class StartRunForm(forms.Form):
    kind = forms.ChoiceField(label=_("Look for"), choices=RunKind.choices, widget=forms.RadioSelect)
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=[],
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Duplicates: your country. Across: your country and its neighbours. Against a "
            "partner list: the countries whose cases to look for in the list."
        ),
    )
    partner_list = forms.ChoiceField(
        label=_("Partner list"),
        choices=[],
        required=False,
        help_text=_("For a run against a partner list: one of your organisation's lists."),
    )
    threshold = forms.FloatField(
        label=_("Show pairs from this match probability"),
        initial=0.5,
        min_value=0.05,
        max_value=0.99,
    )

    def __init__(self, *args, user=None, partner_lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = _region_choices()
        self.fields["partner_list"].choices = [("", "—")] + [
            (str(p.pk), str(p)) for p in partner_lists
        ]
        if user is not None and user.organisation is not None:
            self.fields["countries"].initial = [user.organisation.country_id]


class DecideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(value, label) for value, label in PairStatus.choices if value != "pending"],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Privacy-preserving matching -----------------------------------------------------------


class KeySource:
    GENERATE = "generate"
    ENTER = "enter"


class AgreementForm(forms.Form):
    partner_organisation = forms.ModelChoiceField(
        label=_("Partner on the platform"),
        queryset=None,
        required=False,
        help_text=_("If the partner works on this platform too; otherwise name it below."),
    )
    partner_name = forms.CharField(label=_("Partner"), max_length=200, required=False)
    partner_country = forms.ChoiceField(label=_("Partner's country"), choices=[], required=False)
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the matching is for, as the agreement says it."),
    )
    valid_from = LocalDateField(label=_("Valid from"))
    valid_until = LocalDateField(label=_("Valid until"))
    key_source = forms.ChoiceField(
        label=_("Shared key"),
        choices=[
            (KeySource.GENERATE, _("Make a new key here and hand it to the partner")),
            (KeySource.ENTER, _("Enter the key the partner made")),
        ],
        initial=KeySource.GENERATE,
        widget=forms.RadioSelect,
    )
    key = forms.CharField(
        label=_("The partner's key"),
        required=False,
        strip=True,
        # Never sent back to the browser, even when the form comes back with an error.
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Only when the partner made the key. It is shown nowhere after this."),
    )

    def __init__(self, *args, user=None, **kwargs):
        from seec.core import policy
        from seec.core.models import Country, Organisation

        super().__init__(*args, **kwargs)
        others = policy.visible_to(user, Organisation).filter(is_active=True)
        if user is not None and user.organisation_id:
            others = others.exclude(pk=user.organisation_id)
        self.fields["partner_organisation"].queryset = others.select_related("country").order_by(
            "name"
        )
        countries = Country.objects.order_by("-in_region", "name")
        self.fields["partner_country"].choices = [("", "—")] + [(c.pk, str(c)) for c in countries]

    def clean(self):
        data = super().clean()
        if not data.get("partner_organisation"):
            if not (data.get("partner_name") or "").strip():
                self.add_error("partner_name", _("Name the partner, or choose it on the platform."))
            if not data.get("partner_country"):
                self.add_error("partner_country", _("Choose the partner's country."))
        if data.get("key_source") == KeySource.ENTER and not data.get("key"):
            self.add_error("key", _("Enter the partner's key, or make a new one here."))
        return data


class CaseSelectionForm(forms.Form):
    """Which of our open cases to encode or compare; empty fields mean all."""

    country = forms.ChoiceField(label=_("Country of the case"), choices=[], required=False)
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category."),
    )
    opened_since = LocalDateField(label=_("Opened since"), required=False)

    def __init__(self, *args, **kwargs):
        from seec.core.models import Country

        super().__init__(*args, **kwargs)
        region = Country.objects.filter(in_region=True).order_by("name")
        self.fields["country"].choices = [("", _("All"))] + [(c.pk, str(c)) for c in region]

    def selection(self):
        from .selectors import CaseSelection

        data = self.cleaned_data
        return CaseSelection(
            country=data.get("country") or "",
            categories=tuple(data.get("categories") or ()),
            opened_since=data.get("opened_since"),
        )


class EncodeForm(CaseSelectionForm):
    prefix = "encode"


class CompareForm(CaseSelectionForm):
    prefix = "compare"

    # An empty file reaches the service, which lists it among the problems of a refused file.
    partner_file = forms.FileField(label=_("The partner's encodings file"), allow_empty_file=True)
    threshold = forms.FloatField(
        label=_("Keep candidates from this score"),
        initial=0.5,
        min_value=0.5,
        max_value=0.99,
        help_text=_("Between 0.5 and 0.99; the lower, the more candidates to review."),
    )

    field_order = ["partner_file", "threshold", "country", "categories", "opened_since"]


class EndAgreementForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the agreement ends"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RecordLookupForm(forms.Form):
    record_id = forms.CharField(
        label=_("Record id in our file"),
        max_length=64,
        help_text=_("The id the partner quotes for one of our records."),
    )


class PartnerFileForm(forms.Form):
    file = forms.FileField(
        label=_("The list (CSV or XLSX)"),
        help_text=_(
            "The first row names the columns; then one row per child. A CSV file must be in "
            "UTF-8 (in Excel: Save as → “CSV UTF-8”)."
        ),
    )


def _days(days: int) -> str:
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


class PartnerMappingForm(forms.Form):
    """The mapping screen: the list's name, kind, country and retention, and for each common
    field the file's column that holds it."""

    name = forms.CharField(label=_("Name of the list"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of list"), choices=PartnerListKind.choices)
    country = forms.ChoiceField(label=_("Country the list concerns"), choices=[])
    retention_days = forms.TypedChoiceField(
        label=_("Keep the list for"),
        coerce=int,
        choices=[],
        help_text=_("Then it is deleted with its rows and the pairs found with them."),
    )
    date_format = forms.ChoiceField(
        label=_("Dates are written as"), choices=list(DATE_FORMATS.items())
    )
    name_order = forms.ChoiceField(
        label=_("A full name gives"),
        choices=list(NAME_ORDERS.items()),
        initial=GIVEN_FIRST,
        required=False,
    )

    def __init__(self, *args, columns=(), retention=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _region_choices()
        self.fields["retention_days"].choices = [(d, _days(d)) for d in retention]
        empty = [("", _("— not in the file —"))]
        for common in FIELDS:
            self.fields[f"column_{common.name}"] = forms.ChoiceField(
                label=common.label,
                choices=empty + [(c, c) for c in columns],
                required=False,
            )

    def column_fields(self):
        return [self[f"column_{common.name}"] for common in FIELDS]

    def list_fields(self):
        return [self[name] for name in ("name", "kind", "country", "retention_days")]

    def mapping(self) -> Mapping:
        """The mapping as chosen (read from the raw data: the preview shows it even while
        another field is wrong)."""
        data = self.data if self.is_bound else {}
        columns = {}
        for common in FIELDS:
            key = f"column_{common.name}"
            value = data.get(key) if self.is_bound else self.initial.get(key)
            if value:
                columns[common.name] = value
        read = data.get if self.is_bound else self.initial.get
        return Mapping(
            columns=columns,
            date_format=read("date_format") or "",
            name_order=read("name_order") or GIVEN_FIRST,
        )
