from django.apps import AppConfig


class DossiersConfig(AppConfig):
    """A test-only app: a minimal organisation-owned record holding a child's name, so that the
    policy's ownership and share rules are proven before the real records (cases) exist."""

    name = "seec.core.tests.dossiers"
    label = "test_dossiers"

    def ready(self):
        from seec.core import policy

        from .models import Dossier

        @policy.register(Dossier)
        class DossierRule(policy.OrganisationRecordRule):
            pass
