"""What the public sends in: a sighting about a live alert, or a suspicion of exploitation or
trafficking. Each report belongs to the centre responsible for it (the alert's case owner, or
the country's 116 000 centre) and waits in that centre's triage queue."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seec.core.models import Country, Organisation


class ReportKind(models.TextChoices):
    SIGHTING = "sighting", _("I have seen a missing child")
    SUSPICION = "suspicion", _("I suspect a child is exploited or trafficked")


class ReportStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("a report from the public", "New")
    TRIAGED = "triaged", pgettext_lazy("a report from the public", "Triaged")


class PublishedChild(models.Model):
    """A missing child published on the public site (not an alert): only with the guardian's
    consent and the police's approval recorded, for a set period, with a reviewed public text.

    What is shown is an allow-list (first name, age, sex, height, where and when last seen,
    clothing, the reviewed text, the photo chosen): custody, suspected trafficking, medical and
    family details have no field here, so they cannot be published. When the child is found
    or the case closed, the publication is withdrawn at once (seec/portal/services.py)."""

    slug = models.CharField(max_length=24, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="publications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    public_name = models.CharField(_("name as published"), max_length=150)
    public_text = models.TextField(_("public text (reviewed)"))
    photo = models.ForeignKey(
        "cases.CaseFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    guardian_consent = models.CharField(_("guardian's consent (who, how)"), max_length=300)
    consent_on = models.DateField(_("consent given on"))
    police_approval = models.CharField(_("police approval (unit, reference)"), max_length=300)
    approved_on = models.DateField(_("approved on"))
    published_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)
    published_until = models.DateTimeField(_("published until"))
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("published missing child")
        verbose_name_plural = _("published missing children")

    def __str__(self):
        return f"{self.case} ({self.slug})"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None and self.published_until > timezone.now()


class PublicReport(models.Model):
    """A report from the public. Its reporter holds the reference and a secret (only its hash
    is kept) with which they add information later, without an account."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    secret_hash = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    alert = models.ForeignKey(
        "alerts.Alert",
        verbose_name=_("alert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_reports",
    )
    published_child = models.ForeignKey(
        PublishedChild,
        verbose_name=_("published child"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_reports",
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("centre responsible"),
        on_delete=models.PROTECT,
        related_name="public_reports",
    )
    what_was_seen = models.TextField(_("what you saw"))
    place = models.CharField(_("place"), max_length=300)
    seen_at = models.DateTimeField(_("when"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    # The reporter's consent to their contact details reaching the centre responsible for
    # the child on another installation (a sighting about an alert that began there).
    contact_may_be_passed_on = models.BooleanField(
        _("contact details may be passed on"), default=False
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    # The photo, EXIF removed and encrypted like a case file (seec/cases/files.py).
    photo_storage_name = models.CharField(max_length=100, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triage_note = models.TextField(_("triage note"), blank=True)
    # The sighting recorded on the alert's case from this report, when the triager did so.
    case_sighting = models.ForeignKey(
        "cases.Sighting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["organisation", "status", "-received_at"])]
        verbose_name = _("report from the public")
        verbose_name_plural = _("reports from the public")

    def __str__(self):
        return self.reference


class ReportAddition(models.Model):
    """More information the reporter added later with the reference and secret."""

    report = models.ForeignKey(PublicReport, on_delete=models.CASCADE, related_name="additions")
    text = models.TextField(_("what you add"))
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at"]

    def __str__(self):
        return f"{self.report.reference} +{self.pk}"


class NetworkItemKind(models.TextChoices):
    PARTNER = "partner", _("Partner")
    ACTIVITY = "activity", _("Event or training")
    INFO_DESK = "info_desk", _("Info-desk")
    NEWS = "news", _("News")
    REPORT = "report", _("Annual statistical report")


class NetworkPublication(models.Model):
    """A record of the regional network that a regional coordinator chose to show on the
    public site (a partner, an event or training, an info-desk), a piece of news written for
    it, or an annual statistical report released for download.

    The network's records stay staff-only (seec/network/rules.py); the public sees one only
    while it has a live publication here, and then only the allow-listed fields that
    seec/portal/network_pages.py reads (never a partner's contacts or notes, an activity's
    participants or internal outcomes, an info-desk's daily counts)."""

    kind = models.CharField(_("kind"), max_length=20, choices=NetworkItemKind.choices)
    partner = models.ForeignKey(
        "network.Partner", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    activity = models.ForeignKey(
        "network.Activity", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    info_desk = models.ForeignKey(
        "network.InfoDesk", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    public_text = models.TextField(_("public text (reviewed)"), blank=True)
    published_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("publication on the public site")
        verbose_name_plural = _("publications on the public site")

    def __str__(self):
        return f"{self.kind} {self.record_label}"

    @property
    def record(self):
        return self.partner or self.activity or self.info_desk

    @property
    def record_label(self) -> str:
        if self.kind == NetworkItemKind.REPORT:
            return str(self.year)
        record = self.record
        return str(record) if record is not None else self.title
