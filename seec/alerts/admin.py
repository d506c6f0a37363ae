"""Each country's alert settings, kept by the platform's administrators; every change is
written to the audit trail."""

import secrets

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.core import audit
from seec.core.admin import AdministratorOnly
from seec.core.audit import Origin

from . import subscriptions
from .models import AlertSettings, AlertTemplate, Channel, Subscriber
from .regions import unknown

SETTINGS_CHANGED = "alert.settings_changed"
audit.ACTION_LABELS[SETTINGS_CHANGED] = _("Alert settings changed")


class AlertTemplateInline(admin.StackedInline):
    """The country's own wording per language and tier; placeholders are checked on save."""

    model = AlertTemplate
    extra = 0


@admin.register(AlertSettings)
class AlertSettingsAdmin(AdministratorOnly, admin.ModelAdmin):
    inlines = [AlertTemplateInline]
    list_display = ["country", "criteria", "approved_by", "default_hours", "max_hours", "languages"]
    list_filter = ["criteria", "approved_by", "endangered_tier"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        templates = [
            str(item.instance)
            for formset in formsets
            for item in formset.forms
            if item.has_changed()
        ]
        audit.record(
            SETTINGS_CHANGED,
            origin=Origin.of(request),
            obj=form.instance,
            details={"created": not change, "fields": form.changed_data, "templates": templates},
        )


PARTNER_REGISTERED = "alert.partner_registered"
audit.ACTION_LABELS[PARTNER_REGISTERED] = _("Alert partner registered")


class PartnerForm(forms.ModelForm):
    """A broadcaster's, transport operator's or partner app's webhook: registered by the
    platform's administrators, who vouch for it, so no code is sent; its signing key is made
    here and shown on the partner's page in the administration, to be handed over securely."""

    class Meta:
        model = Subscriber
        fields = ["address", "country", "region", "language"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["address"] = subscriptions.normalise_address(
                Channel.WEBHOOK, data["address"], data["country"].pk
            )
        except ValidationError as error:
            raise ValidationError({"address": error.message_dict["address"]}) from None
        if data.get("region") and unknown(data["country"].pk, [data["region"]]):
            raise ValidationError({"region": _("Choose a region of that country, or none.")})
        return data


@admin.register(Subscriber)
class SubscriberAdmin(AdministratorOnly, admin.ModelAdmin):
    """Subscribers: the public's (e-mail, SMS) are listed to be seen and removed; partners'
    webhooks are added here."""

    form = PartnerForm
    list_display = ["channel", "address", "country", "region", "language", "confirmed_at"]
    list_filter = ["channel", "country"]
    search_fields = ["address"]
    readonly_fields = ["secret"]

    def get_readonly_fields(self, request, obj=None):
        # A person's own subscription is theirs to change; here it is only seen or deleted.
        if obj is not None and obj.channel != Channel.WEBHOOK:
            return ["channel", "address", "country", "region", "language", "secret"]
        return ["secret"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.channel = Channel.WEBHOOK
            obj.secret = secrets.token_hex(32)
            obj.unsubscribe_token = secrets.token_urlsafe(32)
            obj.confirmed_at = timezone.now()
        super().save_model(request, obj, form, change)
        audit.record(
            PARTNER_REGISTERED,
            origin=Origin.of(request),
            obj=obj,
            details={"created": not change, "country": obj.country_id, "channel": obj.channel},
        )
