from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.core.models import Organisation, OrganisationKind

from .models import (
    ConsentBasis,
    CooperationKind,
    DeclineReason,
    Handling,
    InformationAccuracy,
    ReferralMode,
    SourceReliability,
)


def other_organisations(user, kinds=None):
    """Every active national organisation but the user's own, on this node or a peer's."""
    organisations = Organisation.objects.filter(is_active=True).exclude(pk=user.organisation_id)
    if kinds:
        organisations = organisations.filter(kind__in=kinds)
    return organisations.select_related("country").order_by("country__name", "name")


class ReferForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Refer to"), queryset=None)
    mode = forms.ChoiceField(label=_("What you offer"), choices=ReferralMode.choices)
    pseudonymise = forms.BooleanField(
        label=_("Pseudonymise the child's personal data (names, address, school, birth date)"),
        required=False,
    )
    reason = forms.CharField(label=_("Why you refer it"), widget=forms.Textarea(attrs={"rows": 2}))
    consent_basis = forms.ChoiceField(label=_("Consent"), choices=ConsentBasis.choices)
    consent_note = forms.CharField(
        label=_("How consent was given, or why the child's protection overrides it"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    handling = forms.ChoiceField(
        label=_("Handling code"), choices=Handling.choices, initial=Handling.H2
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = other_organisations(user).exclude(country=None)


class AnswerReferralForm(forms.Form):
    decline_reason = forms.ChoiceField(
        label=_("Reason to decline"), choices=[("", "—"), *DeclineReason.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralUpdateForm(forms.Form):
    note = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 3}))
    include_case = forms.BooleanField(label=_("Send the case as it is now with it"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CooperationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Ask"), queryset=None)
    kind = forms.ChoiceField(label=_("What is asked"), choices=CooperationKind.choices)
    question = forms.CharField(label=_("Your request"), widget=forms.Textarea(attrs={"rows": 3}))
    child_name = forms.CharField(label=_("The child's name"), max_length=300)
    child_sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("female", _("Female")), ("male", _("Male")), ("unknown", _("Unknown"))],
    )
    child_date_of_birth = forms.DateField(label=_("Date of birth"), required=False)
    child_nationality = forms.CharField(label=_("Nationality (ISO code)"), max_length=2,
                                        required=False)  # fmt: skip
    child_description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    missing_since = forms.DateField(label=_("Missing since"), required=False)
    missing_from = forms.CharField(label=_("Missing from (place)"), required=False)
    applicant = forms.CharField(label=_("Applicant (Hague): name and relationship"),
                                required=False)  # fmt: skip
    removed_by = forms.CharField(
        label=_("Person said to have removed the child (Hague): name and relationship"),
        required=False,
    )
    date_of_removal = forms.DateField(label=_("Date of removal (Hague)"), required=False)
    habitual_residence = forms.CharField(label=_("Habitual residence (Hague)"), required=False)
    grounds = forms.CharField(
        label=_("Grounds of the claim (Hague)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    handling = forms.ChoiceField(label=_("Handling code"), choices=Handling.choices,
                                 initial=Handling.H2)  # fmt: skip
    reliability = forms.ChoiceField(label=_("Source reliability"),
                                    choices=SourceReliability.choices)  # fmt: skip
    accuracy = forms.ChoiceField(label=_("Information accuracy"),
                                 choices=InformationAccuracy.choices)  # fmt: skip
    deadline = forms.DateTimeField(label=_("Answer by"), initial=lambda: (
        timezone.localtime() + timezone.timedelta(days=2)).strftime("%Y-%m-%d %H:%M"))  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = other_organisations(
            user, kinds=[OrganisationKind.POLICE, OrganisationKind.INTERNATIONAL]
        )

    def facts(self) -> dict:
        """The form's answers as the facts of the measure asked for."""
        data = self.cleaned_data
        child = {"name": data["child_name"], "sex": data["child_sex"]}
        for field, key in (("child_date_of_birth", "date_of_birth"),
                           ("child_nationality", "nationality"),
                           ("child_description", "description")):  # fmt: skip
            if data.get(field):
                child[key] = str(data[field]).upper() if key == "nationality" else str(data[field])
        facts = {"child": child}
        if data["kind"] == CooperationKind.HAGUE_ARTICLE_8:
            facts.update(
                {key: value for key, value in {
                    "applicant": {"name": data["applicant"]} if data["applicant"] else None,
                    "removed_by": {"name": data["removed_by"]} if data["removed_by"] else None,
                    "date_of_removal": str(data["date_of_removal"] or "") or None,
                    "habitual_residence": data["habitual_residence"] or None,
                    "grounds": data["grounds"] or None,
                }.items() if value}
            )  # fmt: skip
        elif data["kind"] == CooperationKind.YELLOW_NOTICE:
            disappearance = {}
            if data.get("missing_since"):
                disappearance["date"] = str(data["missing_since"])
            if data.get("missing_from"):
                disappearance["place"] = data["missing_from"]
            facts["disappearance"] = disappearance
        return facts


class CooperationAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))
    reliability = forms.ChoiceField(label=_("Source reliability"),
                                    choices=SourceReliability.choices)  # fmt: skip
    accuracy = forms.ChoiceField(label=_("Information accuracy"),
                                 choices=InformationAccuracy.choices)  # fmt: skip
