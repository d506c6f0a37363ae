from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import catalogue
from .periods import parse
from .tables import BREAKDOWN_CHOICES


class DashboardFilterForm(forms.Form):
    country = forms.MultipleChoiceField(
        label=_("Countries"), required=False, widget=forms.CheckboxSelectMultiple
    )
    first_year = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100)
    breakdown = forms.ChoiceField(
        label=_("Breakdown"),
        choices=[(b, catalogue.BREAKDOWNS[b].label) for b in BREAKDOWN_CHOICES],
        required=False,
    )

    def __init__(self, data, countries):
        year = timezone.now().year
        data = {"first_year": year - 3, "last_year": year, "breakdown": "category", **data}
        super().__init__(data)
        self.fields["country"].choices = [(c.code, str(c)) for c in countries]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and not 0 <= last - first <= 9:
            raise ValidationError(_("Choose at most ten years, the first before the last."))
        return cleaned


class StartSubmissionForm(forms.Form):
    family = forms.ChoiceField(label=_("Indicators"), choices=list(catalogue.FAMILY_LABELS.items()))
    period = forms.CharField(
        label=_("Period"), max_length=10, help_text=_("A year (2025), quarter (2025-Q2) or month.")
    )

    def clean_period(self):
        return parse(self.cleaned_data["period"]).code


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled template (XLSX or CSV)"))


class SubmitForm(forms.Form):
    confirm_jumps = forms.BooleanField(
        label=_("I confirm the figures that changed by more than half against the year before."),
        required=False,
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("What needs correcting"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ComputeFiguresForm(forms.Form):
    country = forms.MultipleChoiceField(
        label=_("Countries"), required=False, widget=forms.CheckboxSelectMultiple
    )
    period = forms.CharField(
        label=_("Period"), max_length=10, help_text=_("A year (2025), quarter (2025-Q2) or month.")
    )

    def __init__(self, data, countries):
        data = {"period": str(timezone.now().year), **(data or {})}
        super().__init__(data)
        self.fields["country"].choices = [(c.code, str(c)) for c in countries]

    def clean_period(self):
        return parse(self.cleaned_data["period"]).code
