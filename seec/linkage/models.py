"""Linkage runs and the candidate pairs they find, for people to decide on; agreements for
privacy-preserving matching with a partner, the comparisons made under them and the
candidate matches they find."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.cases.models import Case, Sex
from seec.core.models import Country, Organisation


class RunKind(models.TextChoices):
    WITHIN = "within", _("Duplicates within a country")
    ACROSS = "across", _("Across countries")
    AGAINST = "against", _("Against a partner list")


class PartnerListKind(models.TextChoices):
    MIGRANT_MINORS = "migrant_minors", _("Register of unaccompanied migrant minors")
    POLICE_FOUND = "police_found", _("Police list of found or unidentified children")
    SHELTER = "shelter", _("Shelter admissions")
    OTHER = "other", _("Other list")


class PartnerList(models.Model):
    """A list that a partner gave a centre (a register of unaccompanied minors, the police's
    found children, a shelter's admissions), uploaded to be linked against the platform's cases.

    It belongs to the uploading organisation alone and is kept until `delete_after`, chosen at
    upload within the platform's maximum; the retention purge then deletes it with its records.
    The file itself is never kept: only the rows read from it."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of list"), max_length=20, choices=PartnerListKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country the list concerns"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    # {common field: the file's column header}, as mapped on the mapping screen.
    mapping = models.JSONField(_("column mapping"), default=dict)
    date_format = models.CharField(_("date format"), max_length=20)
    name_order = models.CharField(max_length=20, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    retention_days = models.PositiveSmallIntegerField(_("kept for (days)"))
    delete_after = models.DateField(_("deleted after"), db_index=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("partner list")
        verbose_name_plural = _("partner lists")
        indexes = [models.Index(fields=["organisation", "-uploaded_at"])]

    def __str__(self):
        return self.name


class PartnerRecord(models.Model):
    """One row of a partner's list, in the common fields the linkage model compares."""

    partner_list = models.ForeignKey(
        PartnerList, on_delete=models.CASCADE, related_name="records", verbose_name=_("list")
    )
    row_number = models.PositiveIntegerField(_("row"))
    given_name = models.CharField(_("given names"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    other_names = models.CharField(_("other names and nicknames"), max_length=300, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_estimated = models.BooleanField(_("date of birth estimated"), default=False)
    age_estimate = models.PositiveSmallIntegerField(
        _("estimated age (years)"), null=True, blank=True
    )
    nationality = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nationality"),
        db_index=False,  # only a country's deletion would look records up by it
    )
    place = models.CharField(_("place or address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    event_date = models.DateField(_("date registered or found"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    partner_reference = models.CharField(_("partner's reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["partner_list", "row_number"]
        verbose_name = _("partner record")
        verbose_name_plural = _("partner records")
        constraints = [
            models.UniqueConstraint(
                fields=["partner_list", "row_number"], name="one_record_per_list_row"
            )
        ]

    def __str__(self):
        return f"{self.partner_list_id}:{self.row_number}"

    @property
    def child_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


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
    # A run against a partner's list; the run's record outlives the list (retention purge).
    partner_list = models.ForeignKey(
        PartnerList,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("partner list"),
    )

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
    """Two cases the model thinks may be one child, or a case and a row of a partner's list,
    with why (each field's match weight), until a person decides. One row per pair whatever
    the run that found it: a later run refreshes a pair still to review and leaves a decided
    one alone.

    A pair with a partner's row has the case on the left and no right case. The row is
    protected: the retention purge deletes a list's pairs itself, writing a trace of the
    decided ones, before it deletes the list."""

    left = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", null=True)
    partner_record = models.ForeignKey(
        PartnerRecord, on_delete=models.PROTECT, related_name="pairs", null=True, blank=True
    )
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
            models.UniqueConstraint(
                fields=["left", "partner_record"],
                condition=models.Q(partner_record__isnull=False),
                name="one_pair_per_case_and_partner_record",
            ),
            models.CheckConstraint(
                condition=models.Q(right__isnull=True) | models.Q(left__lt=models.F("right")),
                name="pair_left_before_right",
            ),
            models.CheckConstraint(
                condition=models.Q(right__isnull=False, partner_record__isnull=True)
                | models.Q(right__isnull=True, partner_record__isnull=False),
                name="pair_of_a_case_and_a_case_or_a_partner_record",
            ),
        ]
        indexes = [models.Index(fields=["status", "-probability"])]

    def __str__(self):
        if self.partner_record_id:
            return f"{self.left_id}~record {self.partner_record_id}"
        return f"{self.left_id}~{self.right_id}"

    @property
    def with_partner_record(self) -> bool:
        return self.partner_record_id is not None


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
