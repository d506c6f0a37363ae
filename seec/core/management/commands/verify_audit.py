"""Check the audit trail: the hash chain, the reads still staged, and the anchors kept outside
the database; name the first problem."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from seec.core.audit import ChainBreak, verify_anchors, verify_chain, verify_staged
from seec.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain, the events waiting to be chained (reads, messages "
        "sent to other nodes) and the chain head's anchors (SEEC_AUDIT_ANCHOR_FILE); name the "
        "first problem."
    )

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
        staged, staged_problems = verify_staged()
        anchors, anchor_problems = verify_anchors()
        problems = staged_problems + anchor_problems
        if problems:
            raise CommandError(
                _("The audit trail is not intact: %(problems)s.")
                % {"problems": "; ".join(problems)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "The audit trail is intact: %(count)d event",
                    "The audit trail is intact: %(count)d events",
                    checked,
                )
                % {"count": checked}
                + ngettext(
                    ", %(staged)d event waiting to be chained",
                    ", %(staged)d events waiting to be chained",
                    staged,
                )
                % {"staged": staged}
                + ngettext(
                    ", %(anchors)d anchor matched.",
                    ", %(anchors)d anchors matched.",
                    anchors,
                )
                % {"anchors": anchors}
            )
        )
