"""Each country's alert settings, kept by the platform's administrators; every change is
written to the audit trail."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from seec.core import audit
from seec.core.admin import AdministratorOnly
from seec.core.audit import Origin

from .models import AlertSettings

SETTINGS_CHANGED = "alert.settings_changed"
audit.ACTION_LABELS[SETTINGS_CHANGED] = _("Alert settings changed")


@admin.register(AlertSettings)
class AlertSettingsAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ["country", "criteria", "approved_by", "default_hours", "max_hours", "languages"]
    list_filter = ["criteria", "approved_by", "endangered_tier"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            SETTINGS_CHANGED,
            origin=Origin.of(request),
            obj=obj,
            details={"created": not change, "fields": form.changed_data},
        )
