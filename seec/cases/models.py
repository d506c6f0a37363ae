"""The 116 000 hotline: contacts, missing-child cases and everything attached to them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seec.core.models import Country, Organisation


class Category(models.TextChoices):
    """Missing Children Europe's five categories, which the 116 000 hotlines report in."""

    RUNAWAY = "runaway", _("Runaway (including thrown out)")
    PARENTAL_ABDUCTION = "parental_abduction", _("Parental abduction")
    CRIMINAL_ABDUCTION = "criminal_abduction", _("Criminal abduction")
    LOST_INJURED = "lost_injured", _("Lost, injured or otherwise missing")
    MIGRANT = "migrant", _("Missing unaccompanied migrant child")


class Subcategory(models.TextChoices):
    THROWN_OUT = "thrown_out", _("Thrown out")
    NATIONAL = "national", pgettext_lazy("a child thrown out within the country", "National")
    INTERNATIONAL = "international", _("International")


# Which subcategories each category allows.
SUBCATEGORIES = {
    Category.RUNAWAY: {Subcategory.THROWN_OUT},
    Category.PARENTAL_ABDUCTION: {Subcategory.NATIONAL, Subcategory.INTERNATIONAL},
}


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIVE_SEARCH = "active_search", _("Active search")
    FOUND = "found", _("Found")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    FOUND_SAFE = "found_safe", _("Found safe")
    FOUND_HARMED = "found_harmed", _("Found harmed")
    FOUND_DECEASED = "found_deceased", _("Found deceased")
    CLOSED_OTHER = "closed_other", _("Closed for another reason")


FOUND_OUTCOMES = {Outcome.FOUND_SAFE, Outcome.FOUND_HARMED, Outcome.FOUND_DECEASED}


class FoundHow(models.TextChoices):
    RETURNED_ALONE = "returned_alone", _("Returned alone")
    BY_POLICE = "by_police", _("Found by police")
    BY_FAMILY = "by_family", _("Found by family")
    AFTER_PUBLIC_ALERT = "after_public_alert", _("Found after a public alert")
    BY_PUBLIC = "by_public", _("Found by a member of the public")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2, RiskLevel.CRITICAL: 3}


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[Status.OPEN, Status.ACTIVE_SEARCH])


# A child's height, from a newborn to the tallest teenager: outside this it is a typing slip
# (99 999, or metres for centimetres), which a poster or a search must not carry.
CHILD_HEIGHT_MESSAGE = _("A child's height is between 30 and 220 cm.")
CHILD_HEIGHT_VALIDATORS = [
    MinValueValidator(30, message=CHILD_HEIGHT_MESSAGE),
    MaxValueValidator(220, message=CHILD_HEIGHT_MESSAGE),
]


