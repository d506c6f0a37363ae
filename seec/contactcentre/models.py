"""The contact centre: contacts as they happen (a call ringing, a chat waiting, an SMS thread),
the operators' presence that routes them, and the lines they come in on.

A `Conversation` is the live side of a contact: it arrives, waits in the queue, is offered to
an operator, answered, maybe transferred, and ends (or is abandoned before anyone answered).
Its times are what the call metrics are computed from. What the operator records about it is
the hotline's `cases.Contact`, attached to the conversation when first saved.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.cases.models import Channel, Contact
from seec.core.models import Organisation

# The channels that come in through the queue (the others are recorded by hand).
QUEUED_CHANNELS = (Channel.CALL, Channel.CHAT, Channel.SMS)


class ConversationState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered to an operator")
    ANSWERED = "answered", _("Answered")
    ENDED = "ended", _("Ended")
    ABANDONED = "abandoned", _("Abandoned before an answer")


LIVE_STATES = (ConversationState.WAITING, ConversationState.OFFERED, ConversationState.ANSWERED)


class Source(models.TextChoices):
    LIVE = "live", _("Live")
    CDR = "cdr", _("Imported call record")


class ContactLineKind(models.TextChoices):
    ASTERISK = "asterisk", _("Asterisk (AMI)")
    PBX_WEBHOOK = "pbx_webhook", _("PBX webhook (signed)")
    SMS = "sms", _("SMS gateway")


class ContactLine(models.Model):
    """A way contacts reach an organisation from outside: its PBX (Asterisk's manager
    interface, or another PBX posting signed events) or its SMS gateway. The secret signs what
    the line posts to us (HMAC-SHA256), so that nobody else can put a call in the queue."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=ContactLineKind.choices)
    secret = models.CharField(_("signing secret"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact line")
        verbose_name_plural = _("contact lines")

    def __str__(self):
        return self.name


class Conversation(models.Model):
    """One call, chat or SMS thread from its arrival to its end."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ConversationState.choices,
        default=ConversationState.WAITING,
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.LIVE)
    line = models.ForeignKey(ContactLine, on_delete=models.PROTECT, null=True, blank=True)
    # The PBX's call id (Asterisk's Uniqueid), the SMS gateway's number thread: each event about
    # the same call finds it, and an event or a CDR row seen twice changes nothing.
    external_id = models.CharField(max_length=100, blank=True, default="")
    # The caller's number (calls, SMS), as given; its digits for look-ups.
    caller_number = models.CharField(_("caller's number"), max_length=40, blank=True)
    caller_digits = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    # A web chat's secret, as SHA-256: the visitor's only key to the conversation.
    chat_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    caller_language = models.CharField(_("caller's language"), max_length=10, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), default=timezone.now)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # Seconds from arrival to the answer (answered) or to hanging up (abandoned).
    wait_seconds = models.PositiveIntegerField(_("waiting time (seconds)"), null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operator"),
    )
    contact = models.OneToOneField(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversation",
        verbose_name=_("contact"),
    )

    class Meta:
        ordering = ["-arrived_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["organisation", "state", "arrived_at"]),
            models.Index(fields=["organisation", "arrived_at"]),
            models.Index(fields=["operator", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="conversation_once_per_external_id",
            ),
            models.UniqueConstraint(
                fields=["chat_key"], condition=~models.Q(chat_key=""), name="conversation_chat_key"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.arrived_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES


class Sender(models.TextChoices):
    CALLER = "caller", _("Caller")
    OPERATOR = "operator", _("Operator")
    SYSTEM = "system", _("System")


class ConversationMessage(models.Model):
    """One chat or SMS message: the transcript, kept with the conversation and its contact and
    deleted with them when their retention ends (`manage.py purge_transcripts`)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["conversation", "sent_at"])]

    def __str__(self):
        return f"{self.get_sender_display()} {self.sent_at:%H:%M:%S}"


class PresenceStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    AWAY = "away", _("Away (break, after-call work)")
    OFFLINE = "offline", _("Offline")


class OperatorPresence(models.Model):
    """Whether an operator takes contacts now, and how many chats at once. A call fills an
    operator; chats fill them one by one up to their capacity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=PresenceStatus.choices, default=PresenceStatus.OFFLINE
    )
    chat_capacity = models.PositiveSmallIntegerField(_("chats at once"), default=3)
    # The operator's phone on the PBX (Asterisk's queue member interface, "PJSIP/201"): a call
    # the PBX connects there pops up on this operator's screen.
    extension = models.CharField(_("PBX extension"), max_length=60, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    # The last time a contact was routed here: of two free operators, the one idle longer first.
    last_routed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("operator presence")
        verbose_name_plural = _("operator presence")
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"


class CallRecordImport(models.Model):
    """One import of the PBX's call records (Asterisk's CDR CSV) for a past period."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    already_present = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.filename
