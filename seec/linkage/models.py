"""Linkage runs and the candidate pairs they find, for people to decide on."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.cases.models import Case


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
