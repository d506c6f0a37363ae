"""Check the audit trail's hash chain; name the first broken event."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from seec.core.audit import ChainBreak, verify_chain
from seec.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first event that breaks it."

    def handle(self, *args, **options):
        total = AuditEvent.objects.count()
        progress = tqdm(total=total, unit="event", disable=options["verbosity"] < 1 or not total)
        checked = 0
        for step in verify_chain():
            if isinstance(step, ChainBreak):
                progress.close()
                raise CommandError(
                    _("The audit trail is broken at event #%(sequence)s (id %(id)s): %(problem)s.")
                    % {"sequence": step.sequence, "id": step.event_id, "problem": step.problem}
                )
            progress.update(step - checked)
            checked = step
        progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "The audit trail is intact: %(count)d event.",
                    "The audit trail is intact: %(count)d events.",
                    checked,
                )
                % {"count": checked}
            )
        )
