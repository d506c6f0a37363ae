"""Exchange between installations: this node's keys, the peers it trusts, the organisations
they host, the outbox and the inbox of signed and encrypted messages, and what was refused.

The messages themselves are EDXL-DE 2.0 distributions (envelope.py); what they carry is a
payload type from the registry (payloads.py) whose own records live in their own modules
(referrals.py, cooperation.py, ...).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seec.core.models import Organisation


class KeyUse(models.TextChoices):
    SIGNING = "sig", _("Signing (Ed25519)")
    ENCRYPTION = "enc", _("Encryption (X25519)")


class NodeKey(models.Model):
    """One of this node's own keys. The current key of each use signs or is encrypted to;
    a retired key is still published and still opens what a peer encrypted to it before it
    learnt the new one, so that rotation needs no downtime; a revoked key is neither."""

    kid = models.CharField(max_length=64, unique=True)
    use = models.CharField(max_length=3, choices=KeyUse.choices)
    public_jwk = models.JSONField()
    # The private JWK, sealed (Fernet under a key derived from SECRET_KEY and the kid).
    sealed_private = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["use", "-created_at"]

    def __str__(self):
        return f"{self.use} {self.kid}"


class PeerStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the fingerprint to be confirmed")
    TRUSTED = "trusted", _("Trusted")
    SUSPENDED = "suspended", pgettext_lazy("a partner node", "Suspended")


class Peer(models.Model):
    """Another installation this node exchanges with. It is heard only once an administrator
    has confirmed its key fingerprint, read to them out of band (or vouched for by the
    directory of a node already trusted)."""

    node_id = models.CharField(_("node"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    base_url = models.URLField(_("address"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=PeerStatus.choices, default=PeerStatus.PENDING
    )
    # The thumbprint (RFC 7638) of the signing key that was confirmed.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    vouched_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="vouched_for"
    )
    keys_refreshed_at = models.DateTimeField(null=True, blank=True)
    # Where the peer takes a batch of distributions in one request (protocol seec-exchange/2),
    # as its key document announces it; empty for a node that takes one at a time.
    batch_inbox_url = models.URLField(_("batch inbox"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer node")
        verbose_name_plural = _("peer nodes")

    def __str__(self):
        return f"{self.name} ({self.node_id})"

    @property
    def inbox_url(self) -> str:
        return self.base_url.rstrip("/") + "/exchange/inbox/"

    @property
    def is_trusted(self) -> bool:
        return self.status == PeerStatus.TRUSTED


class PeerKey(models.Model):
    """A public key of a peer, as its signed key document published it."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="keys")
    kid = models.CharField(max_length=64)
    use = models.CharField(max_length=3, choices=KeyUse.choices)
    public_jwk = models.JSONField()
    thumbprint = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField(default=timezone.now)
    # Retired by the peer: still accepted for signatures, no longer encrypted to.
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "kid"], name="peer_key_unique")]

    def __str__(self):
        return f"{self.peer.node_id} {self.use} {self.kid}"


