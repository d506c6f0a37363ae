"""Child victims of trafficking and exploitation: identification, referral to services, safe
repatriation, and (for the police) persons of interest and the payment and online identifiers
that link them.

A victim record belongs to the organisation that opened it; what hangs off it (indicators seen,
age assessments, guardians, referrals, repatriation plans) follows it. Persons of interest and
identifiers belong to a police organisation and are seen by its law-enforcement staff only.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seec.core.models import Country, Organisation


class Exploitation(models.TextChoices):
    """Forms of exploitation, coded as the statistics' breakdown (seec/stats/catalogue.py)."""

    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Labour exploitation")
    FORCED_BEGGING = "forced_begging", _("Forced begging")
    FORCED_CRIMINALITY = "forced_criminality", _("Forced criminal activities")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    ORGAN_REMOVAL = "organ_removal", _("Removal of organs")
    OTHER = "other", _("Other forms")


# --- The indicators' catalogue ---------------------------------------------------------------


class IndicatorCatalogue(models.Model):
    """One version of the catalogue of indicators. A published version never changes: an edit
    is a new draft, published in its turn; each observation keeps the indicator it was made
    against, so a record reads as it was assessed."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    sources = models.TextField(_("sources"), help_text=_("The documents the indicators follow."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("indicator catalogue")

    def __str__(self):
        return f"{self.title} ({self.version})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Strength(models.TextChoices):
    STRONG = "strong", _("Strong")
    MEDIUM = "medium", _("Medium")
    WEAK = "weak", _("Weak")


class Indicator(models.Model):
    catalogue = models.ForeignKey(
        IndicatorCatalogue, on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=20)
    exploitation = models.CharField(
        _("form of exploitation"),
        max_length=30,
        choices=Exploitation.choices,
        blank=True,
        help_text=_("Empty: a general indicator of trafficking, whatever the form."),
    )
    dimension = models.CharField(_("dimension"), max_length=100, blank=True)
    strength = models.CharField(_("strength"), max_length=10, choices=Strength.choices)
    text = models.TextField(_("indicator"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["catalogue", "exploitation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="indicator_code_once")
        ]

    def __str__(self):
        return f"{self.code} {self.text}"


# --- The child victim -------------------------------------------------------------------------


class ReportedBy(models.TextChoices):
    """Who first met the child: the actors VICTOR trained, and the hotline."""

    INFO_DESK = "info_desk", _("Information desk on child trafficking")
    HOTLINE = "hotline", _("116 000 hotline")
    POLICE = "police", _("Police")
    LABOUR_INSPECTOR = "labour_inspector", _("Labour inspector")
    SHELTER = "shelter", _("Shelter")
    HEALTH = "health", _("Health worker")
    SOCIAL_SERVICES = "social_services", _("Social services")
    SCHOOL = "school", _("School")
    BORDER = "border", _("Border or migration authority")
    OTHER = "other", _("Other")


class IdentificationStatus(models.TextChoices):
    PRESUMED = "presumed", _("Presumed victim")
    IDENTIFIED = "identified", _("Identified victim")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim of trafficking")


class Minority(models.TextChoices):
    """The child is presumed a minor until an assessment establishes otherwise (Directive
    2011/36/EU, art. 13(2)); a doubt that remains keeps the presumption."""

    PRESUMED = "presumed", _("Presumed minor (age uncertain)")
    ESTABLISHED = "established", _("Minor (age established)")
    ADULT = "adult", _("Adult (established by assessment)")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class ChildVictim(models.Model):
    """A child presumed or identified as a victim of trafficking or exploitation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="child_victims"
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("116 000 case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="child_victims",
    )
    reported_by = models.CharField(_("first met by"), max_length=30, choices=ReportedBy.choices)
    reporter_detail = models.CharField(_("reporting desk or officer"), max_length=200, blank=True)
    met_on = models.DateField(_("first met on"))
    met_place = models.CharField(_("where"), max_length=200, blank=True)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    known_as = models.CharField(_("also known as"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    minority = models.CharField(
        _("minority"), max_length=15, choices=Minority.choices, default=Minority.PRESUMED
    )
    citizenship = models.ForeignKey(
        Country,
        verbose_name=_("citizenship"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    exploitation = models.CharField(
        _("form of exploitation"), max_length=30, choices=Exploitation.choices
    )
    exploitation_country = models.ForeignKey(
        Country,
        verbose_name=_("country of exploitation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("identification"),
        max_length=15,
        choices=IdentificationStatus.choices,
        default=IdentificationStatus.PRESUMED,
    )
    identified_by_authority = models.CharField(
        _("identified by (authority)"), max_length=200, blank=True
    )
    identified_on = models.DateField(_("identified on"), null=True, blank=True)
    catalogue = models.ForeignKey(
        IndicatorCatalogue,
        verbose_name=_("indicator catalogue"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("what is known"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("child victim")
        verbose_name_plural = _("child victims")
        indexes = [models.Index(fields=["organisation", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_estimate__isnull=True) | models.Q(age_estimate__lte=25),
                name="victim_age_estimate_plausible",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p) or self.known_as

    def age_on(self, day) -> int | None:
        if self.date_of_birth:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return self.age_estimate

    def clean(self):
        errors = {}
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = _("The date of birth is in the future.")
        if self.met_on and self.met_on > timezone.localdate():
            errors["met_on"] = _("The date is in the future.")
        if self.status == IdentificationStatus.IDENTIFIED and not self.identified_by_authority:
            errors["identified_by_authority"] = _("Name the authority that identified the child.")
        if errors:
            raise ValidationError(errors)


class IndicatorObservation(models.Model):
    victim = models.ForeignKey(ChildVictim, on_delete=models.CASCADE, related_name="observations")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("what was seen"), max_length=500, blank=True)
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    observed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["victim", "indicator"], name="indicator_observed_once")
        ]

    def __str__(self):
        return f"{self.indicator.code} on {self.victim_id}"


class AgeMethod(models.TextChoices):
    DOCUMENTS = "documents", _("Identity documents")
    INTERVIEW = "interview", _("Interview by a trained professional")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial assessment")
    MEDICAL = "medical", _("Medical examination (least invasive)")


class AgeAssessment(models.Model):
    """An assessment of age: a range, because every method has an error; the lower bound
    decides (the benefit of the doubt goes to the child)."""

    victim = models.ForeignKey(
        ChildVictim, on_delete=models.CASCADE, related_name="age_assessments"
    )
    method = models.CharField(_("method"), max_length=20, choices=AgeMethod.choices)
    lowest_age = models.PositiveSmallIntegerField(_("lowest age"))
    highest_age = models.PositiveSmallIntegerField(_("highest age"))
    assessed_by = models.CharField(_("assessed by"), max_length=200)
    assessed_on = models.DateField(_("assessed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(highest_age__gte=models.F("lowest_age")),
                name="age_range_ordered",
            )
        ]

    def __str__(self):
        return f"{self.lowest_age}–{self.highest_age} ({self.method})"


class GuardianAppointment(models.Model):
    victim = models.ForeignKey(ChildVictim, on_delete=models.CASCADE, related_name="guardians")
    guardian_name = models.CharField(_("guardian"), max_length=200)
    appointed_by = models.CharField(_("appointed by"), max_length=200)
    appointed_on = models.DateField(_("appointed on"))
    contact = models.CharField(_("how to reach them"), max_length=200, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-appointed_on", "-pk"]

    def __str__(self):
        return self.guardian_name


# --- Referral to services (national referral mechanism) ------------------------------------


class ServiceKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    LEGAL = "legal", _("Legal assistance")
    EDUCATION = "education", _("Education")
    INTERPRETATION = "interpretation", _("Interpretation")


class ServiceProvider(models.Model):
    """A provider in the directory. Where it works on the platform (`organisation`), its staff
    receive the referrals and answer them themselves."""

    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    services = models.JSONField(_("services"), default=list)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on the platform as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_providers",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    children_only = models.BooleanField(_("for children"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("service provider")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="provider_name_once")
        ]

    def __str__(self):
        return self.name

    def service_labels(self) -> list[str]:
        return [str(ServiceKind(s).label) for s in self.services if s in ServiceKind.values]


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Service given")
    ENDED = "ended", _("Ended before completion")


class ConsentBy(models.TextChoices):
    CHILD = "child", _("The child")
    GUARDIAN = "guardian", _("The guardian")
    BOTH = "both", _("The child and the guardian")
    COURT = "court", _("A court or authority, without consent")


class Referral(models.Model):
    victim = models.ForeignKey(ChildVictim, on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.CharField(_("service"), max_length=20, choices=ServiceKind.choices)
    reason = models.TextField(_("what the child needs"))
    consent_by = models.CharField(_("consent given by"), max_length=10, choices=ConsentBy.choices)
    consent_note = models.CharField(_("how consent was given"), max_length=300, blank=True)
    answer_due = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=200, blank=True)
    starts_on = models.DateField(_("service starts"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_at", "-pk"]
        indexes = [models.Index(fields=["status", "answer_due"])]

    def __str__(self):
        return f"{self.get_service_display()} – {self.provider}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.SENT and self.answer_due < timezone.localdate()


# --- Safe repatriation (transnational referral) ------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    APPROVED = "approved", _("Approved: return in the child's best interests")
    IN_PROGRESS = "in_progress", _("Return under way")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped: return not in the child's best interests")


class ReturnRisk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RepatriationPlan(models.Model):
    victim = models.ForeignKey(
        ChildVictim, on_delete=models.PROTECT, related_name="repatriation_plans"
    )
    destination = models.ForeignKey(
        Country,
        verbose_name=_("country of return"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=15, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    agreement = models.CharField(_("repatriation agreement applied"), max_length=300, blank=True)
    best_interests = models.TextField(_("best-interests determination"), blank=True)
    best_interests_by = models.CharField(_("determined by"), max_length=200, blank=True)
    best_interests_on = models.DateField(_("determined on"), null=True, blank=True)
    return_risk = models.CharField(
        _("risk of return"), max_length=10, choices=ReturnRisk.choices, blank=True
    )
    risk_assessment = models.TextField(_("risk assessment of return"), blank=True)
    family_assessment = models.TextField(
        _("family assessment (country of origin's social services)"), blank=True
    )
    child_views = models.TextField(_("the child's views"), blank=True)
    child_heard_on = models.DateField(_("child heard on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("repatriation plan")

    def __str__(self):
        return f"{self.victim.reference} → {self.destination_id}"

    @property
    def organisation_id(self):
        return self.victim.organisation_id


class StepKind(models.TextChoices):
    FAMILY_ASSESSMENT = "family_assessment", _("Family assessment in the country of origin")
    TRAVEL_DOCUMENTS = "travel_documents", _("Travel documents from the consulate")
    ESCORT = "escort", _("Escort for the journey")
    HANDOVER = "handover", _("Hand-over at the border or airport")
    RECEPTION = "reception", _("Reception in the country of origin")
    FOLLOW_UP_1 = "follow_up_1", _("Follow-up visit after 1 month")
    FOLLOW_UP_3 = "follow_up_3", _("Follow-up visit after 3 months")
    FOLLOW_UP_6 = "follow_up_6", _("Follow-up visit after 6 months")
    FOLLOW_UP_12 = "follow_up_12", _("Follow-up visit after 12 months")
    OTHER = "other", _("Other step")


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Not yet asked")
    REQUESTED = "requested", _("Asked of its owner")
    CONFIRMED = "confirmed", _("Confirmed done")
    REFUSED = "refused", _("Refused by its owner")


class RepatriationStep(models.Model):
    """One step of a plan, owned by an agency: on the platform (an organisation, here or on
    another installation) it is asked of and confirmed by that agency; off the platform the
    coordinator records its confirmation."""

    plan = models.ForeignKey(RepatriationPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    description = models.CharField(_("details"), max_length=300, blank=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owning agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_name = models.CharField(_("owning agency (off the platform)"), max_length=200, blank=True)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(_("confirmed by"), max_length=200, blank=True)
    answer_note = models.TextField(_("their note"), blank=True)
    conversation = models.CharField(max_length=64, blank=True, db_index=True)
    warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="step_position_once"),
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""),
                name="step_has_an_owner",
                violation_error_message=_("Name the agency that owns the step."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.get_kind_display()}"

    @property
    def owner_label(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name

    @property
    def is_overdue(self) -> bool:
        return self.status in (StepStatus.PENDING, StepStatus.REQUESTED) and (
            self.due_on < timezone.localdate()
        )


class StepAssignment(models.Model):
    """A step as its owning agency holds it: on its own installation, with only what it needs
    to do the step (the child's name and birth date, the step, the date, the partner)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    conversation = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    description = models.CharField(_("details"), max_length=300, blank=True)
    child_name = models.CharField(_("child"), max_length=300)
    child_born = models.DateField(_("date of birth"), null=True, blank=True)
    plan_reference = models.CharField(_("their reference"), max_length=60)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.REQUESTED
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer_note = models.TextField(_("note"), blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "conversation"], name="assignment_once_per_conversation"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.plan_reference})"


# --- Persons of interest (police only) ---------------------------------------------------------


class PersonRole(models.TextChoices):
    TRAFFICKER = "trafficker", _("Trafficker")
    RECRUITER = "recruiter", _("Recruiter")
    EXPLOITER = "exploiter", _("Exploiter")
    CLIENT = "client", _("Client")
    FACILITATOR = "facilitator", _("Facilitator")


class HandlingCode(models.TextChoices):
    """Europol SIENA handling codes: how the information may be used."""

    H0 = "H0", _("H0 – no restriction beyond the law")
    H1 = (
        "H1",
        _("H1 – not evidence in judicial proceedings without the provider's permission"),
    )
    H2 = "H2", _("H2 – not to be disseminated without the provider's permission")
    H3 = "H3", _("H3 – other restrictions (stated)")


class SourceReliability(models.TextChoices):
    """The 4×4 evaluation: the source..."""

    A = "A", _("A – no doubt of authenticity, trustworthiness and competence")
    B = "B", _("B – has proved reliable in most instances")
    C = "C", _("C – has proved unreliable in most instances")
    X = "X", _("X – reliability cannot be assessed")


class InformationAccuracy(models.TextChoices):
    """...and the information."""

    ONE = "1", _("1 – accuracy not in doubt")
    TWO = "2", _("2 – known personally to the source, not to the officer passing it on")
    THREE = "3", _("3 – not known personally to the source, corroborated")
    FOUR = "4", _("4 – not known personally to the source, not corroborated")


class PersonOfInterest(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="persons_of_interest"
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    role = models.CharField(_("role"), max_length=15, choices=PersonRole.choices)
    name = models.CharField(_("name or alias"), max_length=200)
    born_on = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.ForeignKey(
        Country,
        verbose_name=_("nationality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    victims = models.ManyToManyField(ChildVictim, blank=True, related_name="persons_of_interest")
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="+")
    review_on = models.DateField(_("review by"))
    retain_until = models.DateField(_("delete on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("person of interest")
        verbose_name_plural = _("persons of interest")
        indexes = [models.Index(fields=["retain_until"])]

    def __str__(self):
        return self.reference


class IntelligenceItem(models.Model):
    """One piece of information on a person, evaluated and handled as Europol's SIENA does."""

    person = models.ForeignKey(PersonOfInterest, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(_("information"))
    handling = models.CharField(_("handling code"), max_length=2, choices=HandlingCode.choices)
    handling_note = models.CharField(_("restrictions (H3)"), max_length=300, blank=True)
    reliability = models.CharField(
        _("source reliability"), max_length=1, choices=SourceReliability.choices
    )
    accuracy = models.CharField(
        _("information accuracy"), max_length=1, choices=InformationAccuracy.choices
    )
    review_on = models.DateField(_("review by"))
    retain_until = models.DateField(_("delete on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["retain_until"])]

    def __str__(self):
        return f"{self.person_id}: {self.evaluation} {self.handling}"

    @property
    def evaluation(self) -> str:
        return f"{self.reliability}{self.accuracy}"


# --- Payment and online identifiers --------------------------------------------------------


class IdentifierKind(models.TextChoices):
    IBAN = "iban", _("IBAN")
    CARD = "card", _("Payment card")
    PHONE = "phone", _("Phone number")
    MOBILE_MONEY = "mobile_money", _("Mobile-money account")
    BITCOIN = "bitcoin", _("Bitcoin address")
    ETHEREUM = "ethereum", _("Ethereum address")
    USERNAME = "username", _("Username")
    URL = "url", _("Web address")


class TraceIdentifier(models.Model):
    """A payment or online identifier seen in an investigation. Only its keyed hash is compared
    (here and between installations); a card number is kept as nothing but that hash, its
    issuer prefix and last four digits."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="trace_identifiers"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=15, choices=IdentifierKind.choices)
    # Empty for a card; the normalised form otherwise (what the police read back).
    value = models.CharField(_("identifier"), max_length=500, blank=True)
    display = models.CharField(_("shown as"), max_length=200)
    platform = models.CharField(
        _("platform or network"),
        max_length=100,
        blank=True,
        help_text=_("For a username: the site or app; for mobile money: the provider."),
    )
    key_hash = models.CharField(max_length=64)
    card_bin = models.CharField(_("issuer prefix"), max_length=8, blank=True)
    card_last4 = models.CharField(_("last four digits"), max_length=4, blank=True)
    victim = models.ForeignKey(
        ChildVictim, on_delete=models.CASCADE, null=True, blank=True, related_name="identifiers"
    )
    person = models.ForeignKey(
        PersonOfInterest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="identifiers",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("context"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["kind", "key_hash"], name="identifier_lookup")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.display}"


class IdentifierMatch(models.Model):
    """The same identifier recorded twice (two records, organisations or countries). Each side
    sees its own identifier and the other's organisation and country, never the other's record."""

    first = models.ForeignKey(TraceIdentifier, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(TraceIdentifier, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="identifier_match_once")
        ]

    def __str__(self):
        return f"{self.first_id} = {self.second_id}"


class RemoteIdentifierMatch(models.Model):
    """One of our identifiers that a police unit of another installation also holds, found by
    comparing keyed hashes under a matching agreement (identifiers_across.py). We know their
    unit and country (the agreement's partner) and an opaque id they gave their sighting under
    the agreement, never their record nor the identifier as they hold it."""

    identifier = models.ForeignKey(
        TraceIdentifier, on_delete=models.CASCADE, related_name="remote_matches"
    )
    agreement = models.ForeignKey(
        "linkage.MatchingAgreement", on_delete=models.PROTECT, related_name="+"
    )
    partner_reference = models.CharField(max_length=40)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier", "agreement", "partner_reference"],
                name="remote_identifier_match_once",
            )
        ]

    def __str__(self):
        return f"{self.identifier_id} ~ {self.partner_reference}"
