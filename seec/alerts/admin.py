"""Each country's alert settings, kept by the platform's administrators; every change is
written to the audit trail."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from seec.core import audit
from seec.core.admin import AdministratorOnly
from seec.core.audit import Origin

from .models import AlertSettings, AlertTemplate

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
