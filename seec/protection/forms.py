"""Forms of the protection pages: each validates its fields; the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from seec.core.models import Country, Organisation, OrganisationKind

from .models import (
    AgeAssessment,
    ChildVictim,
    ConsentBy,
    GuardianAppointment,
    IdentificationStatus,
    IdentifierKind,
    Indicator,
    IntelligenceItem,
    PersonOfInterest,
    RepatriationPlan,
    ServiceKind,
    ServiceProvider,
    StepKind,
)
from .services import VICTIM_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})


class VictimForm(forms.ModelForm):
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators seen"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ChildVictim
        fields = VICTIM_FIELDS
        widgets = {
            "met_on": DATE,
            "date_of_birth": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, catalogue=None, **kwargs):
        super().__init__(*args, **kwargs)
        if catalogue is not None:
            self.fields["indicators"].queryset = catalogue.indicators.all()
        else:
            del self.fields["indicators"]


class IndicatorsForm(forms.Form):
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators seen"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("What was seen"), max_length=500, required=False)

    def __init__(self, *args, catalogue=None, **kwargs):
        super().__init__(*args, **kwargs)
        if catalogue is not None:
            self.fields["indicators"].queryset = catalogue.indicators.all()


class AgeForm(forms.ModelForm):
    class Meta:
        model = AgeAssessment
        fields = ["method", "lowest_age", "highest_age", "assessed_by", "assessed_on"]
        widgets = {"assessed_on": DATE}


class GuardianForm(forms.ModelForm):
    class Meta:
        model = GuardianAppointment
        fields = ["guardian_name", "appointed_by", "appointed_on", "contact"]
        widgets = {"appointed_on": DATE}


class IdentificationForm(forms.Form):
    status = forms.ChoiceField(label=_("Identification"), choices=IdentificationStatus.choices)
    authority = forms.CharField(label=_("Deciding authority"), max_length=200, required=False)
    on = forms.DateField(label=_("Decided on"), widget=DATE)


class ReferralForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=ServiceProvider.objects.none())
    service = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    reason = forms.CharField(
        label=_("What the child needs"), widget=forms.Textarea(attrs={"rows": 2})
    )
    consent_by = forms.ChoiceField(label=_("Consent given by"), choices=ConsentBy.choices)
    consent_note = forms.CharField(label=_("How consent was given"), max_length=300, required=False)
    answer_due = forms.DateField(label=_("Answer due"), widget=DATE)

    def __init__(self, *args, country=None, **kwargs):
        super().__init__(*args, **kwargs)
        providers = ServiceProvider.objects.filter(is_active=True)
        self.fields["provider"].queryset = (
            providers.filter(country=country) if country else providers
        )


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Accept")), ("no", _("Decline"))],
        coerce=lambda v: v == "yes",
    )
    starts_on = forms.DateField(label=_("Service starts"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CloseReferralForm(forms.Form):
    completed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Service given")), ("no", _("Ended before completion"))],
        coerce=lambda v: v == "yes",
    )
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class ProviderForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("Services"), choices=ServiceKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ServiceProvider
        fields = ["name", "country", "city", "services", "organisation", "phone", "email",
                  "languages", "children_only", "is_active"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(in_region=True)


class PlanOpenForm(forms.Form):
    destination = forms.ModelChoiceField(
        label=_("Country of return"), queryset=Country.objects.filter(in_region=True)
    )
    agreement = forms.CharField(label=_("Agreement applied"), max_length=300, required=False)


class PlanForm(forms.ModelForm):
    class Meta:
        model = RepatriationPlan
        fields = [
            "best_interests", "best_interests_by", "best_interests_on", "return_risk",
            "risk_assessment", "family_assessment", "child_views", "child_heard_on",
        ]  # fmt: skip
        widgets = {
            "best_interests_on": DATE,
            "child_heard_on": DATE,
            "best_interests": forms.Textarea(attrs={"rows": 3}),
            "risk_assessment": forms.Textarea(attrs={"rows": 3}),
            "family_assessment": forms.Textarea(attrs={"rows": 3}),
            "child_views": forms.Textarea(attrs={"rows": 3}),
        }


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=StepKind.choices)
    owner = forms.ModelChoiceField(
        label=_("Owning agency on the platform"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    owner_name = forms.CharField(
        label=_("…or an agency off the platform"), max_length=200, required=False
    )
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    description = forms.CharField(label=_("Details"), max_length=300, required=False)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[
            ("yes", _("Approve the return")),
            ("no", _("Stop: not in the child's best interests")),
        ],
        coerce=lambda v: v == "yes",
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StepAnswerForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Done: confirm")), ("no", _("Cannot be done"))],
        coerce=lambda v: v == "yes",
    )
    by = forms.CharField(label=_("Confirmed by"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PersonForm(forms.ModelForm):
    class Meta:
        model = PersonOfInterest
        fields = ["role", "name", "born_on", "nationality", "review_on", "retain_until"]
        widgets = {"born_on": DATE, "review_on": DATE, "retain_until": DATE}


class ItemForm(forms.ModelForm):
    class Meta:
        model = IntelligenceItem
        fields = ["text", "handling", "handling_note", "reliability", "accuracy", "review_on",
                  "retain_until"]  # fmt: skip
        widgets = {
            "review_on": DATE,
            "retain_until": DATE,
            "text": forms.Textarea(attrs={"rows": 3}),
        }


class SharePersonForm(forms.Form):
    police = forms.ModelChoiceField(
        label=_("Police unit"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.POLICE, is_active=True),
    )
    reason = forms.CharField(
        label=_("Decision and reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentifierKind.choices)
    value = forms.CharField(label=_("Identifier"), max_length=500)
    platform = forms.CharField(label=_("Platform or provider"), max_length=100, required=False)
    note = forms.CharField(label=_("Context"), max_length=300, required=False)
