"""Linkage runs and the candidate pairs they find, for people to decide on; agreements for
privacy-preserving matching with a partner, the comparisons made under them and the
candidate matches they find."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.cases.models import Case
from seec.core.models import Country, Organisation


class RunKind(models.TextChoices):
    WITHIN = "within", _("Duplicates within a country")
    ACROSS = "across", _("Across countries")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class LinkageRun(models.Model):
    """One run of the linkage model over a set of records, with the model it trained (kept as
    Splink's own JSON, so that a run can be explained and repeated) and its progress."""

    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    countries = models.CharField(_("countries"), max_length=60)  # "GR", or "RS,HR"
    threshold = models.FloatField(_("threshold"), default=0.5)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    stage = models.CharField(max_length=100, blank=True)
    records = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    model = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.countries} #{self.pk}"

    @property
    def country_list(self) -> list[str]:
        return [code for code in self.countries.split(",") if code]


class PairStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    CONFIRMED = "confirmed", _("Same child")
    REJECTED = "rejected", _("Different children")
    UNSURE = "unsure", _("Unsure")


class CandidatePair(models.Model):
    """Two cases the model thinks may be one child, with why (each field's match weight),
    until a person decides. One row per pair of cases whatever the run that found it: a later
    run refreshes a pair still to review and leaves a decided one alone."""

    left = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pairs")
    probability = models.FloatField(_("match probability"))
    weight = models.FloatField(_("match weight"))
    contributions = models.JSONField(default=dict)
    levels = models.JSONField(default=dict)
    cross_border = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="one_pair_per_two_cases"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="pair_left_before_right"
            ),
        ]
        indexes = [models.Index(fields=["status", "-probability"])]

    def __str__(self):
        return f"{self.left_id}~{self.right_id}"


class MatchingAgreement(models.Model):
    """An agreement between our organisation and a partner (a centre, a migration authority)
    to find the same children in each other's records without exchanging names: both encode
    their records under one secret key (pprl.py) and exchange only the encodings.

    The key is never stored in plain: `sealed_key` holds it encrypted (agreement_keys.py),
    `key_fingerprint` is its public fingerprint. Ending the agreement destroys the sealed key.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    partner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner on the platform"),
    )
    partner_name = models.CharField(_("partner"), max_length=200)
    partner_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner's country")
    )
    purpose = models.TextField(_("purpose"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    key_fingerprint = models.CharField(_("key fingerprint"), max_length=32)
    sealed_key = models.TextField(blank=True)  # empty once the agreement has ended
    # Our own secret (never shared) from which the record ids in our files are made, so that
    # the partner cannot turn them back into our case numbers, nor link files of two agreements.
    record_id_secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(_("reason for ending"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_valid_until_after_from",
            )
        ]

    def __str__(self):
        return f"{self.partner_name} ({self.partner_country_id}) · {self.short_fingerprint}"

    @property
    def short_fingerprint(self) -> str:
        return self.key_fingerprint[:8]

    @property
    def grouped_fingerprint(self) -> str:
        """The fingerprint as it is read out over the telephone: groups of four."""
        return " ".join(
            self.key_fingerprint[i : i + 4] for i in range(0, len(self.key_fingerprint), 4)
        )

    def in_force(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.ended_at is None and self.valid_from <= on <= self.valid_until


class EncodedExchange(models.Model):
    """One comparison of our records with a partner's encodings file under an agreement: who,
    when, how many records on each side, from which score candidates were kept. The partner's
    file itself is not kept, only its SHA-256."""

    agreement = models.ForeignKey(
        MatchingAgreement, on_delete=models.PROTECT, related_name="exchanges"
    )
    compared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    compared_at = models.DateTimeField(default=timezone.now)
    our_records = models.PositiveIntegerField(_("our records encoded"))
    partner_records = models.PositiveIntegerField(_("partner's records received"))
    threshold = models.FloatField(_("threshold"))
    selection = models.JSONField(default=dict, blank=True)  # which of our cases were compared
    partner_file_sha256 = models.CharField(max_length=64)
    candidates = models.PositiveIntegerField(_("candidates found"), default=0)

    class Meta:
        ordering = ["-compared_at", "-pk"]

    def __str__(self):
        return f"{self.agreement} #{self.pk}"


class PrivateMatch(models.Model):
    """A case of ours that may be a record of the partner's, known to us only by its opaque id,
    with its score (and each field's), until a person decides. One row per case and partner
    record under an agreement: a later comparison refreshes one still to review and leaves a
    decided one alone."""

    agreement = models.ForeignKey(
        MatchingAgreement, on_delete=models.PROTECT, related_name="matches"
    )
    exchange = models.ForeignKey(EncodedExchange, on_delete=models.PROTECT, related_name="matches")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    partner_record_id = models.CharField(_("partner's record"), max_length=64)
    score = models.FloatField(_("score"))
    field_scores = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "case", "partner_record_id"],
                name="one_private_match_per_case_and_partner_record",
            )
        ]
        indexes = [models.Index(fields=["exchange", "-score"])]

    def __str__(self):
        return f"{self.case_id}~{self.partner_record_id}"
