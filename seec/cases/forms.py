"""Forms of the hotline pages. They validate input; the services do the work."""

import hashlib

from django import forms
from django.forms.models import construct_instance
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.core.datetime_field import LocalDateField, LocalDateTimeField
from seec.core.models import Country, Organisation
from seec.core.widgets import QuickSelect

from .models import (
    FOUND_OUTCOMES,
    Case,
    CasePerson,
    Category,
    FileKind,
    FoundHow,
    Outcome,
    RiskLevel,
    Sighting,
    Status,
)
from .selectors import ChildDetails


class FieldsOnlyModelForm(forms.ModelForm):
    """Validates the fields and the row's own rules; the service validates the rest (the
    organisation, numbering and links it sets) and saves."""

    def _post_clean(self):
        opts = self._meta
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        try:
            self.instance.clean_fields(exclude=self._get_validation_exclusions())
            self.instance.clean()
        except forms.ValidationError as error:
            self._update_errors(error)


class CaseForm(FieldsOnlyModelForm):
    """The facts of a case: the child and the disappearance."""

    class Meta:
        model = Case
        fields = [
            "given_names", "family_name", "names_latin", "other_names", "sex", "date_of_birth",
            "age_estimate", "nationality", "languages", "address", "school",
            "height_cm", "build", "hair", "eyes", "distinguishing_marks", "clothing",
            "medical_needs", "medication",
            "category", "subcategory", "last_seen_at", "last_seen_place", "last_seen_lat",
            "last_seen_lon", "circumstances", "may_cross_border", "heading_to",
            "police_notified_at", "police_unit", "police_reference", "sis_alert",
            "interpol_notice",
        ]  # fmt: skip
        field_classes = {
            "date_of_birth": LocalDateField,
            "last_seen_at": LocalDateTimeField,
            "police_notified_at": LocalDateTimeField,
        }
        widgets = {
            "distinguishing_marks": forms.Textarea(attrs={"rows": 2}),
            "clothing": forms.Textarea(attrs={"rows": 2}),
            "medical_needs": forms.Textarea(attrs={"rows": 2}),
            "medication": forms.Textarea(attrs={"rows": 2}),
            "circumstances": forms.Textarea(attrs={"rows": 3}),
            "nationality": QuickSelect,  # 250 countries
            "heading_to": QuickSelect,
        }

    SECTIONS = [
        (_("The child"), ["given_names", "family_name", "names_latin", "other_names", "sex",
                          "date_of_birth", "age_estimate", "nationality", "languages", "address",
                          "school"]),
        (_("Description"), ["height_cm", "build", "hair", "eyes", "distinguishing_marks",
                            "clothing", "medical_needs", "medication"]),
        (_("The disappearance"), ["category", "subcategory", "last_seen_at", "last_seen_place",
                                  "last_seen_lat", "last_seen_lon", "circumstances",
                                  "may_cross_border", "heading_to"]),
        (_("Police"), ["police_notified_at", "police_unit", "police_reference", "sis_alert",
                       "interpol_notice"]),
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region_first = Country.objects.order_by("-in_region", "name")
        self.fields["nationality"].queryset = region_first
        self.fields["heading_to"].queryset = region_first
        self.fields["given_names"].widget.attrs["autofocus"] = True
        if not self.instance.pk:
            self.initial.setdefault("last_seen_at", timezone.localtime().replace(second=0))

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class RiskForm(forms.Form):
    under_13 = forms.BooleanField(label=_("The child is under 13"), required=False)
    vulnerable = forms.BooleanField(
        label=_("Vulnerability (disability, mental health, pregnancy…)"), required=False
    )
    medical_need = forms.BooleanField(label=_("Urgent medical need or medication"), required=False)
    danger_signs = forms.BooleanField(
        label=_("Signs of danger (threats, violence, weapon, unknown adult)"), required=False
    )
    previous_episodes = forms.BooleanField(label=_("Has gone missing before"), required=False)
    suspected_exploitation = forms.BooleanField(
        label=_("Suspected sexual or labour exploitation"), required=False
    )
    suspected_trafficking = forms.BooleanField(label=_("Suspected trafficking"), required=False)
    level = forms.ChoiceField(
        label=_("Risk level (leave to compute it from the factors)"),
        choices=[("", _("Computed from the factors")), *RiskLevel.choices],
        required=False,
    )
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 3}))

    FACTORS = [
        "under_13", "vulnerable", "medical_need", "danger_signs", "previous_episodes",
        "suspected_exploitation", "suspected_trafficking",
    ]  # fmt: skip

    def factors(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FACTORS}


class SightingForm(forms.ModelForm):
    class Meta:
        model = Sighting
        fields = ["seen_at", "place", "lat", "lon", "description", "reported_by"]
        field_classes = {"seen_at": LocalDateTimeField}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class FoundForm(forms.Form):
    found_at = LocalDateTimeField(label=_("When found"))
    found_how = forms.ChoiceField(label=_("How the child was found"), choices=FoundHow.choices)
    outcome = forms.ChoiceField(
        label=_("The child's state"),
        choices=[(o.value, o.label) for o in Outcome if o in FOUND_OUTCOMES],
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), (Outcome.CLOSED_OTHER.value, Outcome.CLOSED_OTHER.label)],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for closing"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_at = LocalDateTimeField(label=_("Due"))