class RemoteOrganisation(models.Model):
    """An organisation hosted by a peer. Its `Organisation` row lets the rest of the platform
    (shares, referrals, requests) name it like any other; this row says where it lives."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="remote"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="organisations")
    remote_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "remote_id"], name="remote_org_unique")
        ]

    def __str__(self):
        return f"{self.organisation} @ {self.peer.node_id}"

    @property
    def address(self) -> str:
        return f"{self.peer.node_id}:{self.remote_id}"


class StatusKind(models.TextChoices):
    """EDXL-DE 2.0 DistributionStatus (the values this platform sends)."""

    ACTUAL = "Actual", _("Actual")
    EXERCISE = "Exercise", _("Exercise")
    TEST = "Test", _("Test")


class DistributionKind(models.TextChoices):
    """EDXL-DE 2.0 DistributionKind (the values this platform sends)."""

    REPORT = "Report", _("Report")
    UPDATE = "Update", _("Update")
    CANCEL = "Cancel", _("Cancel")
    ACK = "Ack", _("Acknowledgement")
    ERROR = "Error", _("Error")


class Handling(models.TextChoices):
    """Handling codes on the Europol SIENA model."""

    H0 = "H0", _("H0 — for police and judicial purposes, no restriction on further use")
    H1 = "H1", _("H1 — not to be used as evidence in court without the sender's permission")
    H2 = "H2", _("H2 — not to be disseminated without the sender's permission")
    H3 = "H3", _("H3 — other restrictions (stated in the message)")


class Conversation(models.Model):
    """Messages about one matter (a referral, a request) between two nodes. Each side numbers
    what it sends; the receiver applies them in that order, holding one that came early."""

    key = models.CharField(max_length=80)
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="conversations")
    last_sent = models.PositiveIntegerField(default=0)
    last_applied = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "peer"], name="conversation_unique")]

    def __str__(self):
        return self.key


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered (receipt kept)")
    DEAD = "dead", _("Refused or failed: dead letter")
    EXPIRED = "expired", _("Expired before delivery: dead letter")


DEAD_LETTER_STATES = (OutboxState.DEAD, OutboxState.EXPIRED)


class OutboundMessage(models.Model):
    """A message to a peer, written in the transaction of the step that sends it (the outbox)
    and delivered by the exchange worker until the peer's signed receipt comes back."""

    # Every index of the outbox is written with each message, and again when its receipt is
    # recorded (the state changes, so no update is in place); its claim writes none where its
    # page has room (the table's fill factor, migration 0012). At 200 messages a second they
    # weighed on the sender's database. So only the indexes that a query
    # of the exchange reads: no index for the organisations and the author (read only when
    # one is deleted, which their PROTECT refuses anyway), and the distribution id unique by
    # a constraint (a unique field gets a second, pattern index on PostgreSQL).
    distribution_id = models.CharField(max_length=120)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    sender_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recipient_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    payload_type = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=DistributionKind.choices)
    status_kind = models.CharField(
        max_length=10, choices=StatusKind.choices, default=StatusKind.ACTUAL
    )
    handling = models.CharField(max_length=2, choices=Handling.choices, default=Handling.H2)
    conversation = models.CharField(max_length=80)
    sequence = models.PositiveIntegerField()
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    expires_at = models.DateTimeField()

    state = models.CharField(
        max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The receiver's signed receipt (a compact JWS): the proof of delivery.
    receipt = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["distribution_id"], name="outbox_distribution_unique")
        ]
        indexes = [
            # Only the messages waiting, in the order the worker claims them: a message leaves
            # the index when it is delivered (or dead), so that a claim reads the next due
            # in order and stops, rather than gathering every message ever sent to sort them.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(state=OutboxState.PENDING),
                name="outbox_due",
            ),
            # The dead letters an administrator lists, newest first: few, so a small index.
            models.Index(
                fields=["-created_at"],
                condition=models.Q(state__in=DEAD_LETTER_STATES),
                name="outbox_dead_letters",
            ),
            # How far a sighting's forwarding went (ForwardedReport.delivery).
            models.Index(
                fields=["conversation", "sender_organisation"], name="outbox_conversation"
            ),
        ]

    def __str__(self):
        return self.distribution_id


class InboxState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    HELD = "held", _("Held until an earlier message of its conversation arrives")
    FAILED = "failed", _("Could not be applied")


class InboundMessage(models.Model):
    """A message received from a peer, kept under its distribution id so that the same
    distribution sent again is answered with the same receipt and applied only once."""

    distribution_id = models.CharField(max_length=120, unique=True)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbox")
    sender_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    recipient_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    payload_type = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=DistributionKind.choices)
    status_kind = models.CharField(max_length=10, choices=StatusKind.choices)
    handling = models.CharField(max_length=2, choices=Handling.choices)
    conversation = models.CharField(max_length=80)
    sequence = models.PositiveIntegerField()
    payload = models.JSONField()
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=InboxState.choices)
    applied_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    envelope_sha256 = models.CharField(max_length=64)
    receipt = models.TextField()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["conversation", "state", "sequence"])]

    def __str__(self):
        return self.distribution_id


