"""Forms of the network's pages. Each checks its input and names the field at fault; the
services check the whole record again (`full_clean`) before writing."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.core.models import Country, Organisation

from . import models as m

DATE = forms.DateInput(attrs={"type": "date"})
REGION = Country.objects.filter(in_region=True)


class AtDateForm(forms.Form):
    """The date of the picture (today by default) and what the map is coloured by."""

    at = forms.DateField(label=_("On"), required=False, widget=DATE)
    topic = forms.ChoiceField(label=_("Colour by"), required=False)

    def __init__(self, data, topics=None):
        super().__init__(data)
        if topics is None:
            del self.fields["topic"]
        else:
            self.fields["topic"].choices = [(k, t.label) for k, t in topics.items()]

    def clean_at(self):
        at = self.cleaned_data.get("at")
        if at and at.year < 1900:
            raise forms.ValidationError(_("Choose a date after 1900."))
        return at

    def day(self) -> datetime.date:
        if self.is_valid() and self.cleaned_data.get("at"):
            return self.cleaned_data["at"]
        return timezone.localdate()


class FactForm(forms.ModelForm):
    """A dated fact of one country's profile; the country comes from the page."""

    class Meta:
        widgets = {"effective_from": DATE}


# Set by the system, never by the form.
FACT_SYSTEM_FIELDS = {"id", "country", "recorded_by", "recorded_at"}


def fact_form_class(model, country=None):
    """The form of one kind of fact: every field of the model but the system's."""
    fields = [
        f.name
        for f in model._meta.get_fields()
        if f.concrete and not f.auto_created and f.name not in FACT_SYSTEM_FIELDS
    ]
    extra = {}
    if model is m.LegalGapFact and country is not None:
        extra["gap"] = forms.ModelChoiceField(
            label=_("Gap"), queryset=m.LegalGap.objects.filter(country=country)
        )
    meta = type("Meta", (FactForm.Meta,), {"model": model, "fields": fields})
    return type(f"{model.__name__}Form", (FactForm,), {"Meta": meta, **extra})