class Case(models.Model):
    """A missing child, from the first report to closure."""

    # Ownership and numbering
    # No single-column index where a composite index below starts with the column: each index
    # is one more B-tree every new case writes (an import writes a hundred thousand).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("organisation"),
        db_index=False,
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    number = models.CharField(_("case number"), max_length=20, unique=True)
    external_reference = models.CharField(
        _("external reference"), max_length=100, blank=True, default=""
    )

    # The child
    given_names = models.CharField(_("given names"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    names_latin = models.CharField(
        _("name in Latin script"),
        max_length=300,
        blank=True,
        help_text=_("Filled from the names as given if left empty."),
    )
    other_names = models.CharField(_("other names and nicknames"), max_length=300, blank=True)
    # The import that brought the case in from a centre's old records, if one did.
    imported_in = models.ForeignKey(
        "CaseImport", on_delete=models.PROTECT, null=True, editable=False, db_index=False
    )
    # Every normalised Latin spelling of the names above, shared with the organisation's other
    # cases of the same name: what name search finds and ranks (see SearchName).
    search_name = models.ForeignKey(
        "SearchName",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="cases",
        db_index=False,
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
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
        db_index=False,  # only a country's deletion would look cases up by it
    )
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    address = models.CharField(_("home address"), max_length=300, blank=True)
    school = models.CharField(_("school"), max_length=200, blank=True)
    height_cm = models.PositiveSmallIntegerField(
        _("height (cm)"), null=True, blank=True, validators=CHILD_HEIGHT_VALIDATORS
    )
    build = models.CharField(_("build"), max_length=100, blank=True)
    hair = models.CharField(_("hair"), max_length=100, blank=True)
    eyes = models.CharField(_("eyes"), max_length=100, blank=True)
    distinguishing_marks = models.TextField(_("distinguishing marks"), blank=True)
    clothing = models.TextField(_("clothing when last seen"), blank=True)
    medical_needs = models.TextField(_("medical needs"), blank=True)
    medication = models.TextField(_("medication"), blank=True)

    # The disappearance
    last_seen_at = models.DateTimeField(_("last seen"))
    last_seen_place = models.CharField(_("last seen at (place)"), max_length=300)
    last_seen_lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    last_seen_lon = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    circumstances = models.TextField(_("circumstances"), blank=True)
    may_cross_border = models.BooleanField(
        _("may have crossed or be crossing a border"), default=False
    )
    heading_to = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("towards country"),
        db_index=False,  # only a country's deletion would look cases up by it
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    subcategory = models.CharField(
        _("subcategory"), max_length=20, choices=Subcategory.choices, blank=True
    )

    # Risk and police
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    police_notified_at = models.DateTimeField(_("police notified"), null=True, blank=True)
    police_unit = models.CharField(_("police unit"), max_length=200, blank=True)
    police_reference = models.CharField(_("police reference"), max_length=100, blank=True)
    sis_alert = models.BooleanField(_("SIS alert issued"), default=False)
    interpol_notice = models.BooleanField(_("Interpol yellow notice issued"), default=False)

    # Status and outcome
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    found_at = models.DateTimeField(_("found"), null=True, blank=True)
    found_how = models.CharField(
        _("how the child was found"), max_length=30, choices=FoundHow.choices, blank=True
    )
    closure_reason = models.TextField(_("reason for closing"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    # People at work on it
    assigned_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_cases",
        verbose_name=_("case manager"),
        db_index=False,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "status", "-opened_at"]),
            models.Index(fields=["organisation", "-opened_at"]),
            # High-risk open cases first (the board, the list's risk filter): found by equality
            # on all three, however few, instead of by walking the date order.
            models.Index(
                fields=["organisation", "risk_level", "status", "-opened_at"],
                name="case_by_risk_and_status",
            ),
            models.Index(fields=["assigned_manager", "status"]),
            models.Index(fields=["search_name", "-opened_at"], name="case_by_search_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_reference"],
                condition=~models.Q(external_reference=""),
                name="case_unique_external_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(found_at__isnull=True)
                | models.Q(found_at__gte=models.F("last_seen_at")),
                name="case_found_after_last_seen",
                violation_error_message=_("The child cannot be found before going missing."),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def child_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name) if part)

    @property
    def is_open(self) -> bool:
        return self.status in (Status.OPEN, Status.ACTIVE_SEARCH)

    def age_at(self, moment) -> int | None:
        """The child's age in whole years at `moment` (from the birth date, else the estimate)."""
        if self.date_of_birth:
            day = moment.date() if hasattr(moment, "date") else moment
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return self.age_estimate

    @property
    def age_now(self) -> int | None:
        return self.age_at(timezone.now())

    @property
    def time_missing(self):
        """How long the child was (or has been) missing."""
        end = self.found_at or (None if self.is_open else self.closed_at) or timezone.now()
        return end - self.last_seen_at

    def clean(self, now=None, today=None):
        """The case's own rules. `now` and `today` (its date in the current time zone) let an
        import check a hundred thousand rows against one clock reading (looking up the current
        time zone for `today` was half the time of reading and checking a row)."""
        errors = {}
        now = now or timezone.now()
        today = today or timezone.localdate(now)
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth is in the future.")
        if self.date_of_birth and (today.year - self.date_of_birth.year) > 25:
            errors["date_of_birth"] = _("This person is not a child: check the date of birth.")
        if self.age_estimate is not None and self.age_estimate > 17:
            errors["age_estimate"] = _("A case is for a child under 18.")
        if self.last_seen_at and self.last_seen_at > now + timezone.timedelta(minutes=5):
            errors["last_seen_at"] = _("The time last seen is in the future.")
        if self.found_at and self.last_seen_at and self.found_at < self.last_seen_at:
            errors["found_at"] = _("The child cannot be found before going missing.")
        allowed = SUBCATEGORIES.get(self.category, set())
        if self.subcategory and self.subcategory not in allowed:
            errors["subcategory"] = _("This subcategory does not belong to the category.")
        if (self.last_seen_lat is None) != (self.last_seen_lon is None):
            errors["last_seen_lon"] = _("Give both latitude and longitude, or neither.")
        if self.last_seen_lat is not None and not -90 <= self.last_seen_lat <= 90:
            errors["last_seen_lat"] = _("Latitude lies between -90 and 90.")
        if self.last_seen_lon is not None and not -180 <= self.last_seen_lon <= 180:
            errors["last_seen_lon"] = _("Longitude lies between -180 and 180.")
        if errors:
            raise ValidationError(errors)