class PersonForm(forms.ModelForm):
    class Meta:
        model = CasePerson
        fields = [
            "role", "name", "relation", "phone", "email", "address", "notes",
            "vehicle_make", "vehicle_model", "vehicle_colour", "vehicle_plate",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FileKind.choices)
    file = forms.FileField(label=_("File"), help_text=_("A photo (JPEG, PNG, WebP) or a PDF."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class AssignForm(forms.Form):
    manager = forms.ModelChoiceField(label=_("Case manager"), queryset=None)

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers
        if not self.is_bound:
            self.fields["manager"].choices = cached_choices(managers)


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Share with"), queryset=None, widget=QuickSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, exclude_organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # An organisation hosted on another installation is reached by a referral (exchange).
        self.fields["organisation"].queryset = Organisation.objects.filter(
            is_active=True, remote__isnull=True
        ).exclude(pk=exclude_organisation)
        if not self.is_bound:
            self.fields["organisation"].choices = cached_choices(
                self.fields["organisation"].queryset
            )


# Lists that change a few times a year (organisations, a hotline's case managers, countries),
# offered on every case page and call screen: kept a minute in the cache instead of queried on
# each view. Only what is shown: a submitted form is checked against the table itself. Per
# language, as some labels are translated (a country's name).
CHOICES_SECONDS = 60


def cached_choices(queryset) -> list[tuple]:
    from django.core.cache import cache
    from django.utils import translation

    query = f"{translation.get_language()}:{queryset.query}"
    key = "choices:" + hashlib.sha256(query.encode()).hexdigest()
    choices = cache.get(key)
    if choices is None:
        choices = [("", "---------"), *((item.pk, str(item)) for item in queryset)]
        cache.set(key, choices, CHOICES_SECONDS)
    return choices


SORTS = {
    "-opened_at": _("Newest first"),
    "opened_at": _("Oldest first"),
    "-last_seen_at": _("Last seen, most recent first"),
    "number": _("Case number"),
}


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any")), ("open_any", _("Open or active")), *Status.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any")), *Category.choices], required=False
    )
    risk = forms.ChoiceField(
        label=_("Risk"), choices=[("", _("Any")), *RiskLevel.choices], required=False
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=list(SORTS.items()), required=False)

    def filter(self, cases, user):
        data = self.cleaned_data
        if data.get("status") == "open_any":
            cases = cases.open()
        elif data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("category"):
            cases = cases.filter(category=data["category"])
        if data.get("risk"):
            cases = cases.filter(risk_level=data["risk"])
        if data.get("mine"):
            cases = cases.filter(assigned_manager=user)
        return cases.order_by(data.get("sort") or "-opened_at", "-pk")


# A search reaches back as far as a case's child can be old (Case.clean: at most 25), and a
# little more for a year said wrong or a case opened years ago.
OLDEST_SEARCHED_AGE = 30


class CaseSearchForm(forms.Form):
    """The search box and what the caller knows of the child besides the name, for the search
    page and the API (`?q=&born=&age=&place=`)."""

    q = forms.CharField(
        label=_("Case number, phone number or the child's name, in any alphabet"),
        required=False,
        max_length=200,
    )
    born = forms.IntegerField(label=_("Year of birth"), required=False)
    age = forms.IntegerField(label=_("Age (years)"), required=False)
    place = forms.CharField(label=_("Town or country"), required=False, max_length=100)

    def clean_born(self):
        born = self.cleaned_data["born"]
        this_year = timezone.localdate().year
        if born is not None and not this_year - OLDEST_SEARCHED_AGE <= born <= this_year:
            raise forms.ValidationError(
                _("Year of birth: give a year from %(first)s to %(last)s."),
                params={"first": this_year - OLDEST_SEARCHED_AGE, "last": this_year},
            )
        return born

    def clean_age(self):
        age = self.cleaned_data["age"]
        if age is not None and not 0 <= age <= OLDEST_SEARCHED_AGE:
            raise forms.ValidationError(
                _("Age: give the child's age in years, from 0 to %(oldest)s."),
                params={"oldest": OLDEST_SEARCHED_AGE},
            )
        return age

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("born") is not None and cleaned.get("age") is not None:
            # Two answers to one question: which one the caller meant is theirs to say.
            self.add_error("age", _("Age: give the year of birth or the age, not both."))
        return cleaned

    def details(self):
        """What the caller knows besides the name, for selectors.search_cases."""
        return ChildDetails(
            born=self.cleaned_data.get("born"),
            age=self.cleaned_data.get("age"),
            place=self.cleaned_data.get("place", "").strip(),
        )
