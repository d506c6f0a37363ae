"""Child alerts on the AMBER Alert model: a request from a case, the criteria answered with
evidence, approval by the country's alert authority (four eyes), the public texts per language,
and every CAP message issued for the alert, kept as sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.cases.models import Case, CaseFile
from seec.core.languages import choices as language_choices
from seec.core.models import Country

from .alert_languages import language_list_problems, parse_languages


class CriteriaPreset(models.TextChoices):
    EU = "eu", _("European Commission (cross-border child alerts)")
    US_DOJ = "us_doj", _("US Department of Justice (AMBER Alert)")


class AuthorityKind(models.TextChoices):
    POLICE = "police", _("Police")
    MAGISTRATE = "magistrate", _("Magistrate or prosecutor")


class AlertSettings(models.Model):
    """How a country runs its child alerts: which criteria, who approves, how long an alert may
    run, in which languages, and the numbers the public calls."""

    country = models.OneToOneField(
        Country, on_delete=models.CASCADE, primary_key=True, related_name="alert_settings"
    )
    criteria = models.CharField(
        _("activation criteria"),
        max_length=10,
        choices=CriteriaPreset.choices,
        default=CriteriaPreset.EU,
    )
    approved_by = models.CharField(
        _("approved by"), max_length=12, choices=AuthorityKind.choices, default=AuthorityKind.POLICE
    )
    default_hours = models.PositiveSmallIntegerField(_("default duration (hours)"), default=6)
    max_hours = models.PositiveSmallIntegerField(_("longest duration (hours)"), default=72)
    languages = models.CharField(
        _("alert languages"),
        max_length=60,
        help_text=_(
            "BCP 47 tags, comma-separated, the national ones first, e.g. sr-Cyrl,sr-Latn,en "
            "or mk,sq,en. Known: sq, bs, bg, hr, el, mk, cnr, ro, sr-Cyrl, sr-Latn, sl, tr, "
            "uk, en."
        ),
    )
    endangered_tier = models.BooleanField(
        _("uses the 'endangered missing child' notice"), default=False
    )
    police_number = models.CharField(_("police number"), max_length=20, default="112")

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")

    def __str__(self):
        return self.country_id

    @property
    def language_list(self) -> list[str]:
        return parse_languages(self.languages)

    def clean(self):
        from django.core.exceptions import ValidationError

        tags = parse_languages(self.languages)
        problems = language_list_problems(tags)
        if problems:
            raise ValidationError({"languages": problems})
        self.languages = ",".join(tags)


class Tier(models.TextChoices):
    CHILD_ALERT = "child_alert", _("Child alert")
    ENDANGERED = "endangered", _("Endangered missing child notice")


TEMPLATE_FIELDS = {
    "name": _("the child's name"),
    "age": _("age"),
    "place": _("where last seen"),
    "when": _("when last seen"),
    "description": _("height, build, hair, eyes"),
    "clothing": _("clothing"),
    "vehicle": _("the vehicle"),
    "police": _("police number"),
}


class AlertTemplate(models.Model):
    """A country's own wording of its alerts in one language, for one tier, with placeholders
    such as {name}, {age}, {place}, {when}, {description}, {clothing}, {vehicle}, {police}.
    Where a country has none, the platform's translated wording is used."""

    country_settings = models.ForeignKey(
        AlertSettings, on_delete=models.CASCADE, related_name="templates"
    )
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    headline = models.CharField(_("headline"), max_length=160)
    description = models.TextField(_("description"))
    instruction = models.TextField(_("what the public should do"))

    class Meta:
        verbose_name = _("alert template")
        verbose_name_plural = _("alert templates")
        constraints = [
            models.UniqueConstraint(
                fields=["country_settings", "language", "tier"],
                name="one_template_per_language_tier",
            )
        ]

    def __str__(self):
        return f"{self.country_settings_id} {self.language} {self.tier}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        for field in ("headline", "description", "instruction"):
            try:
                fill(getattr(self, field), dict.fromkeys(TEMPLATE_FIELDS, ""))
            except (KeyError, ValueError, IndexError) as error:
                errors[field] = _(
                    "Unknown or broken placeholder %(what)s; use only: %(known)s."
                ) % {"what": error, "known": ", ".join(f"{{{k}}}" for k in TEMPLATE_FIELDS)}
        if errors:
            raise ValidationError(errors)

    def render(self, facts: dict) -> dict[str, str]:
        return {
            field: fill(getattr(self, field), facts)
            for field in ("headline", "description", "instruction")
        }


def fill(template: str, facts: dict) -> str:
    """str.format with the known facts only: no attribute or index access from a template."""
    import string

    out = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        out.append(literal)
        if field is None:
            continue
        if field not in TEMPLATE_FIELDS or spec or conversion:
            raise KeyError(field)
        out.append(str(facts.get(field, "")))
    return "".join(out)


class AlertStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn before approval")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


PUBLIC_STATUSES = (AlertStatus.ISSUED,)


class CapStatus(models.TextChoices):
    ACTUAL = "Actual", _("Actual")
    EXERCISE = "Exercise", _("Exercise (a drill)")
    TEST = "Test", _("Test")


