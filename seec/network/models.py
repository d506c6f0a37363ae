"""The regional network: country profiles as dated facts, partners, agreements and liaison
officers, activities, the action plan with its reviews, and the evaluation of services.

A country profile is never overwritten: each fact holds from its `effective_from` until the
next fact of the same subject, so that the picture of the region on any date can be drawn
again (`profiles.picture_at`), and a country's timeline is its facts in order.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seec.core.models import Country, Organisation

REGION_COUNTRY = models.Q(in_region=True)


class DatedFact(models.Model):
    """A state that holds from `effective_from` until the next fact of the same subject."""

    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        limit_choices_to=REGION_COUNTRY,
        related_name="+",
    )
    effective_from = models.DateField(_("from"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["country", "effective_from", "pk"]


# --- The 116 000 service ----------------------------------------------------------------------


class HotlineStage(models.TextChoices):
    NONE = "none", _("Not started")
    IN_PROGRESS = "in_progress", _("Implementation in progress")
    OPERATIONAL = "operational", _("Operational")
    SUSPENDED = "suspended", pgettext_lazy("a 116 000 hotline's stage", "Suspended")


class HotlineFact(DatedFact):
    """Where the 116 000 hotline of a country stands from a date on."""

    stage = models.CharField(_("stage"), max_length=20, choices=HotlineStage.choices)
    operator = models.CharField(
        pgettext_lazy("the organisation that runs a hotline", "operator"),
        max_length=200,
        blank=True,
    )
    hours = models.CharField(
        _("hours"), max_length=100, blank=True, help_text=_("For example: 24/7, or 08–20 daily.")
    )
    channels = models.CharField(
        _("channels"), max_length=200, blank=True, help_text=_("Phone, chat, e-mail, SMS…")
    )
    landline = models.BooleanField(_("reachable from landlines"), default=False)
    mobile = models.BooleanField(_("reachable from mobile networks"), default=False)

    class Meta(DatedFact.Meta):
        verbose_name = _("116 000 fact")
        verbose_name_plural = _("116 000 facts")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "effective_from"], name="hotline_fact_one_per_day"
            )
        ]

    def __str__(self):
        return f"{self.country_id} 116 000 {self.get_stage_display()} {self.effective_from}"

    def clean(self):
        if self.stage == HotlineStage.OPERATIONAL:
            errors = {}
            if not self.operator.strip():
                errors["operator"] = _("An operational hotline has an operator.")
            if not (self.landline or self.mobile):
                errors["landline"] = _("An operational hotline is reachable from some network.")
            if errors:
                raise ValidationError(errors)


# --- The child alert system and the national centre ------------------------------------------


class AlertSystemStage(models.TextChoices):
    NONE = "none", _("None")
    BEING_ESTABLISHED = "being_established", _("Being established")
    OPERATIONAL = "operational", _("Operational")


class ChildAlertFact(DatedFact):
    stage = models.CharField(_("stage"), max_length=20, choices=AlertSystemStage.choices)
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    cross_border = models.TextField(
        _("cross-border agreements"), blank=True, help_text=_("With which countries, and how.")
    )

    class Meta(DatedFact.Meta):
        verbose_name = _("child alert system fact")
        verbose_name_plural = _("child alert system facts")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "effective_from"], name="alert_fact_one_per_day"
            )
        ]

    def __str__(self):
        return f"{self.country_id} child alert {self.get_stage_display()} {self.effective_from}"

    def clean(self):
        if self.stage == AlertSystemStage.OPERATIONAL and not self.authority.strip():
            raise ValidationError({"authority": _("An operational alert system has an authority.")})


class CentreStage(models.TextChoices):
    NONE = "none", _("None")
    ENCOURAGED = "encouraged", _("Being encouraged")
    ESTABLISHED = "established", _("Established")


class NationalCentreFact(DatedFact):
    stage = models.CharField(_("stage"), max_length=20, choices=CentreStage.choices)
    name = models.CharField(_("national centre"), max_length=200, blank=True)

    class Meta(DatedFact.Meta):
        verbose_name = _("national centre fact")
        verbose_name_plural = _("national centre facts")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "effective_from"], name="centre_fact_one_per_day"
            )
        ]

    def __str__(self):
        return f"{self.country_id} national centre {self.get_stage_display()}"


# --- Conventions ------------------------------------------------------------------------------


class Convention(models.Model):
    """An international instrument that the centre advocates (reference data)."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    short_name = models.CharField(_("short name"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    adopted_on = models.DateField(_("adopted"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")

    def __str__(self):
        return self.short_name


