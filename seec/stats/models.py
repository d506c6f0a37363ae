"""Harmonised statistics: indicators, figure sets (computed or submitted), national
submissions and their workflow, and the published, disclosure-controlled figures."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.core.models import Country

from . import catalogue
from .catalogue import Family


class Indicator(models.Model):
    """One indicator of the catalogue (seec/stats/catalogue.py), loaded by a data migration so
    that figures refer to a row; its name and definition are the catalogue's, translated."""

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    family = models.CharField(
        _("family"), max_length=20, choices=list(catalogue.FAMILY_LABELS.items())
    )
    unit = models.CharField(_("unit"), max_length=20)
    breakdowns = models.JSONField(_("breakdowns"), default=list)
    period_types = models.JSONField(_("period types"), default=list)
    computed = models.BooleanField(_("computed from the platform's data"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def definition_entry(self) -> catalogue.IndicatorDefinition:
        return catalogue.INDICATOR_BY_CODE[self.code]

    @property
    def name(self):
        return self.definition_entry.name

    @property
    def definition(self):
        return self.definition_entry.definition


class Source(models.TextChoices):
    PLATFORM = "platform", _("Computed from the platform's cases")
    SUBMISSION = "submission", _("National submission")


class FigureSet(models.Model):
    """The figures of one family for one country and period, from one source.

    A computed set is kept with the fingerprint of what went into it (the definitions' version,
    the count, id sum and latest change of the cases and contacts in scope) and of what came
    out: a rerun on unchanged data finds the same fingerprint and adds nothing; a changed one
    is a new set pointing to the one it replaces, so the change can be explained.
    """

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    family = models.CharField(max_length=20, choices=list(catalogue.FAMILY_LABELS.items()))
    period = models.CharField(_("period"), max_length=10)
    period_type = models.CharField(max_length=10)
    source = models.CharField(max_length=20, choices=Source.choices)
    inputs = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["country", "family", "period", "source", "-created_at"])]

    def __str__(self):
        return f"{self.country_id} {self.family} {self.period} ({self.source})"

    def values(self) -> dict[tuple[str, str, str], int | None]:
        return {
            (f.indicator_id, f.breakdown, f.key): f.value
            for f in self.figures.all().only("indicator_id", "breakdown", "key", "value")
        }


class Figure(models.Model):
    """One cell: an indicator's total (breakdown "") or one category of one breakdown. `value`
    None: not available (a national authority did not supply it)."""

    figure_set = models.ForeignKey(FigureSet, on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    breakdown = models.CharField(max_length=30, blank=True)
    key = models.CharField(max_length=60, blank=True)
    value = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["figure_set", "indicator", "breakdown", "key"], name="figure_once_per_set"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.breakdown}={self.key}: {self.value}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VALIDATED = "validated", _("Validated")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded by a newer version")
    RETURNED = "returned", _("Returned for correction")


class Submission(models.Model):
    """A country's figures of one family for one period, as its focal point sent them.

    Versions: the first is version 1; a published submission is corrected only by a new version
    (which, once published, supersedes it), never changed in place.
    """

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    family = models.CharField(
        _("family"), max_length=20, choices=list(catalogue.FAMILY_LABELS.items())
    )
    period = models.CharField(_("period"), max_length=10)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    figure_set = models.ForeignKey(
        FigureSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # Jumps over the threshold against the year before, which the submitter must confirm.
    warnings = models.JSONField(default=list, blank=True)
    jumps_confirmed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("national submission")
        verbose_name_plural = _("national submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "family", "period", "version"], name="submission_version_once"
            )
        ]

    def __str__(self):
        return f"{self.country_id} {self.family} {self.period} v{self.version}"

    @property
    def is_trafficking(self) -> bool:
        return self.family == Family.TRAFFICKING


class SubmissionComment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"comment {self.pk} on {self.submission_id}"


class Publication(models.Model):
    """Figures of one family, country and period made public, after disclosure control. A
    correction is a new publication that supersedes this one; neither is ever changed."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    family = models.CharField(max_length=20, choices=list(catalogue.FAMILY_LABELS.items()))
    period = models.CharField(max_length=10)
    period_type = models.CharField(max_length=10)
    version = models.PositiveSmallIntegerField(default=1)
    source = models.CharField(max_length=20, choices=Source.choices)
    figure_set = models.ForeignKey(FigureSet, on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    threshold = models.PositiveSmallIntegerField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["country_id", "family", "period", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "family", "period", "version"],
                name="publication_version_once",
            )
        ]

    def __str__(self):
        return f"{self.country_id} {self.family} {self.period} v{self.version}"


class PublishedFigure(models.Model):
    """A published cell: its value, or None where disclosure control suppressed it (or it was
    not available; `suppressed` tells which)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    breakdown = models.CharField(max_length=30, blank=True)
    key = models.CharField(max_length=60, blank=True)
    value = models.PositiveIntegerField(null=True)
    suppressed = models.BooleanField(default=False)

    class Meta:
        ordering = ["publication_id", "indicator_id", "pk"]

    def __str__(self):
        return f"{self.indicator_id} {self.breakdown}={self.key}"