class RefusedMessage(models.Model):
    """A request to the inbox that was refused, and why: nothing of it was applied."""

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    peer = models.ForeignKey(Peer, on_delete=models.SET_NULL, null=True, blank=True)
    claimed_sender = models.CharField(max_length=120, blank=True)
    distribution_id = models.CharField(max_length=120, blank=True)
    code = models.CharField(max_length=40)
    error = models.TextField()
    remote_address = models.GenericIPAddressField(null=True, blank=True)
    body_bytes = models.PositiveIntegerField(default=0)
    body_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.code} {self.distribution_id}"


class SeenSignature(models.Model):
    """HTTP message signatures already heard, for as long as their `created` time would still
    be accepted: the same signed request sent again is a replay."""

    digest = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.digest


# --- Referrals of a case ---------------------------------------------------------------------


class ReferralSide(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")


class ReferralMode(models.TextChoices):
    COPY = "copy", _("A read-only copy (the case stays ours)")
    HANDOVER = "handover", _("Hand over responsibility for the case")


class ReferralStatus(models.TextChoices):
    OFFERED = "offered", _("Offered, waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn (the copy is sealed)")


class DeclineReason(models.TextChoices):
    NOT_COMPETENT = "not_competent", _("Not within our competence")
    INSUFFICIENT = "insufficient", _("Not enough information to act on")
    NO_CAPACITY = "no_capacity", _("We cannot take it on now")
    ALREADY_KNOWN = "already_known", _("The child is already known to us")
    WRONG_RECIPIENT = "wrong_recipient", _("Another organisation should receive it")
    OTHER = "other", _("Another reason (explained)")


class ConsentBasis(models.TextChoices):
    CHILD = "child", _("Consent of the child")
    PARENT = "parent", _("Consent of a parent")
    GUARDIAN = "guardian", _("Consent of the guardian or the authority responsible")
    OVERRIDE = "override", _("Without consent: the child's protection requires it (reasoned)")


class Referral(models.Model):
    """One side of a referral of a case from one organisation to another, on this node or on
    a peer's. The sending side holds the case; the receiving side a minimal preview until it
    accepts, then a copy (read-only) or, on a hand-over, a case of its own."""

    conversation = models.CharField(max_length=80)
    side = models.CharField(max_length=10, choices=ReferralSide.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals"
    )
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    reference = models.CharField(_("sender's reference"), max_length=100)
    mode = models.CharField(_("what is offered"), max_length=10, choices=ReferralMode.choices)
    pseudonymised = models.BooleanField(_("personal data pseudonymised"), default=False)
    reason = models.TextField(_("why it is referred"))
    consent_basis = models.CharField(_("consent"), max_length=10, choices=ConsentBasis.choices)
    consent_note = models.TextField(_("consent recorded, or why it is overridden"))
    handling = models.CharField(max_length=2, choices=Handling.choices, default=Handling.H2)
    preview = models.JSONField(default=dict)
    copy = models.JSONField(default=dict, blank=True)
    copy_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.OFFERED
    )
    decline_reason = models.CharField(
        _("reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    answer_note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "side"], name="referral_one_side")
        ]

    def __str__(self):
        return f"{self.get_side_display()} {self.reference}"

    @property
    def is_sealed(self) -> bool:
        return self.status == ReferralStatus.WITHDRAWN


class ReferralUpdate(models.Model):
    """What one side told the other about the case after acceptance."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    outgoing = models.BooleanField()
    note = models.TextField()
    written_by = models.CharField(max_length=150)
    written_at = models.DateTimeField(default=timezone.now)
    case_refreshed = models.BooleanField(default=False)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self):
        return f"update {self.pk} of {self.referral_id}"


# --- Requests for cooperation ----------------------------------------------------------------


class CooperationKind(models.TextChoices):
    YELLOW_NOTICE = "yellow_notice", _("Locate a missing child (Interpol yellow notice facts)")
    HAGUE_ARTICLE_8 = "hague_article_8", _("Return of an abducted child (Hague 1980, Article 8)")
    INFORMATION = "information", _("Request for information")


class SourceReliability(models.TextChoices):
    A = "A", _("A — no doubt about the source's reliability")
    B = "B", _("B — the source has mostly proved reliable")
    C = "C", _("C — the source has mostly proved unreliable")
    X = "X", _("X — the source's reliability cannot be judged")


class InformationAccuracy(models.TextChoices):
    ONE = "1", _("1 — no doubt about its accuracy")
    TWO = "2", _("2 — known personally to the source")
    THREE = "3", _("3 — not known personally to the source, corroborated")
    FOUR = "4", _("4 — not known personally to the source, not corroborated")


class CooperationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the answer")
    ESCALATED = "escalated", _("Overdue: escalated")
    ANSWERED = "answered", _("Answered")


class CooperationRequest(models.Model):
    """One side of a request for cooperation to another country's police or liaison officer."""

    conversation = models.CharField(max_length=80)
    side = models.CharField(max_length=10, choices=ReferralSide.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(_("sender's reference"), max_length=100)
    kind = models.CharField(_("what is asked"), max_length=20, choices=CooperationKind.choices)
    question = models.TextField(_("the request"))
    facts = models.JSONField(default=dict)
    handling = models.CharField(_("handling code"), max_length=2, choices=Handling.choices)
    reliability = models.CharField(
        _("source reliability"), max_length=1, choices=SourceReliability.choices
    )
    accuracy = models.CharField(
        _("information accuracy"), max_length=1, choices=InformationAccuracy.choices
    )
    deadline = models.DateTimeField(_("answer by"))
    status = models.CharField(
        max_length=10, choices=CooperationStatus.choices, default=CooperationStatus.WAITING
    )
    answer = models.TextField(_("answer"), blank=True)
    answer_reliability = models.CharField(
        max_length=1, choices=SourceReliability.choices, blank=True
    )
    answer_accuracy = models.CharField(
        max_length=1, choices=InformationAccuracy.choices, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=150, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "side"], name="cooperation_one_side")
        ]
        indexes = [models.Index(fields=["side", "status", "deadline"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def overdue(self) -> bool:
        return self.status != CooperationStatus.ANSWERED and self.deadline < timezone.now()


# --- Child alerts across nodes ---------------------------------------------------------------


class CrossBorderStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested, waiting for the authority's decision")
    ISSUED = "issued", _("Issued there")
    REJECTED = "rejected", _("Declined there")
    ENDED = "ended", _("Ended (cancelled, expired or withdrawn)")


class CrossBorderAlert(models.Model):
    """One side of a child alert carried to another node's alert authority: the CAP message
    of the original travels in the envelope; acceptance there issues that node's own alert."""

    conversation = models.CharField(max_length=80)
    side = models.CharField(max_length=10, choices=ReferralSide.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Sent: the original alert; received: this node's alert made from the request.
    alert = models.ForeignKey("alerts.Alert", on_delete=models.PROTECT, related_name="across_nodes")
    original_reference = models.CharField(max_length=40)
    reason = models.TextField()
    # The latest CAP 1.2 message from the other side, as received (validated).
    their_cap = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=CrossBorderStatus.choices, default=CrossBorderStatus.REQUESTED
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "side"], name="crossborder_one_side")
        ]

    def __str__(self):
        return f"{self.original_reference} ({self.side})"


# --- Sightings from the public about an alert carried across nodes ----------------------------


class ForwardedReport(models.Model):
    """One side of a sighting that the public reported about an alert carried across nodes.
    Sent: reported on this node's public site about our alert made from another node's
    request, and forwarded to that node (the original's). Received: reported on the other
    node about an alert that began here, and filed in our triage queue."""

    conversation = models.CharField(max_length=80)
    side = models.CharField(max_length=10, choices=ReferralSide.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    report = models.OneToOneField(
        "portal.PublicReport", on_delete=models.PROTECT, related_name="across_nodes"
    )
    # The original alert's reference (the receiving side's own alert).
    alert_reference = models.CharField(max_length=40)
    # The report's reference on the other side; on the sent side, learnt from its answer.
    their_reference = models.CharField(max_length=20, blank=True)
    # The envelope carries no attachments: a photo stays on the node where it was sent in.
    photo_on_sending_node = models.BooleanField(default=False)
    contact_passed_on = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Why it could not be forwarded (the other node not trusted…); empty when it left.
    problem = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "side"], name="forwarded_one_side")
        ]

    def __str__(self):
        return f"{self.report_id} ({self.side})"

    @property
    def delivery(self) -> str:
        """How far the forwarding went, as the sending triager reads it."""
        if self.side == ReferralSide.RECEIVED:
            return ""
        if self.problem:
            return str(_("Not forwarded: %(problem)s") % {"problem": self.problem})
        states = set(
            OutboundMessage.objects.filter(
                conversation=self.conversation, sender_organisation=self.organisation
            ).values_list("state", flat=True)
        )
        if states & set(DEAD_LETTER_STATES):
            return str(_("Not delivered (dead letter): the administrator is told at Nodes"))
        if OutboxState.PENDING in states:
            return str(_("Waiting to be delivered"))
        if self.acknowledged_at:
            return str(
                _("Delivered and filed there as %(reference)s")
                % {"reference": self.their_reference}
            )
        return str(_("Delivered (receipt kept)"))


