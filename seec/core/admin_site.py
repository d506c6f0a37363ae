"""The admin site: administrators only, through the platform's own sign-in.

Kept apart from admin.py because INSTALLED_APPS names its AppConfig before models load.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SeecAdminSite(admin.AdminSite):
    site_header = _("SEEC Platform administration")
    site_title = _("SEEC Platform administration")
    index_title = _("Administration")

    def has_permission(self, request):
        from . import policy
        from .signin import fully_signed_in

        user = request.user
        return (
            user.is_active
            and policy.has(user, policy.Capability.ADMINISTER)
            and fully_signed_in(user)
        )

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in without the administrator role: refuse, rather than send them to a
            # sign-in page that would send them straight back.
            raise PermissionDenied
        # One sign-in page for the whole platform, with its lock-out and second factor.
        return redirect(f"{reverse('login')}?next={request.get_full_path()}")


class SeecAdminConfig(AdminConfig):
    default_site = "seec.core.admin_site.SeecAdminSite"