class CaseNumberSequence(models.Model):
    """The last case number given per country and year (`GR-2026-000123`)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="case_number_per_year")
        ]

    def __str__(self):
        return f"{self.country_id}-{self.year}: {self.last}"


class CaseImport(models.Model):
    """One run of `import_cases`: the file (by name and SHA-256), who ran it and when. Each case
    it created points here, and the audit trail holds one event per batch written, naming the
    cases: an import of a hundred thousand old records is one act, not a hundred thousand."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    started_at = models.DateTimeField(default=timezone.now)
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    already_present = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.filename} ({self.started_at:%Y-%m-%d %H:%M})"


class SearchName(models.Model):
    """One way children are named in an organisation's cases: the normalised Latin spellings of
    the names as given, their transliterations and nicknames. Every case of that organisation
    named so points to it, so that name search scores each distinct name once instead of each
    case (a hotline has thousands of Marias), and the index holds a name's keys once.

    Kept per organisation, like the cases: a search reads its own organisation's names (and
    those of cases shared with it), and a name goes when its last case goes."""

    organisation_id = models.BigIntegerField()
    # "|"-separated, sorted: what search ranks against.
    forms = models.TextField()
    # SHA-256 of the forms: the unique key (a long name with nicknames outgrows an index entry).
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_id", "digest"], name="search_name_once_per_organisation"
            )
        ]

    def __str__(self):
        return self.forms


class WordsGoThroughTheIndex(TypeError):
    """A word deleted otherwise than by name_index.drop_words."""

    def __init__(self):
        super().__init__(
            "A search word is deleted by seec.cases.name_index.drop_words, with its keys."
        )


class SearchTokenQuerySet(models.QuerySet):
    def delete(self):
        # Neither a word's keys nor its postings have a database constraint to it (see
        # SearchTokenKey, SearchNameToken): deleted here, its keys would stay behind and a
        # name that has it would point to nothing. drop_words deletes its keys with it, and
        # only once no name has it.
        raise WordsGoThroughTheIndex

    delete.queryset_only = True

    def delete_checked(self):
        """The deletion itself, for name_index.drop_words once it has locked and checked the
        words and deleted their keys."""
        return super().delete()

    delete_checked.queryset_only = True


class SearchToken(models.Model):
    """One word of the index: a normalised Latin spelling of a given or family name (see
    cases/names.py), shared by every organisation's names that have it, with its keys.

    Search resolves the typed words to these first (a few hundred words share a key, where
    a million cases' names would), scores them once each, and only then reads the names that
    have the best ones. A word goes when no name has it any more (name_index.drop_words, the
    only way it goes)."""

    text = models.CharField(max_length=64, unique=True)

    objects = SearchTokenQuerySet.as_manager()

    def __str__(self):
        return self.text

    def delete(self, *args, **kwargs):
        raise WordsGoThroughTheIndex