class TreatyStage(models.TextChoices):
    SIGNED = "signed", _("Signed")
    RATIFIED = "ratified", _("Ratified or acceded")
    IN_FORCE = "in_force", _("In force")


class RatificationFact(DatedFact):
    """A step of a country under a convention: signed, ratified (or acceded), in force."""

    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.PROTECT, related_name="facts"
    )
    stage = models.CharField(_("step"), max_length=20, choices=TreatyStage.choices)

    class Meta(DatedFact.Meta):
        verbose_name = _("ratification step")
        verbose_name_plural = _("ratification steps")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "convention", "stage"], name="ratification_step_once"
            )
        ]

    def __str__(self):
        return f"{self.country_id} {self.convention_id} {self.stage} {self.effective_from}"


# --- Laws and policies, model protocols --------------------------------------------------------


class GapStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    ADVOCATED = "advocated", _("Change advocated")
    IN_PROGRESS = "in_progress", _("Change in progress")
    ADDRESSED = "addressed", _("Addressed")


class LegalGap(models.Model):
    """A gap or loophole in a country's laws or policies found by the centre's review."""

    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        limit_choices_to=REGION_COUNTRY,
        related_name="+",
    )
    topic = models.CharField(_("topic"), max_length=120)
    title = models.CharField(_("gap"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    reference = models.CharField(_("law or policy"), max_length=300, blank=True)

    class Meta:
        ordering = ["country", "topic", "title"]
        verbose_name = _("gap in law or policy")
        verbose_name_plural = _("gaps in law or policy")

    def __str__(self):
        return f"{self.country_id}: {self.title}"


class LegalGapFact(DatedFact):
    """The status of a gap from a date on (identified, advocated, in progress, addressed)."""

    gap = models.ForeignKey(LegalGap, on_delete=models.CASCADE, related_name="facts")
    status = models.CharField(_("status"), max_length=20, choices=GapStatus.choices)

    class Meta(DatedFact.Meta):
        verbose_name = _("gap status")
        verbose_name_plural = _("gap statuses")
        constraints = [
            models.UniqueConstraint(fields=["gap", "effective_from"], name="gap_fact_one_per_day")
        ]

    def __str__(self):
        return f"{self.gap} {self.status} {self.effective_from}"

    def clean(self):
        if self.gap_id and self.country_id and self.gap.country_id != self.country_id:
            raise ValidationError({"country": _("The gap belongs to another country.")})


class ModelProtocol(models.Model):
    """A model protocol or best practice that the centre promotes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("model protocol")
        verbose_name_plural = _("model protocols")

    def __str__(self):
        return self.title


class AdoptionStage(models.TextChoices):
    PROMOTED = "promoted", _("Promoted")
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    ADOPTED = "adopted", _("Adopted")
    IMPLEMENTED = "implemented", _("Implemented")


class ProtocolAdoptionFact(DatedFact):
    protocol = models.ForeignKey(
        ModelProtocol, verbose_name=_("protocol"), on_delete=models.PROTECT, related_name="facts"
    )
    stage = models.CharField(_("stage"), max_length=30, choices=AdoptionStage.choices)

    class Meta(DatedFact.Meta):
        verbose_name = _("protocol adoption")
        verbose_name_plural = _("protocol adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "protocol", "effective_from"], name="adoption_fact_one_per_day"
            )
        ]

    def __str__(self):
        return f"{self.country_id} {self.protocol_id} {self.stage}"


# --- Partners, agreements, liaison officers ----------------------------------------------------


class PartnerKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    NGO = "ngo", _("NGO")
    POLICE = "police", _("Police")
    JUDICIARY = "judiciary", _("Judiciary")
    INTERNATIONAL = "international", _("International body")
    DONOR = "donor", _("Donor")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """An organisation the centre works with, whether or not its staff use the platform."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for an international body."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("platform organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_partners",
        help_text=_("Where the partner's staff use the platform."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    partner_since = models.DateField(_("partner since"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="partner_unique_name")
        ]

    def __str__(self):
        return self.name


class PartnerPerson(models.Model):
    """Someone the centre deals with at a partner (a professional contact)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.CharField(_("languages"), max_length=100, blank=True)

    class Meta:
        ordering = ["partner", "name"]
        verbose_name = _("partner's contact person")
        verbose_name_plural = _("partners' contact people")

    def __str__(self):
        return self.name


class AgreementKind(models.TextChoices):
    COOPERATION = "cooperation", _("Cooperation agreement")
    MOU = "mou", _("Memorandum of understanding")
    BILATERAL_REPATRIATION = "bilateral_repatriation", _("Bilateral repatriation agreement")
    MULTILATERAL_REPATRIATION = (
        "multilateral_repatriation",
        _("Multilateral repatriation agreement"),
    )
    COMMON_ACTION_PLAN = "common_action_plan", _("Common action plan")
    GRANT = "grant", _("Grant agreement")


class Agreement(models.Model):
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=AgreementKind.choices)
    scope = models.TextField(_("scope"))
    countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries covered"),
        blank=True,
        related_name="+",
        limit_choices_to=REGION_COUNTRY,
    )
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: until terminated.")
    )
    terminated_on = models.DateField(_("terminated"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-valid_from", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="network_agreement_ends_after_start",
                violation_error_message=_("An agreement cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("An agreement cannot end before it starts.")})
        if self.signed_on and self.valid_from and self.signed_on > self.valid_from:
            # An agreement applies from its signature at the earliest.
            raise ValidationError({"valid_from": _("An agreement applies from its signature.")})

    def in_force_on(self, day) -> bool:
        if day < self.valid_from:
            return False
        if self.terminated_on and day >= self.terminated_on:
            return False
        return self.valid_until is None or day <= self.valid_until


class AgreementParty(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    partner = models.ForeignKey(
        Partner, verbose_name=_("party"), on_delete=models.PROTECT, related_name="agreements"
    )
    signatory = models.CharField(_("signed for them by"), max_length=200, blank=True)

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "partner"], name="agreement_party_once")
        ]

    def __str__(self):
        return f"{self.partner} – {self.agreement}"


class AgreementDocument(models.Model):
    """The signed text, stored encrypted like a case's documents (see network/documents.py)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    description = models.CharField(_("description"), max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.description or self.original_name


class AgreementReminder(models.Model):
    """A reminder sent before an agreement lapses: once per agreement and lead time."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    valid_until = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            # Keyed by the end date too: a renewed agreement is reminded of again.
            models.UniqueConstraint(
                fields=["agreement", "valid_until", "days_before"], name="agreement_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.agreement_id} {self.days_before} days"


class LiaisonOfficer(models.Model):
    """A named contact appointed between institutions for cross-border work."""

    name = models.CharField(_("name"), max_length=200)
    institution = models.CharField(_("institution"), max_length=200)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_officers",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        limit_choices_to=REGION_COUNTRY,
        related_name="+",
    )
    function = models.CharField(_("function"), max_length=200, blank=True)
    counterparts = models.ManyToManyField(
        Country,
        verbose_name=_("liaises with"),
        blank=True,
        related_name="+",
        limit_choices_to=REGION_COUNTRY,
    )
    topics = models.CharField(
        _("topics"), max_length=200, blank=True, help_text=_("Missing children, trafficking…")
    )
    languages = models.CharField(_("languages"), max_length=100, blank=True)
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    phone_24_7 = models.CharField(_("24/7 phone"), max_length=40)
    email = models.EmailField(_("e-mail"))
    appointed_on = models.DateField(_("appointed"))
    until = models.DateField(_("until"), null=True, blank=True)
    # Latin forms of the name and institution, so the directory finds Ђорђевић as Djordjevic.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("liaison officer")
        verbose_name_plural = _("liaison officers")

    def __str__(self):
        return f"{self.name} ({self.institution})"

    def clean(self):
        if self.until and self.appointed_on and self.until < self.appointed_on:
            raise ValidationError({"until": _("The appointment cannot end before it starts.")})


# --- Activities -------------------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    ON_SITE_VISIT = "on_site_visit", _("On-site visit")
    STUDY_VISIT = "study_visit", _("Study visit")
    TRAINING = "training", _("Training")
    FORUM = "forum", _("Forum")
    ROUND_TABLE = "round_table", _("Round table")
    CONFERENCE = "conference", _("Conference")
    CAMPAIGN = "campaign", _("Awareness campaign")


class Activity(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="+"
    )
    partners = models.ManyToManyField(
        Partner, verbose_name=_("with"), blank=True, related_name="activities"
    )
    description = models.TextField(_("description"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    # Counted without names for events where a list of people is not kept (a forum of 90).
    participants_count = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    organisations_count = models.PositiveIntegerField(_("organisations"), null=True, blank=True)
    target_groups = models.CharField(_("target groups"), max_length=300, blank=True)
    reach = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    plan_activity = models.ForeignKey(
        "PlannedActivity",
        verbose_name=_("action plan activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_after_start",
                violation_error_message=_("An activity cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("An activity cannot end before it starts.")})


class Sector(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    JUDICIARY = "judiciary", _("Judiciary and prosecution")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH = "health", _("Health care")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    EDUCATION = "education", _("Education")
    NGO = "ngo", _("NGO")
    HOTLINE = "hotline", _("116 000 hotline")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


class Participant(models.Model):
    """A person who took part in a training or study visit. Personal data: the regional
    centre's staff alone see it; everyone else reads counts by sector and country."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("platform organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    pre_test = models.DecimalField(
        _("pre-test score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    post_test = models.DecimalField(
        _("post-test score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    completed = models.BooleanField(_("completed the training"), default=False)
    certificate_number = models.CharField(max_length=40, blank=True)
    certificate_issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["activity", "name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="certificate_number_unique",
            )
        ]

    def __str__(self):
        return self.name


class Recommendation(models.Model):
    """A recommendation of a forum, round table or conference, followed up per country."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("recommendation"))

    class Meta:
        ordering = ["activity", "number"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "number"], name="recommendation_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:60]}"


class FollowUpStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class RecommendationFollowUp(models.Model):
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="follow_ups"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=FollowUpStatus.choices)
    note = models.TextField(_("note"), blank=True)
    updated_on = models.DateField(_("as of"), default=timezone.localdate)

    class Meta:
        ordering = ["recommendation", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "country"], name="follow_up_once_per_country"
            )
        ]

    def __str__(self):
        return f"{self.recommendation_id} {self.country_id} {self.status}"


class InfoDesk(models.Model):
    """An information desk on child trafficking (the VICTOR model), hosted by a partner."""

    name = models.CharField(_("name"), max_length=200)
    host = models.ForeignKey(
        Partner, verbose_name=_("host"), on_delete=models.PROTECT, related_name="info_desks"
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        limit_choices_to=REGION_COUNTRY,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=200)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"), null=True, blank=True)
    materials = models.TextField(_("materials"), blank=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("info-desk")
        verbose_name_plural = _("info-desks")

    def __str__(self):
        return self.name


class DeskContactKind(models.TextChoices):
    INFORMATION = "information", _("Information on trafficking")
    MATERIALS = "materials", _("Materials taken")
    REFERRAL = "referral", _("Referred to a service")
    SUSPECTED_CASE = "suspected_case", _("Suspected case reported to the authorities")
    PROFESSIONAL = "professional", _("Professional seeking advice")


class InfoDeskContacts(models.Model):
    """How many contacts of one kind a desk had on one day: counts, never who they were."""

    desk = models.ForeignKey(InfoDesk, on_delete=models.CASCADE, related_name="contacts")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=20, choices=DeskContactKind.choices)
    count = models.PositiveIntegerField(_("contacts"), validators=[MinValueValidator(1)])
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-day", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "day", "kind"], name="desk_contacts_once")
        ]

    def __str__(self):
        return f"{self.desk_id} {self.day} {self.kind} {self.count}"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Proposal being prepared")
    SUBMITTED = "submitted", _("Proposal submitted")
    REJECTED = "rejected", _("Not funded")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Project(models.Model):
    title = models.CharField(_("title"), max_length=300)
    donor = models.CharField(_("donor"), max_length=200)
    role = models.CharField(
        _("the centre's role"), max_length=100, help_text=_("Coordinator, partner, associate…")
    )
    coordinator = models.CharField(_("coordinated by"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices)
    proposal_deadline = models.DateField(_("proposal deadline"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return self.title


class ProjectReport(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(_("report"), max_length=200)
    due_on = models.DateField(_("due"))
    submitted_on = models.DateField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self):
        return self.title


# --- The action plan --------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    EVALUATED = "evaluated", _("Evaluated")


class ActionPlan(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("common plan with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="common_plans",
        help_text=_("Empty for the centre's own annual plan."),
    )
    summary = models.TextField(_("summary"), blank=True)
    prepared_by = models.CharField(_("prepared by"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopted"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "partner__name"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(partner__isnull=True),
                name="one_own_plan_a_year",
            ),
            models.UniqueConstraint(fields=["year", "partner"], name="one_common_plan_a_year"),
        ]

    def __str__(self):
        return self.title


class Objective(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("objective"))

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="objective_number")]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class PlannedActivity(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="activities")
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("activity"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    starts = models.DateField(_("starts"), null=True, blank=True)
    ends = models.DateField(_("ends"), null=True, blank=True)
    # The latest monthly review's word, kept here so lists need no join.
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProgressStatus.choices,
        default=ProgressStatus.NOT_STARTED,
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planned_activity_number")
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class PlanIndicator(models.Model):
    activity = models.ForeignKey(
        PlannedActivity, on_delete=models.CASCADE, related_name="indicators"
    )
    text = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    actual = models.DecimalField(
        _("actual"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.text

    @property
    def achieved_share(self):
        """How far from the baseline towards the target the actual value went (0–1+)."""
        if self.actual is None or self.target == self.baseline:
            return None
        return float((self.actual - self.baseline) / (self.target - self.baseline))


class MonthlyReview(models.Model):
    """The centre's internal review of a plan for one month ("reviewed monthly")."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="reviews")
    month = models.DateField(_("month"), help_text=_("The first day of the month reviewed."))
    held_on = models.DateField(_("held"))
    summary = models.TextField(_("summary"), blank=True)
    issues = models.TextField(_("issues"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-month"]
        verbose_name = _("monthly review")
        verbose_name_plural = _("monthly reviews")
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="one_review_a_month"),
        ]

    def __str__(self):
        return f"{self.plan} – {self.month:%Y-%m}"


class ActivityProgress(models.Model):
    review = models.ForeignKey(MonthlyReview, on_delete=models.CASCADE, related_name="progress")
    activity = models.ForeignKey(
        PlannedActivity, on_delete=models.CASCADE, related_name="progress_reports"
    )
    status = models.CharField(_("status"), max_length=20, choices=ProgressStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["review", "activity"]
        constraints = [
            models.UniqueConstraint(fields=["review", "activity"], name="progress_once_a_review")
        ]

    def __str__(self):
        return f"{self.activity} {self.status}"


class Rating(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class AnnualEvaluation(models.Model):
    plan = models.OneToOneField(ActionPlan, on_delete=models.CASCADE, related_name="evaluation")
    evaluated_on = models.DateField(_("evaluated"))
    summary = models.TextField(_("summary"))
    lessons = models.TextField(_("lessons learnt"), blank=True)
    recommendations = models.TextField(_("recommendations for next year"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("annual evaluation")
        verbose_name_plural = _("annual evaluations")

    def __str__(self):
        return f"{self.plan} – evaluation"


class ActivityRating(models.Model):
    evaluation = models.ForeignKey(
        AnnualEvaluation, on_delete=models.CASCADE, related_name="ratings"
    )
    activity = models.ForeignKey(PlannedActivity, on_delete=models.CASCADE, related_name="+")
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["evaluation", "activity"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "activity"], name="rating_once")
        ]

    def __str__(self):
        return f"{self.activity} {self.rating}"


# --- Evaluation of hotline and NGO services ----------------------------------------------------


class CatalogueKind(models.TextChoices):
    DECISION_116000 = "decision_116000", _("116 000 conditions (Decision 2007/698/EC)")
    MINIMUM_STANDARDS = "minimum_standards", _("Hotline minimum standards")
    CHI = "chi", _("Child Helpline International quality standards")


class CriteriaCatalogue(models.Model):
    """A versioned set of criteria. A published version is never changed: a new version is
    made, and each evaluation keeps the version it was made under."""

    kind = models.CharField(_("kind"), max_length=30, choices=CatalogueKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    published_on = models.DateField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("criteria catalogue")
        verbose_name_plural = _("criteria catalogues")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="catalogue_version_once")
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"


class Criterion(models.Model):
    catalogue = models.ForeignKey(
        CriteriaCatalogue, on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("code"), max_length=20)
    # A heading that gathers criteria (e.g. "Availability", "Staff"), as the catalogue has.
    group = models.CharField(_("group"), max_length=120, blank=True)
    text = models.TextField(_("criterion"))
    guidance = models.TextField(_("what counts as evidence"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # An indicator of the registry (network/indicators.py) that informs this criterion.
    indicator = models.CharField(_("indicator"), max_length=60, blank=True)
    # The indicator's value that meets the criterion (a share or hours, say), where one does.
    threshold = models.DecimalField(
        _("threshold"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)

    class Meta:
        ordering = ["catalogue", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="criterion_code_once")
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"


class EvaluationStage(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    UNDER_REVIEW = "under_review", _("Under review by the centre")
    COMPLETED = "completed", _("Completed")


class ServiceStatus(models.TextChoices):
    MEETS = "meets", _("Meets the standards")
    MEETS_WITH_CONDITIONS = "conditions", _("Meets the standards with an improvement plan")
    DOES_NOT_MEET = "does_not_meet", _("Does not meet the standards")


# Scores of a criterion: 0 not met … 3 fully met.
SCORE_CHOICES = [
    (0, _("0 – not met")),
    (1, _("1 – partly met")),
    (2, _("2 – largely met")),
    (3, _("3 – fully met")),
]
MAX_SCORE = 3


class ServiceEvaluation(models.Model):
    """One year's evaluation of one service against one catalogue version. The service is a
    platform organisation, or a partner whose staff do not use the platform (an NGO known to
    the centre only): then the centre enters the self-assessment on its behalf."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation evaluated"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_evaluations",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner evaluated"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_evaluations",
    )
    catalogue = models.ForeignKey(
        CriteriaCatalogue,
        verbose_name=_("criteria"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=EvaluationStage.choices,
        default=EvaluationStage.SELF_ASSESSMENT,
    )
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    self_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    result = models.CharField(_("result"), max_length=20, choices=ServiceStatus.choices, blank=True)
    summary = models.TextField(_("summary of findings"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "organisation__name", "partner__name"]
        verbose_name = _("service evaluation")
        verbose_name_plural = _("service evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "catalogue", "year"], name="evaluation_once_a_year"
            ),
            models.UniqueConstraint(
                fields=["partner", "catalogue", "year"], name="partner_evaluation_once_a_year"
            ),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(partner__isnull=False),
                name="evaluation_of_a_service",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="evaluation_period_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.service_name} {self.year} ({self.catalogue})"

    @property
    def service_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.partner.name

    @property
    def service_country_id(self):
        return self.organisation.country_id if self.organisation_id else self.partner.country_id


class CriterionAssessment(models.Model):
    evaluation = models.ForeignKey(
        ServiceEvaluation, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_score = models.PositiveSmallIntegerField(
        _("self-assessment"), choices=SCORE_CHOICES, null=True, blank=True
    )
    self_comment = models.TextField(_("the service's comment"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    review_score = models.PositiveSmallIntegerField(
        _("centre's score"), choices=SCORE_CHOICES, null=True, blank=True
    )
    review_comment = models.TextField(_("centre's finding"), blank=True)

    class Meta:
        ordering = ["evaluation", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="assessment_once_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.evaluation_id} {self.criterion.code}"


class IndicatorValue(models.Model):
    """An indicator computed from the platform's own records for an evaluation's period."""

    evaluation = models.ForeignKey(
        ServiceEvaluation, on_delete=models.CASCADE, related_name="indicator_values"
    )
    code = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["evaluation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "code"], name="indicator_value_once")
        ]

    def __str__(self):
        return f"{self.code}={self.value}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ImprovementAction(models.Model):
    evaluation = models.ForeignKey(
        ServiceEvaluation, on_delete=models.CASCADE, related_name="improvements"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finding = models.TextField(_("finding"))
    action = models.TextField(_("action"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["evaluation", "deadline"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")

    def __str__(self):
        return self.action[:80]

    @property
    def done_step(self) -> str:
        """The evaluation step that marks this action done (network:evaluation-step)."""
        return f"done-{self.pk}"
