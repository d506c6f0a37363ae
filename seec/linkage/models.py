"""Linkage runs and the candidate pairs they find, for people to decide on."""

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