class SearchTokenKey(models.Model):
    """One search key of a word (its phonetic key, its spelling, each with a letter dropped)."""

    # Keyed by (key, word), the order search reads them in: it looks the typed words' keys up
    # and reads each key's words from the primary key's index alone. No id of its own: a key
    # is only ever read by its key or its word, and an id cost every key a sequence value
    # and a third index entry (~0.1 of ~1.3 CPU-s of the server's work in a first import of
    # 10,000 cases, where every word is new and has some 26 keys; issue 17).
    pk = models.CompositePrimaryKey("key", "token_id")
    # Without a database constraint: a word's keys are written only in the transaction that
    # adds the word, and go with it (name_index.drop_words). A word has some 26 keys, and
    # on PostgreSQL the constraint checked each as it went in: a quarter of a first import's
    # time in the database at 10,000 cases of long-tail names (issue 17). A key left behind by
    # SQL that went round the application names no word, and search joins keys to words.
    # Nor an index by word: a word's keys are a function of its text (names.token_keys), so
    # drop_words finds them through the primary key. The index cost every key a second entry
    # (~0.11 of ~2.2 CPU-s of the server's work in a first import of 10,000 cases, issue 17).
    # The ORM's cascade would scan the table for a word's keys: deleting a word goes through
    # drop_words, never SearchToken.delete() (which refuses: WordsGoThroughTheIndex).
    token = models.ForeignKey(
        SearchToken,
        on_delete=models.DO_NOTHING,
        related_name="keys",
        db_index=False,
        db_constraint=False,
    )
    key = models.CharField(max_length=32)

    def __str__(self):
        return self.key


class SearchNameToken(models.Model):
    """A name has a word: the postings that name search reads, by word and organisation."""

    # Keyed by (word, organisation, name), the order search reads them in: found by word
    # first (a typed word resolves to a few words), then organisation, and the name is in the
    # index entry, so the postings are read without the table. No id of its own: it cost
    # every posting a sequence value and an index entry more in a first import (issue 17).
    pk = models.CompositePrimaryKey("token_id", "organisation_id", "name_id")
    # Without a database constraint, as a word's keys: a name's postings are written only in
    # the transaction that adds the name, and go with it through the ORM's cascade. On
    # PostgreSQL the constraint checked each posting as it went in (~0.09 of ~1.5 CPU-s of the
    # server's work in a first import of 10,000 cases, issue 17). A posting left behind by SQL
    # that went round the application names no name, and search joins postings to names.
    name = models.ForeignKey(
        SearchName, on_delete=models.CASCADE, related_name="tokens", db_constraint=False
    )
    # Nor to its word, for the same reason (~0.14 CPU-s of ~2.2 there). A word is shared,
    # and a posting written for a word that another transaction is deleting must not dangle:
    # the writer locks the words it gives postings to (name_index.token_ids_for), and the
    # deleter locks the words before it checks that no name has them (drop_words), as the
    # constraint's check would have, once per word instead of once per posting.
    token = models.ForeignKey(
        SearchToken,
        on_delete=models.PROTECT,
        related_name="names",
        db_index=False,
        db_constraint=False,
    )
    # The name's organisation, copied so that a search reads only its own slice of the index.
    organisation_id = models.BigIntegerField()

    def __str__(self):
        return f"{self.name_id}: {self.token_id}"


class PersonRole(models.TextChoices):
    PARENT = "parent", _("Parent or guardian")
    REPORTER = "reporter", _("Reporter")
    SUSPECTED_ABDUCTOR = "suspected_abductor", _("Suspected abductor")
    WITNESS = "witness", _("Witness")
    OTHER = "other", _("Other")


class CasePerson(models.Model):
    """Someone linked to a case: a parent, the reporter, a suspected abductor, a witness."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("role"), max_length=30, choices=PersonRole.choices)
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation to the child"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Digits only, for search by phone whatever the formatting.
    phone_digits = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    vehicle_make = models.CharField(_("vehicle make"), max_length=60, blank=True)
    vehicle_model = models.CharField(_("vehicle model"), max_length=60, blank=True)
    vehicle_colour = models.CharField(_("vehicle colour"), max_length=40, blank=True)
    vehicle_plate = models.CharField(_("number plate"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("person linked to the case")
        verbose_name_plural = _("people linked to the case")

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"


class RiskAssessment(models.Model):
    """A structured judgement of the danger the child is in, with the reasons recorded."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)
    under_13 = models.BooleanField(_("the child is under 13"), default=False)
    vulnerable = models.BooleanField(
        _("vulnerability (disability, mental health, pregnancy…)"), default=False
    )
    medical_need = models.BooleanField(_("urgent medical need or medication"), default=False)
    danger_signs = models.BooleanField(
        _("signs of danger (threats, violence, weapon, unknown adult)"), default=False
    )
    previous_episodes = models.BooleanField(_("has gone missing before"), default=False)
    suspected_exploitation = models.BooleanField(
        _("suspected sexual or labour exploitation"), default=False
    )
    suspected_trafficking = models.BooleanField(_("suspected trafficking"), default=False)
    computed_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    rationale = models.TextField(_("rationale"))

    class Meta:
        ordering = ["-assessed_at"]
        verbose_name = _("risk assessment")

    def __str__(self):
        return f"{self.case_id}: {self.level}"