# Running tallies of what the missing-children figures count (seec/stats/tallies.py): kept up
# to date in the transaction of every change to a case, risk assessment or contact, so that
# figures are summed from a few thousand tally rows instead of counted from millions of rows.
# Months are numbered year × 12 + month − 1 on the country's calendar (its time zone); 0
# stands for "never" (found, closed), so that every key column is NOT NULL and one upsert
# finds its row on both engines.


NEW_CASE_TALLY_KEY = ("country", "month", "category", "sex", "age_group", "cross_border", "repeat")


class NewCaseTally(models.Model):
    """Cases opened in a month, by what MC02, MC04 and MC09 break them down by."""

    country = models.CharField(max_length=2)
    month = models.PositiveIntegerField()
    category = models.CharField(max_length=30)
    sex = models.CharField(max_length=10)
    age_group = models.CharField(max_length=10)
    cross_border = models.BooleanField()
    repeat = models.BooleanField()
    cases = models.BigIntegerField(default=0)
    id_sum = models.BigIntegerField(default=0)

    KEY = NEW_CASE_TALLY_KEY

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=NEW_CASE_TALLY_KEY, name="one_new_case_tally_per_key")
        ]

    def __str__(self):
        return f"{self.country} {self.month}: {self.cases}"


FOUND_CASE_TALLY_KEY = ("country", "month", "found_how", "time_band")


class FoundCaseTally(models.Model):
    """Children found in a month, by how they were found and after how long (MC06–MC08)."""

    country = models.CharField(max_length=2)
    month = models.PositiveIntegerField()
    found_how = models.CharField(max_length=30)
    time_band = models.CharField(max_length=10)
    cases = models.BigIntegerField(default=0)
    id_sum = models.BigIntegerField(default=0)

    KEY = FOUND_CASE_TALLY_KEY

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=FOUND_CASE_TALLY_KEY, name="one_found_case_tally_per_key"
            )
        ]

    def __str__(self):
        return f"{self.country} {self.month}: {self.cases}"


CASE_COURSE_TALLY_KEY = ("country", "category", "outcome", "opened", "found", "closed")


class CaseCourseTally(models.Model):
    """Cases by the months they were opened, found and closed in (0: not yet), with their
    category and outcome: enough to place each in every period's carried-over count and
    situation at the period's end (MC03, MC05, MC07's still missing)."""

    country = models.CharField(max_length=2)
    category = models.CharField(max_length=30)
    outcome = models.CharField(max_length=30)
    opened = models.PositiveIntegerField()
    found = models.PositiveIntegerField()
    closed = models.PositiveIntegerField()
    cases = models.BigIntegerField(default=0)
    id_sum = models.BigIntegerField(default=0)

    KEY = CASE_COURSE_TALLY_KEY

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=CASE_COURSE_TALLY_KEY, name="one_case_course_tally_per_key"
            )
        ]

    def __str__(self):
        return f"{self.country} {self.opened}: {self.cases}"


CONTACT_TALLY_KEY = ("organisation_id", "month", "channel", "subject")


class ContactTally(models.Model):
    """Contacts of an organisation started in a month, by channel and subject (MC01)."""

    organisation_id = models.BigIntegerField()
    month = models.PositiveIntegerField()
    channel = models.CharField(max_length=10)
    subject = models.CharField(max_length=30)
    contacts = models.BigIntegerField(default=0)
    id_sum = models.BigIntegerField(default=0)

    KEY = CONTACT_TALLY_KEY

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=CONTACT_TALLY_KEY, name="one_contact_tally_per_key")
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.month}: {self.contacts}"


class TallyBuild(models.Model):
    """When the tallies were last counted from scratch: until a first build, figures are
    counted after one (an upgraded database, a restored backup)."""

    built_at = models.DateTimeField(default=timezone.now)
    cases = models.BigIntegerField(default=0)
    contacts = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)

    def __str__(self):
        return f"{self.built_at:%Y-%m-%d %H:%M}"