class Alert(models.Model):
    """One child alert, from its request to its cancellation or expiry."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    # The country whose authority approves and which publishes; the case's own country, or the
    # receiving country of a cross-border request.
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    # A stable public reference, part of every CAP identifier of the alert.
    reference = models.CharField(max_length=40, unique=True)
    tier = models.CharField(max_length=12, choices=Tier.choices, default=Tier.CHILD_ALERT)
    status = models.CharField(
        max_length=10, choices=AlertStatus.choices, default=AlertStatus.REQUESTED
    )
    cap_status = models.CharField(
        _("kind"), max_length=10, choices=CapStatus.choices, default=CapStatus.ACTUAL
    )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    criteria_preset = models.CharField(max_length=10, choices=CriteriaPreset.choices)
    # {criterion code: {"met": bool, "evidence": str}}, as the requester answered.
    criteria = models.JSONField(default=dict)
    override_reason = models.TextField(_("reason to override a criterion"), blank=True)

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    rejection_reason = models.TextField(blank=True)

    area_description = models.CharField(_("area"), max_length=300)
    # [[lat, lon], ...]; closed when the CAP message is written.
    area_polygon = models.JSONField(default=list, blank=True)
    area_circle = models.JSONField(null=True, blank=True)  # [lat, lon, radius km]
    # ISO 3166-2 codes of the regions concerned; none: the whole country.
    regions = models.JSONField(_("regions"), default=list, blank=True)
    hours = models.PositiveSmallIntegerField(_("duration (hours)"), default=6)
    languages = models.CharField(max_length=60)
    issued_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True, db_index=True)

    photo = models.ForeignKey(CaseFile, on_delete=models.PROTECT, null=True, blank=True)
    photo_authority = models.CharField(
        _("who authorised publishing the photo"), max_length=200, blank=True
    )

    ended_at = models.DateTimeField(null=True)
    end_reason = models.TextField(blank=True)

    # The alert this one answers: the requesting country's, for an alert issued on a
    # cross-border request.
    originates_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "country"])]

    def __str__(self):
        return self.reference

    @property
    def language_list(self) -> list[str]:
        return parse_languages(self.languages)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class AlertText(models.Model):
    """What the public reads, in one language (a BCP 47 tag: "sr-Cyrl", "sq", …)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=10)
    headline = models.CharField(_("headline"), max_length=160)
    description = models.TextField(_("description"))
    instruction = models.TextField(_("what the public should do"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "language"], name="alert_text_per_language")
        ]

    def __str__(self):
        return f"{self.alert} [{self.language}]"


class CapMessage(models.Model):
    """One CAP 1.2 message issued for an alert, kept exactly as signed and served."""

    class Type(models.TextChoices):
        ALERT = "Alert"
        UPDATE = "Update"
        CANCEL = "Cancel"

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="messages")
    identifier = models.CharField(max_length=80, unique=True)
    msg_type = models.CharField(max_length=6, choices=Type.choices)
    sent = models.DateTimeField()
    xml = models.BinaryField()

    class Meta:
        ordering = ["sent", "pk"]

    def __str__(self):
        return self.identifier


# --- Delivery --------------------------------------------------------------------------------


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


class Subscriber(models.Model):
    """A person or partner who asked to receive a country's child alerts on one channel, in one
    language, confirmed by a code sent to the address."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # An e-mail address, a phone number in E.164 form, or an https URL.
    address = models.CharField(_("address"), max_length=300)
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=10)
    # One region's alerts only (an ISO 3166-2 code), or blank: the whole country's.
    region = models.CharField(_("region"), max_length=10, blank=True)
    # Webhooks: the key the platform signs each request with (HMAC-SHA256).
    secret = models.CharField(max_length=64, blank=True)
    confirm_code_hash = models.CharField(max_length=64, blank=True)
    # A code is good for a short while and a few tries: six digits must not be guessable.
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address", "country"], name="subscriber_once_per_country"
            )
        ]
        indexes = [models.Index(fields=["country", "confirmed_at"])]

    def __str__(self):
        return f"{self.channel}:{self.address}"


class FanOut(models.Model):
    """The outbox entry of one CAP message to send to every subscriber: written in the same
    transaction as the step that issued the message, so that an approval and its delivery
    happen together or not at all. Finished when no delivery is left to try."""

    message = models.OneToOneField(CapMessage, on_delete=models.PROTECT, related_name="fan_out")
    created_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True, db_index=True)

    def __str__(self):
        return str(self.message)


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One CAP message to one subscriber: at most one row per pair (the key of exactly-once),
    with the gateway's answer. Workers take deliveries a batch at a time (DeliveryBatch).

    Written a million at a time, so the row carries as little as it can: one index besides
    the key, and no database-level foreign keys (their per-row checks doubled the time of
    the insert; the rows are only ever made from the subscriber table itself). A subscriber
    who unsubscribes is deleted, address and all; their deliveries stay as counts."""

    fan_out = models.ForeignKey(
        FanOut,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_constraint=False,
        db_index=False,  # the (fan_out, subscriber) key serves it
    )
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When it may be tried (now, or after a pause once it failed).
    next_try_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True)
    answer = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fan_out", "subscriber"], name="delivery_once_per_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.fan_out_id}→{self.subscriber_id}"


class DeliveryBatch(models.Model):
    """A run of one channel's deliveries of a fan-out (consecutive ids), the size its gateway
    takes in one request: the unit a worker claims, under a lease, and sends. Done once none
    of its deliveries is left to try; a worker that dies holding it leaves a lease that runs
    out, and the next worker sends what is still queued in it again, under the same ids."""

    fan_out = models.ForeignKey(FanOut, on_delete=models.CASCADE, related_name="batches")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    size = models.PositiveIntegerField()
    next_try_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(null=True)
    # Which worker holds the lease: only it renews the lease by its heartbeat.
    lease_holder = models.CharField(max_length=32, blank=True, db_default="")
    done_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["fan_out", "done_at", "next_try_at"])]

    def __str__(self):
        return f"{self.fan_out_id}:{self.channel}:{self.first_id}-{self.last_id}"
