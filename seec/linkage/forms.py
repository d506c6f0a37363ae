from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PairStatus, RunKind


class StartRunForm(forms.Form):
    kind = forms.ChoiceField(label=_("Look for"), choices=RunKind.choices, widget=forms.RadioSelect)
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=[],
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Duplicates: your country. Across: your country and its neighbours."),
    )
    threshold = forms.FloatField(
        label=_("Show pairs from this match probability"),
        initial=0.5,
        min_value=0.05,
        max_value=0.99,
    )

    def __init__(self, *args, user=None, **kwargs):
        from seec.core.models import Country

        super().__init__(*args, **kwargs)
        region = Country.objects.filter(in_region=True).order_by("name")
        self.fields["countries"].choices = [(c.pk, str(c)) for c in region]
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