class LegalGapForm(forms.ModelForm):
    status = forms.ChoiceField(label=_("Status"), choices=m.GapStatus.choices)
    effective_from = forms.DateField(label=_("Status since"), widget=DATE)

    class Meta:
        model = m.LegalGap
        fields = ["topic", "title", "description", "reference"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


# --- Partners, agreements, liaison officers ----------------------------------------------------


class PartnerForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = m.Partner
        fields = [
            "name", "kind", "country", "organisation", "website", "email", "phone", "address",
            "partner_since", "notes",
        ]  # fmt: skip
        widgets = {"partner_since": DATE}


class PartnerPersonForm(forms.ModelForm):
    class Meta:
        model = m.PartnerPerson
        fields = ["name", "position", "email", "phone", "languages"]


class AgreementForm(forms.ModelForm):
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"), queryset=m.Partner.objects.all(), widget=forms.SelectMultiple
    )
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries covered"), queryset=REGION, required=False
    )

    class Meta:
        model = m.Agreement
        fields = ["title", "kind", "scope", "signed_on", "valid_from", "valid_until"]
        widgets = {"signed_on": DATE, "valid_from": DATE, "valid_until": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parties"].initial = [p.partner_id for p in self.instance.parties.all()]
            self.fields["countries"].initial = list(self.instance.countries.all())


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Signed document (PDF)"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class TerminateForm(ReasonForm):
    on = forms.DateField(label=_("Ends on"), widget=DATE)


class LiaisonOfficerForm(forms.ModelForm):
    counterparts = forms.ModelMultipleChoiceField(
        label=_("Liaises with"), queryset=REGION, required=False
    )

    class Meta:
        model = m.LiaisonOfficer
        fields = [
            "name", "institution", "partner", "country", "function", "topics", "languages",
            "phone", "phone_24_7", "email", "appointed_on", "until",
        ]  # fmt: skip
        widgets = {"appointed_on": DATE, "until": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["counterparts"].initial = list(self.instance.counterparts.all())

    def clean_phone_24_7(self):
        return _checked_phone(self.cleaned_data["phone_24_7"])

    def clean_phone(self):
        return _checked_phone(self.cleaned_data["phone"]) if self.cleaned_data["phone"] else ""


def _checked_phone(value: str) -> str:
    """An international number (+ and country code), stored in E.164 form."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as error:
        raise forms.ValidationError(
            _("Write the number in international form, starting with + and the country code.")
        ) from error
    if not phonenumbers.is_possible_number(number):
        raise forms.ValidationError(_("This is not a possible phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Name, institution or topic"), required=False, max_length=100)
    country = forms.ModelChoiceField(label=_("Country"), queryset=REGION, required=False)
    liaises_with = forms.ModelChoiceField(label=_("Liaises with"), queryset=REGION, required=False)
    language = forms.CharField(label=_("Language"), required=False, max_length=40)


# --- Activities ----------------------------------------------------------------------------------


class ActivityForm(forms.ModelForm):
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"), queryset=REGION, required=False
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("With"), queryset=m.Partner.objects.all(), required=False
    )

    class Meta:
        model = m.Activity
        fields = [
            "kind", "title", "starts_on", "ends_on", "place", "description", "outcomes",
            "participants_count", "organisations_count", "target_groups", "reach",
            "plan_activity",
        ]  # fmt: skip
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["countries"].initial = list(self.instance.countries.all())
            self.fields["partners"].initial = list(self.instance.partners.all())


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = m.Participant
        fields = [
            "name", "email", "organisation_name", "organisation", "sector", "country",
            "pre_test", "post_test", "completed",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)


class ParticipantImportForm(forms.Form):
    file = forms.FileField(
        label=_("Participants (CSV or XLSX)"),
        help_text=_(
            "Columns: name, organisation, sector, country (ISO code), and optionally e-mail, "
            "pre_test, post_test (0–100), completed (yes/no)."
        ),
    )


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = m.Recommendation
        fields = ["number", "text"]


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = m.RecommendationFollowUp
        fields = ["country", "status", "note", "updated_on"]
        widgets = {"updated_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = REGION


class InfoDeskForm(forms.ModelForm):
    class Meta:
        model = m.InfoDesk
        fields = ["name", "host", "country", "place", "opens_on", "closes_on", "materials"]
        widgets = {"opens_on": DATE, "closes_on": DATE}


class DeskContactsForm(forms.ModelForm):
    class Meta:
        model = m.InfoDeskContacts
        fields = ["day", "kind", "count"]
        widgets = {"day": DATE}


class ProjectForm(forms.ModelForm):
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"), queryset=REGION, required=False
    )

    class Meta:
        model = m.Project
        fields = [
            "title", "donor", "role", "coordinator", "status", "proposal_deadline", "budget",
            "currency", "starts_on", "ends_on", "description",
        ]  # fmt: skip
        widgets = {"proposal_deadline": DATE, "starts_on": DATE, "ends_on": DATE}


class ProjectReportForm(forms.ModelForm):
    class Meta:
        model = m.ProjectReport
        fields = ["title", "due_on", "submitted_on"]
        widgets = {"due_on": DATE, "submitted_on": DATE}


# --- The action plan ---------------------------------------------------------------------------


class ActionPlanForm(forms.ModelForm):
    class Meta:
        model = m.ActionPlan
        fields = ["year", "title", "partner", "summary", "prepared_by", "status", "adopted_on"]
        widgets = {"adopted_on": DATE}


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = m.Objective
        fields = ["number", "text"]


class PlannedActivityForm(forms.ModelForm):
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"), queryset=REGION, required=False
    )

    class Meta:
        model = m.PlannedActivity
        fields = ["objective", "number", "title", "description", "owner", "starts", "ends"]
        widgets = {"starts": DATE, "ends": DATE}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["objective"].queryset = plan.objectives.all()
        from seec.core.models import User

        self.fields["owner"].queryset = User.objects.filter(
            is_active=True, organisation__country__isnull=True
        )


class PlanIndicatorForm(forms.ModelForm):
    class Meta:
        model = m.PlanIndicator
        fields = ["text", "unit", "baseline", "target"]


class MonthlyReviewForm(forms.ModelForm):
    month = forms.DateField(
        label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"]
    )

    class Meta:
        model = m.MonthlyReview
        fields = ["month", "held_on", "summary", "issues", "decisions"]
        widgets = {"held_on": DATE}

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month.replace(day=1)


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = m.AnnualEvaluation
        fields = ["evaluated_on", "summary", "lessons", "recommendations"]
        widgets = {"evaluated_on": DATE}


# --- Service evaluations -----------------------------------------------------------------------


def current_catalogues():
    """The current version of each kind: its latest published one."""
    from django.db.models import Max

    latest = (
        m.CriteriaCatalogue.objects.filter(published_on__isnull=False)
        .values("kind")
        .annotate(v=Max("version"))
    )
    pks = [m.CriteriaCatalogue.objects.get(kind=row["kind"], version=row["v"]).pk for row in latest]
    return m.CriteriaCatalogue.objects.filter(pk__in=pks)


class StartEvaluationForm(forms.Form):
    """The service is a platform organisation or a partner (an NGO whose staff do not use the
    platform): one of the two."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation on the platform"),
        queryset=Organisation.objects.filter(is_active=True, country__in_region=True),
        required=False,
    )
    partner = forms.ModelChoiceField(
        label=_("or a partner without users on the platform"),
        queryset=m.Partner.objects.filter(organisation__isnull=True, country__in_region=True),
        required=False,
        help_text=_("The centre then enters the self-assessment on the partner's behalf."),
    )
    catalogue = forms.ModelChoiceField(label=_("Criteria"), queryset=m.CriteriaCatalogue.objects)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue"].queryset = current_catalogues()

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("organisation")) == bool(data.get("partner")):
            self.add_error("organisation", _("Choose either a platform organisation or a partner."))
        return data


