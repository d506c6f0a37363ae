"""Anchor the audit chain's head outside the database: run daily (cron)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from seec.core.audit import anchor, anchor_path


class Command(BaseCommand):
    help = (
        "Write the audit chain's head, signed, to SEEC_AUDIT_ANCHOR_FILE and the log, so that "
        "verify_audit finds a trail removed or rewritten before it. Run daily."
    )

    def handle(self, *args, **options):
        content = anchor()
        self.stdout.write(
            _("Anchored event #%(sequence)s (%(hash)s) in %(path)s.")
            % {
                "sequence": content["sequence"],
                "hash": content["hash"][:16],
                "path": anchor_path() or _("the log only"),
            }
        )