class Sighting(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sightings")
    seen_at = models.DateTimeField(_("seen"))
    place = models.CharField(_("place"), max_length=300)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.TextField(_("what was seen"))
    reported_by = models.CharField(_("reported by"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.case_id} @ {self.place}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"note {self.pk} on {self.case_id}"


class TaskKind(models.TextChoices):
    """Tasks the platform sets itself, shown in each reader's language; the rest are typed."""

    OTHER = "other", _("Other")
    ALERT_DECISION = "alert_decision", _("High risk: decide whether to request a child alert")
    FOLLOW_UP_CALL = "follow_up_call", _("Follow-up call to the family after the return")


class CaseTask(models.Model):
    """A follow-up with a due date: a call to the family, a return interview, a check."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=20, choices=TaskKind.choices, default=TaskKind.OTHER)
    title = models.CharField(_("task"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "due_at"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_at"])]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.title if self.kind == TaskKind.OTHER else str(self.get_kind_display())

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()


class Channel(models.TextChoices):
    CALL = "call", _("Phone call")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")


class ContactSubject(models.TextChoices):
    NEW_DISAPPEARANCE = "new_disappearance", _("A new disappearance")
    CASE_INFORMATION = "case_information", _("Information on an existing case")
    SIGHTING = "sighting", _("A sighting")
    ADVICE = "advice", _("Advice only")
    SILENT = "silent", _("Silent call")
    ABUSIVE = "abusive", _("Abusive call")
    TEST = "test", _("Test call")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope (referred elsewhere)")


class CallerRelation(models.TextChoices):
    PARENT = "parent", _("Parent or guardian")
    RELATIVE = "relative", _("Other relative")
    CHILD = "child", _("The child")
    FRIEND = "friend", _("Friend")
    PROFESSIONAL = "professional", _("Professional (school, social services…)")
    POLICE = "police", _("Police")
    PUBLIC = "public", _("Member of the public")
    UNKNOWN = "unknown", _("Unknown")


class Contact(models.Model):
    """One call, chat, e-mail, SMS, walk-in or letter to the hotline."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    started_at = models.DateTimeField(_("time"), default=timezone.now)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    subject = models.CharField(_("about"), max_length=30, choices=ContactSubject.choices)
    anonymous = models.BooleanField(_("anonymous caller"), default=False)
    caller_relation = models.CharField(
        _("caller's relation to the child"),
        max_length=20,
        choices=CallerRelation.choices,
        default=CallerRelation.UNKNOWN,
    )
    caller_name = models.CharField(_("caller's name"), max_length=200, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=40, blank=True)
    caller_phone_digits = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    caller_language = models.CharField(_("caller's language"), max_length=10, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["organisation", "-started_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} {self.started_at:%Y-%m-%d %H:%M}"

    def clean(self):
        errors = {}
        if self.anonymous and (self.caller_name or self.caller_phone):
            errors["anonymous"] = _("An anonymous contact has no caller name or phone.")
        if self.subject == ContactSubject.OUT_OF_SCOPE and not self.referred_to:
            errors["referred_to"] = _("Say where the caller was referred.")
        if self.started_at and self.started_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["started_at"] = _("The contact time is in the future.")
        if errors:
            raise ValidationError(errors)


class FileKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


class CaseFile(models.Model):
    """A photo or document of a case. Its content is stored encrypted (see cases/files.py) and
    is read only through the access policy, each read audited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.description or self.original_name


def digits_of(phone: str) -> str:
    """A phone number reduced to its digits, so that search ignores spaces and dashes."""
    return "".join(ch for ch in phone if ch.isdigit())
