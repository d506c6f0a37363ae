from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactCentreConfig(AppConfig):
    name = "seec.contactcentre"
    label = "contactcentre"
    verbose_name = _("116 000 contact centre")

    def ready(self):
        from . import rules, services  # noqa: F401 — access rules; audit action labels
