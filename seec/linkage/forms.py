from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
