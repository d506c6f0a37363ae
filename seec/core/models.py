"""Core data: countries, organisations, people and roles, shares, API tokens, the audit trail."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .zones import organisation_zone_name, validate_zone


class Script(models.TextChoices):
    LATIN = "Latn", _("Latin")
    CYRILLIC = "Cyrl", _("Cyrillic")
    GREEK = "Grek", pgettext_lazy("a script", "Greek")


class HotlineStatus(models.TextChoices):
    OPERATIONAL = "operational", _("Operational")
    NOT_OPERATIONAL = "not_operational", _("Not operational")
    UNKNOWN = "unknown", _("Not recorded")


class Country(models.Model):
    """A country by its ISO 3166-1 code: the 14 of the region, and every other for nationality."""

    code = models.CharField(_("ISO 3166-1 alpha-2 code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO 3166-1 alpha-3 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    in_region = models.BooleanField(_("SEEC region member"), default=False, db_index=True)
    languages = models.JSONField(
        _("official languages"), default=list, blank=True, help_text=_("ISO 639-1 codes.")
    )
    scripts = models.JSONField(
        _("scripts"), default=list, blank=True, help_text=_("ISO 15924 codes in common use.")
    )
    hotline_116000_status = models.CharField(
        _("116 000 hotline"),
        max_length=20,
        choices=HotlineStatus.choices,
        default=HotlineStatus.UNKNOWN,
    )
    hotline_116000_operator = models.CharField(_("116 000 operator"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        from .country_names import localised_country_name

        return localised_country_name(self.code, self.name)


class OrganisationKind(models.TextChoices):
    NATIONAL_CENTRE = "national_centre", _("National centre / 116 000 operator (NGO)")
    POLICE = "police", _("Police")
    PROSECUTION = "prosecution", _("Prosecution")
    MINISTRY = "ministry", _("Ministry")
    INTERNATIONAL = "international", _("International body")


class Organisation(models.Model):
    """A body whose staff use the platform. Records belong to the organisation that made them."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Empty only for an international body."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_zone],
        help_text=_("Empty: the country's time zone."),
    )

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="organisation_unique_name"),
            models.CheckConstraint(
                condition=models.Q(kind="international") | models.Q(country__isnull=False),
                name="organisation_national_has_country",
                violation_error_message=_("A national organisation needs a country."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def zone_name(self) -> str:
        """The organisation's own zone, else its country's."""
        return organisation_zone_name(self)


class RoleCode(models.TextChoices):
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    ALERT_AUTHORITY = "alert_authority", _("Alert authority (law enforcement)")
    LIAISON_OFFICER = "liaison_officer", _("Liaison officer")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class Role(models.Model):
    """One of the fixed roles; what each may do is written in core/policy.py, not in data."""

    code = models.CharField(_("code"), max_length=30, primary_key=True, choices=RoleCode.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return str(RoleCode(self.code).label)


class User(AbstractUser):
    """A person using the platform: a member of one organisation, with one or more roles."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_zone],
        help_text=_("Empty: the organisation's time zone."),
    )

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def role_codes(self) -> frozenset[str]:
        """The user's role codes, read once per request."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = frozenset(self.roles.values_list("code", flat=True))
        return self._role_codes

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))


class UserSession(models.Model):
    """Which sessions belong to whom, so that disabling an account can end them at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_links")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"session of {self.user_id}"


class ApiTokenQuerySet(models.QuerySet):
    def valid(self):
        """In force: not past its lifetime, used lately enough, its account active."""
        now = timezone.now()
        return self.alias(last_activity=Coalesce("last_used_at", "created_at")).filter(
            expires_at__gt=now,
            last_activity__gt=now - ApiToken.idle_limit(),
            user__is_active=True,
        )


class ApiToken(models.Model):
    """An expiring API token. Only its SHA-256 digest is stored: a database leak gives no tokens."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"API token {self.pk} of {self.user_id}"

    @staticmethod
    def idle_limit():
        from datetime import timedelta

        return timedelta(minutes=settings.SEEC_API_TOKEN_IDLE_MINUTES)

    def is_in_force(self, now=None) -> bool:
        now = now or timezone.now()
        last_activity = self.last_used_at or self.created_at
        return self.expires_at > now and now - last_activity <= self.idle_limit()

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw_token() -> str:
        return secrets.token_urlsafe(32)


class ShareQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def of(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class Share(models.Model):
    """A record made visible to another organisation: explicit, recorded, revocable.

    A referral or a police share of a case creates one; the access policy grants the receiving
    organisation sight of the record while the share is active.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("shared with"),
        on_delete=models.PROTECT,
        related_name="shares_received",
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="shares_granted", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shares_revoked",
        verbose_name=_("revoked by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        indexes = [models.Index(fields=["content_type", "object_id", "organisation"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="share_one_active_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} → {self.organisation_id}"

    @property
    def record(self):
        """The shared object itself."""
        return self.content_type.get_object_for_this_type(pk=self.object_id)


class Notification(models.Model):
    """Something a user should know of (an alert requested of them, their request decided),
    shown in the platform until read; the same notice goes out by e-mail. Written in the
    user's own language when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("notice"), max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self):
        return self.subject


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly(_("Audit events cannot be changed."))

    def delete(self):
        raise AuditTrailIsAppendOnly(_("Audit events cannot be deleted."))


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit event."""


class AppendOnly(models.Model):
    """A row written once: saving it again is refused (the audit trail's tables)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)


class AuditEvent(AppendOnly):
    """One entry of the append-only, hash-chained audit trail (see core/audit.py).

    `hash` covers every other field and the previous event's hash, so changing any event
    breaks the chain from that event on; `manage.py verify_audit` finds where.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    # Indexed by the (actor, occurred_at) index below, as object_type is by (object_type,
    # object_id): every index is written once per event, and an import writes thousands.
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # Copied at write time: the trail must read the same after an account is renamed.
    actor_username = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    # Not unique-indexed: the chain itself proves each hash, and an index of random digests is a
    # random page write per event.
    hash = models.CharField(max_length=64)
    # The staged read this event chained (see StagedRead); unique, so a read is chained once.
    # On PostgreSQL a staged read may be deleted only once an event names it.
    staged_read = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["staged_read"],
                condition=models.Q(staged_read__isnull=False),
                name="core_auditevent_staged_read_once",
            )
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action}"

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly(_("Audit events cannot be deleted."))

    @property
    def action_label(self) -> str:
        from .audit import action_label

        return action_label(self.action)


class StagedReadQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly(_("Audit events cannot be changed."))


class StagedRead(AppendOnly):
    """A read of personal data, recorded in the request without taking the chain's lock.

    A page that shows a child's case must not queue behind every write for the audit chain's
    head: the request only inserts this row (one statement, no lock held), and the worker
    chains staged reads into the trail in batches within seconds (`audit.chain_staged_reads`),
    deleting each once its event exists. `digest` covers the row's fields, so `verify_audit`
    finds a staged read changed before it was chained. Other hot paths stage their events
    here too (`audit.stage`: a message written to the exchange's outbox, chained by the
    exchange worker).
    """

    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    actor_username = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    digest = models.CharField(max_length=64)

    objects = StagedReadQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("staged read")
        verbose_name_plural = _("staged reads")

    def __str__(self):
        return f"staged {self.action} {self.object_type} {self.object_id}"


class AuditChainHead(models.Model):
    """The single row holding the chain's last sequence and hash; locked by every append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"audit chain head #{self.sequence}"