# --- Private matching's encodings through the envelope ---------------------------------------


class ReceivedEncodings(models.Model):
    """A partner's Bloom-filter encodings (pprl), received under a matching agreement through
    the envelope instead of a file carried by hand; compared when one of our linkers asks."""

    agreement = models.ForeignKey(
        "linkage.MatchingAgreement", on_delete=models.CASCADE, related_name="+"
    )
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    records = models.PositiveIntegerField()
    received_at = models.DateTimeField(default=timezone.now)
    compared = models.ForeignKey(
        "linkage.EncodedExchange", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"encodings {self.sha256[:12]}"


# --- PFIF 1.4 ----------------------------------------------------------------------------------


class PfifPublication(models.Model):
    """A case its centre marked for publication as PFIF (a person finder after a disaster):
    only with the consent recorded for that case, and until it is withdrawn."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="pfif")
    consent_note = models.TextField(_("consent to publish, as recorded"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("published until"))
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"PFIF {self.case_id}"


class PfifImport(models.Model):
    """One PFIF 1.4 document imported from another repository (a person finder)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    repository_domain = models.CharField(_("the repository's domain"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(max_length=64)
    persons = models.PositiveIntegerField(default=0)
    notes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self):
        return f"PFIF import {self.pk}"


class PfifPerson(models.Model):
    """A person record from another PFIF repository, as it came (its fields by PFIF name)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(PfifImport, on_delete=models.PROTECT, related_name="person_rows")
    record_id = models.CharField(max_length=500)
    full_name = models.CharField(max_length=500)
    fields = models.JSONField(default=dict)
    expiry_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "record_id"], name="pfif_person_unique")
        ]

    def __str__(self):
        return self.record_id


class PfifNote(models.Model):
    person = models.ForeignKey(PfifPerson, on_delete=models.CASCADE, related_name="notes")
    record_id = models.CharField(max_length=500)
    fields = models.JSONField(default=dict)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "record_id"], name="pfif_note_unique")
        ]

    def __str__(self):
        return self.record_id
