from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "seec.protection"
    label = "protection"
    verbose_name = _("Protection of child victims of trafficking and exploitation")

    def ready(self):
        from . import audit_actions, identifiers_across, rules  # noqa: F401 — access rules; audit action labels
        from .transport import register_payload_types

        register_payload_types()
        identifiers_across.register_payload_types()
