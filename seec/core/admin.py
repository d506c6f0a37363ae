"""Administration of countries, organisations and accounts (administrators only)."""

import json

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import audit_redaction, policy, services
from .audit import Origin
from .models import AuditEvent, Country, Organisation, Share, User
from .policy import Capability


class AdministratorOnly:
    """Model permissions follow the policy's administrator capability, not Django's perms."""

    def has_module_permission(self, request):
        return policy.has(request.user, Capability.ADMINISTER)

    def has_view_permission(self, request, obj=None):
        return policy.has(request.user, Capability.ADMINISTER)

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None):
        return policy.has(request.user, Capability.ADMINISTER)

    def has_delete_permission(self, request, obj=None):
        # Records are deactivated, never deleted: the audit trail refers to them.
        return False


@admin.register(Country)
class CountryAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ["code", "name", "in_region", "hotline_116000_status", "hotline_116000_operator"]
    list_filter = ["in_region", "hotline_116000_status"]
    search_fields = ["code", "name", "alpha3"]
    readonly_fields = ["code", "alpha3"]

    def has_add_permission(self, request):
        return False


@admin.register(Organisation)
class OrganisationAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "country", "zone", "is_active"]
    list_filter = ["kind", "is_active", "country"]

    @admin.display(description=_("time zone"))
    def zone(self, obj):
        return obj.zone_name

    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.record_organisation_change(
            obj, origin=Origin.of(request), created=not change, fields=form.changed_data
        )


@admin.register(User)
class UserAdmin(AdministratorOnly, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["is_active", "roles", "organisation__country", "organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["roles"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Person"),
            {"fields": ["first_name", "last_name", "email", "preferred_language", "time_zone"]},
        ),
        (_("Organisation and roles"), {"fields": ["organisation", "roles"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        (_("Organisation and roles"), {"fields": ["organisation", "roles", "email"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["unlock_sign_in", "disable_accounts"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_account_change(
            form.instance, origin=Origin.of(request), created=not change, fields=form.changed_data
        )

    @admin.action(description=_("Unlock sign-in of the selected accounts"))
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            services.unlock_sign_in(user.username, origin=Origin.of(request))
        messages.success(request, _("Sign-in unlocked."))

    @admin.action(description=_("Disable the selected accounts and end their sessions"))
    def disable_accounts(self, request, queryset):
        for user in queryset.exclude(pk=request.user.pk):
            services.disable_account(
                user, origin=Origin.of(request), reason=str(_("Disabled by an administrator"))
            )
        messages.success(request, _("Accounts disabled; their sessions and tokens have ended."))


class ReadOnlyAdmin(AdministratorOnly, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The trail as an administrator may read it: personal details hidden (audit_redaction);
    the object's description is not searched either, or a search would reveal it."""

    list_display = ["sequence", "occurred_at", "actor_username", "action", "shown_object"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id"]
    date_hierarchy = "occurred_at"
    fields = [
        "sequence",
        "occurred_at",
        "actor_username",
        "organisation",
        "ip_address",
        "action",
        "object_type",
        "object_id",
        "shown_object",
        "reason",
        "shown_details",
        "previous_hash",
        "hash",
    ]
    readonly_fields = fields

    # The admin is the administrators' view: always redacted, whoever else a user may be.
    @admin.display(description=_("object"))
    def shown_object(self, event):
        return audit_redaction.redacted_object_repr(event)

    @admin.display(description=_("details"))
    def shown_details(self, event):
        return json.dumps(audit_redaction.redacted(event.details), ensure_ascii=False)


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    list_display = [
        "content_type",
        "object_id",
        "organisation",
        "granted_by",
        "granted_at",
        "revoked_at",
    ]
    list_filter = ["content_type", "organisation"]