class CatalogueForm(forms.ModelForm):
    """The first version of a catalogue the centre enters (a draft)."""

    class Meta:
        model = m.CriteriaCatalogue
        fields = ["kind", "title"]


class CatalogueVersionForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the new version"),
        max_length=200,
        required=False,
        help_text=_("Empty: the title of the version it is made from."),
    )


class CriterionForm(forms.ModelForm):
    class Meta:
        model = m.Criterion
        fields = [
            "code", "group", "text", "guidance", "weight", "indicator", "threshold",
            "higher_is_better",
        ]  # fmt: skip
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "guidance": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "weight": _("1 to 10; a criterion of the highest weight must be largely met."),
            "indicator": _("The code of an indicator computed from the platform's records."),
            "threshold": _("The indicator's value that meets the criterion."),
        }


class PublishCatalogueForm(forms.Form):
    published_on = forms.DateField(label=_("Published on"), widget=DATE, required=False)


class ModelProtocolForm(forms.ModelForm):
    class Meta:
        model = m.ModelProtocol
        fields = ["code", "title", "topic", "description"]


class ProtocolAdoptionForm(forms.ModelForm):
    """A country's adoption of a model protocol from a date (a dated fact)."""

    class Meta:
        model = m.ProtocolAdoptionFact
        fields = ["country", "stage", "effective_from", "source", "note"]
        widgets = {"effective_from": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = REGION


class ImprovementForm(forms.ModelForm):
    class Meta:
        model = m.ImprovementAction
        fields = ["criterion", "finding", "action", "deadline"]
        widgets = {"deadline": DATE}

    def __init__(self, *args, evaluation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if evaluation is not None:
            self.fields["criterion"].queryset = evaluation.catalogue.criteria.all()


class CompleteEvaluationForm(forms.Form):
    summary = forms.CharField(label=_("Summary of findings"), widget=forms.Textarea)
