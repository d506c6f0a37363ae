"""Delete chat and SMS transcripts whose retention has ended (daily).

A transcript without a case goes `SEEC_TRANSCRIPT_RETENTION_DAYS` after its conversation
ended; one whose contact is about a case stays while the case is open and goes that long after
the case was closed. The conversation's times stay (the metrics count them); its caller's
number goes with the transcript.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from seec.contactcentre.models import LIVE_STATES, Conversation, ConversationMessage
from seec.contactcentre.services import ConversationAction
from seec.core import audit


class Command(BaseCommand):
    help = "Delete chat and SMS transcripts past their retention."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.SEEC_TRANSCRIPT_RETENTION_DAYS)
        due = (
            Conversation.objects.exclude(state__in=LIVE_STATES)
            .filter(ended_at__lt=cutoff)
            .filter(
                Q(contact__isnull=True)
                | Q(contact__case__isnull=True)
                | Q(contact__case__closed_at__lt=cutoff)
            )
        )
        with transaction.atomic():
            ids = list(due.values_list("pk", flat=True))
            deleted, _ = ConversationMessage.objects.filter(conversation_id__in=ids).delete()
            Conversation.objects.filter(pk__in=ids).update(caller_number="", caller_digits="")
            audit.record(
                ConversationAction.TRANSCRIPTS_PURGED,
                details={"conversations": len(ids), "messages": deleted},
                actor_username="purge_transcripts",
            )
        self.stdout.write(f"{deleted} messages of {len(ids)} conversations deleted.")
