"""Forms of the alert pages: the request with its criteria, and the authority's decisions."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seec.cases.models import CaseFile, FileKind

from . import criteria
from .models import Channel, Tier
from .regions import regions_of


class RequestForm(forms.Form):
    """A child alert request: every criterion of the country answered with its evidence, the
    area, and what the public may be shown."""

    tier = forms.ChoiceField(label=_("Kind of alert"), choices=Tier.choices)
    exercise = forms.BooleanField(
        label=_("This is an exercise (a drill, never shown as real)"), required=False
    )
    area_description = forms.CharField(label=_("Area"), max_length=300)
    polygon = forms.CharField(
        label=_("Area outline (one 'latitude,longitude' per line, optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    circle = forms.CharField(
        label=_("Or a circle: 'latitude,longitude radius-km' (optional)"),
        required=False,
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions concerned (none: the whole country)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    photo = forms.ModelChoiceField(
        label=_("Photo to publish"), queryset=CaseFile.objects.none(), required=False
    )
    photo_authority = forms.CharField(
        label=_("Who authorised publishing the photo"), max_length=200, required=False
    )

    def __init__(self, *args, case, preset, **kwargs):
        super().__init__(*args, **kwargs)
        self.preset = preset
        self.fields["photo"].queryset = CaseFile.objects.filter(case=case, kind=FileKind.PHOTO)
        self.fields["regions"].choices = regions_of(case.country_id)
        for criterion in criteria.PRESETS[preset]:
            self.fields[f"met_{criterion.code}"] = forms.BooleanField(
                label=criterion.text, required=False
            )
            self.fields[f"evidence_{criterion.code}"] = forms.CharField(
                label=_("Evidence"),
                help_text=criterion.help,
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def clean_polygon(self):
        points = []
        for number, line in enumerate(self.cleaned_data["polygon"].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                lat, lon = (float(part) for part in line.replace(";", ",").split(","))
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)d: write 'latitude,longitude'.") % {"n": number}
                ) from None
            points.append((lat, lon))
        return points

    def clean_circle(self):
        text = self.cleaned_data["circle"].strip()
        if not text:
            return None
        try:
            centre, radius = text.split()
            lat, lon = (float(part) for part in centre.split(","))
            return (lat, lon, float(radius))
        except ValueError:
            raise forms.ValidationError(_("Write 'latitude,longitude radius-km'.")) from None

    def answers(self) -> dict:
        return {
            c.code: {
                "met": bool(self.cleaned_data.get(f"met_{c.code}")),
                "evidence": self.cleaned_data.get(f"evidence_{c.code}", "").strip(),
            }
            for c in criteria.PRESETS[self.preset]
        }


class TextsMixin:
    """One headline, description and instruction field per language of the alert."""

    def add_text_fields(self, alert):
        for text in alert.texts.order_by("pk"):
            prefix = f"{text.language}_"
            self.fields[prefix + "headline"] = forms.CharField(
                label=_("Headline (%(lang)s)") % {"lang": text.language},
                initial=text.headline,
                max_length=160,
            )
            self.fields[prefix + "description"] = forms.CharField(
                label=_("Description (%(lang)s)") % {"lang": text.language},
                initial=text.description,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[prefix + "instruction"] = forms.CharField(
                label=_("What the public should do (%(lang)s)") % {"lang": text.language},
                initial=text.instruction,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def texts(self) -> dict:
        out: dict[str, dict] = {}
        for name, value in self.cleaned_data.items():
            language, _sep, field = name.partition("_")
            if field in {"headline", "description", "instruction"}:
                out.setdefault(language, {})[field] = value
        return out


class ApproveForm(TextsMixin, forms.Form):
    hours = forms.IntegerField(label=_("Duration (hours)"), min_value=1)
    override_reason = forms.CharField(
        label=_("Reason to approve although a criterion is not met"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, alert, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].initial = alert.hours
        self.add_text_fields(alert)


class UpdateForm(TextsMixin, forms.Form):
    reason = forms.CharField(label=_("What changed"), max_length=300)

    def __init__(self, *args, alert, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_text_fields(alert)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    hours = forms.IntegerField(label=_("More hours"), min_value=1)


class CrossBorderForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country to ask"), queryset=None, to_field_name="pk", empty_label=None
    )
    reason = forms.CharField(
        label=_("Why the child may be there"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, alert=None, **kwargs):
        from seec.core.models import Country

        super().__init__(*args, **kwargs)
        others = Country.objects.filter(in_region=True).order_by("name")
        if alert is not None:
            others = others.exclude(pk=alert.country_id)
            if alert.case.heading_to_id:
                self.fields["country"].initial = alert.case.heading_to_id
        self.fields["country"].queryset = others


class SubscribeForm(forms.Form):
    """The public's subscription: e-mail or SMS (partners' webhooks are set up by the regional
    centre in the administration, with their signing key handed over there)."""

    country = forms.ModelChoiceField(
        label=_("Alerts for"), queryset=None, to_field_name="pk", empty_label=None
    )
    channel = forms.ChoiceField(
        label=pgettext_lazy("alerts sent by e-mail or SMS", "By"),
        choices=[(Channel.EMAIL, _("E-mail")), (Channel.SMS, _("SMS"))],
        widget=forms.RadioSelect,
        initial=Channel.EMAIL,
    )
    address = forms.CharField(
        label=_("E-mail address or mobile number"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "email tel"}),
    )
    region = forms.ChoiceField(
        label=_("Only this region (optional)"),
        required=False,
        help_text=_("Leave empty for every alert of the country."),
    )
    language = forms.ChoiceField(label=_("Language of the alerts"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        from seec.core.models import Country

        super().__init__(*args, **kwargs)
        countries = Country.objects.filter(in_region=True).order_by("name")
        self.fields["country"].queryset = countries
        self.fields["region"].choices = [("", _("The whole country"))] + [
            (str(country), list(regions_of(country.pk))) for country in countries
        ]


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
