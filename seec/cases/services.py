"""Every step of a case and a contact: each one transactional and audited.

Views, the API and the import call these; none of them saves a model itself. Each service
checks the policy for the acting user, validates, writes, and appends the audit event in the
same transaction, so that a refused or failed step leaves nothing behind.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.models import User
from seec.core.phones import read_phone
from seec.core.policy import Act, Capability

from . import files, name_index
from .models import (
    FOUND_OUTCOMES,
    RISK_ORDER,
    Case,
    CaseFile,
    CaseNote,
    CaseNumberSequence,
    CasePerson,
    CaseTask,
    Contact,
    FoundHow,
    Outcome,
    RiskAssessment,
    RiskLevel,
    Sighting,
    Status,
    TaskKind,
    digits_of,
)
from .signals import search_ended


class CaseAction:
    OPEN = "case.open"
    UPDATE = "case.update"
    VIEW = "case.view"
    ASSIGN = "case.assign"
    ASSESS_RISK = "case.assess_risk"
    SIGHTING = "case.sighting"
    FOUND = "case.found"
    CLOSE = "case.close"
    REOPEN = "case.reopen"
    NOTE = "case.note"
    TASK = "case.task"
    TASK_DONE = "case.task_done"
    PERSON = "case.person"
    CONTACT = "contact.record"
    IMPORT = "case.import"
    FILE_ADD = "case.file_add"
    FILE_VIEW = "case.file_view"


audit.ACTION_LABELS.update(
    {
        CaseAction.OPEN: gettext_lazy("Case opened"),
        CaseAction.UPDATE: gettext_lazy("Case updated"),
        CaseAction.VIEW: gettext_lazy("Case viewed"),
        CaseAction.ASSIGN: gettext_lazy("Case manager assigned"),
        CaseAction.ASSESS_RISK: gettext_lazy("Risk assessed"),
        CaseAction.SIGHTING: gettext_lazy("Sighting recorded"),
        CaseAction.FOUND: gettext_lazy("Child found"),
        CaseAction.CLOSE: gettext_lazy("Case closed"),
        CaseAction.REOPEN: gettext_lazy("Case reopened"),
        CaseAction.NOTE: gettext_lazy("Note added"),
        CaseAction.TASK: gettext_lazy("Task added"),
        CaseAction.TASK_DONE: gettext_lazy("Task done"),
        CaseAction.PERSON: gettext_lazy("Person linked"),
        CaseAction.CONTACT: gettext_lazy("Contact recorded"),
        CaseAction.IMPORT: gettext_lazy("Case imported"),
        CaseAction.FILE_ADD: gettext_lazy("Photo or document added"),
        CaseAction.FILE_VIEW: gettext_lazy("Photo or document viewed"),
    }
)

# Risk factors, each with its weight; the sum places the case on the scale below.
RISK_WEIGHTS = {
    "under_13": 2,
    "vulnerable": 2,
    "medical_need": 3,
    "danger_signs": 4,
    "previous_episodes": 1,
    "suspected_exploitation": 4,
    "suspected_trafficking": 5,
}
FOLLOW_UP_AFTER_RETURN = timedelta(hours=24)
ALERT_DECISION_WITHIN = timedelta(hours=1)


def require(user, action: str, obj) -> None:
    if not policy.can(user, action, obj):
        raise PermissionDenied(_("You may not do this to this case."))


def require_capability(user, capability: Capability) -> None:
    if not policy.has(user, capability) or user.organisation_id is None:
        raise PermissionDenied(_("Your roles do not allow this."))


# --- Opening and changing a case -----------------------------------------------------------------


def next_case_number(country_code: str, year: int) -> str:
    """The next number of the country's year, `GR-2026-000123`: gapless, never reused."""
    sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(
        country_id=country_code, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{country_code}-{year}-{sequence.last:06d}"


CASE_FIELDS_NOT_FROM_INPUT = {
    "id",
    "organisation",
    "country",
    "number",
    "search_name",
    "status",
    "outcome",
    "found_at",
    "found_how",
    "closure_reason",
    "closed_at",
    "opened_by",
    "opened_at",
    "updated_at",
    "risk_level",
    "assigned_manager",
}


class CaseAlreadyOpened(ValidationError):
    """The contact has opened its case already: `case` is that one."""

    def __init__(self, case: Case):
        self.case = case
        super().__init__(
            {"contact": _("A case was already opened from this contact: %(number)s.")
             % {"number": case.number}}
        )  # fmt: skip


@transaction.atomic
def open_case(
    *, origin: Origin, fields: dict, people=(), contact: Contact | None = None, opened_at=None
) -> Case:
    """Open a case in the acting user's organisation; optionally from the contact that reported
    it and with the people linked to it. `opened_at` is for records moved from another system
    (an import); a case opened now leaves it out. Returns the saved case."""
    user = origin.actor
    require_capability(user, Capability.RECORD_CONTACTS)
    unknown = set(fields) & CASE_FIELDS_NOT_FROM_INPUT
    if unknown:
        raise ValidationError({field: _("This field is set by the platform.") for field in unknown})
    organisation = user.organisation
    if organisation.country_id is None:
        raise PermissionDenied(_("Only a national organisation opens cases."))
    if contact is not None:
        require(user, Act.CHANGE, contact)
        # Under the contact's row lock: a resubmitted form or a double click waits here for
        # the first request and then finds its case, rather than opening a second one.
        already = Contact.objects.select_for_update().filter(pk=contact.pk).values("case")
        if already and already[0]["case"] is not None:
            raise CaseAlreadyOpened(Case.objects.get(pk=already[0]["case"]))
    case = Case(
        organisation=organisation,
        country_id=organisation.country_id,
        opened_by=user,
        opened_at=opened_at or timezone.now(),
        **fields,
    )
    case.number = "pending"
    # The database enforces the constraints; clean() gives the field-named messages for them.
    case.full_clean(exclude=["number"], validate_constraints=False)
    case.number = next_case_number(case.country_id, case.opened_at.year)
    name_index.attach_search_names([case])
    case.save()
    for person in people:
        _add_person(case, person)
    # The link is set only where none exists (compare-and-set): one contact opens one case,
    # on any engine and whatever lock the caller holds.
    if contact is not None and not (
        Contact.objects.filter(pk=contact.pk, case__isnull=True).update(case=case)
    ):
        raise CaseAlreadyOpened(Contact.objects.get(pk=contact.pk).case)
    audit.record(
        CaseAction.OPEN,
        origin=origin,
        obj=case,
        details={"category": case.category, "contact": contact.pk if contact else None},
    )
    return case


NAME_FIELDS = {"given_names", "family_name", "names_latin", "other_names"}


@transaction.atomic
def update_case(case: Case, *, origin: Origin, changes: dict, reason: str = "") -> Case:
    """Change the facts of a case (the child, the disappearance, police involvement)."""
    require(origin.actor, Act.CHANGE, case)
    unknown = set(changes) & CASE_FIELDS_NOT_FROM_INPUT
    if unknown:
        raise ValidationError({field: _("This field is set by the platform.") for field in unknown})
    changed = sorted(k for k, v in changes.items() if getattr(case, k) != v)
    if not changed:
        return case
    renamed = bool(NAME_FIELDS & set(changed))
    # A Latin name the platform derived follows the names it came from; one the user wrote
    # stays as written.
    if renamed and "names_latin" not in changes:
        derived = case.names_latin == name_index.default_latin_name(case)
        case.names_latin = "" if derived else case.names_latin
    for field, value in changes.items():
        setattr(case, field, value)
    case.full_clean(validate_constraints=False)
    previous_name = case.search_name_id
    if renamed:
        name_index.attach_search_names([case])
    case.save()
    if renamed and case.search_name_id != previous_name:
        name_index.drop_unused([previous_name])
    audit.record(
        CaseAction.UPDATE, origin=origin, obj=case, reason=reason, details={"fields": changed}
    )
    return case


def _add_person(case: Case, data: dict) -> CasePerson:
    person = CasePerson(case=case, **data)
    person.phone = _phone(person.phone, case.country_id, "phone")
    person.phone_digits = digits_of(person.phone)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def add_person(case: Case, *, origin: Origin, data: dict) -> CasePerson:
    require(origin.actor, Act.CHANGE, case)
    person = _add_person(case, data)
    audit.record(
        CaseAction.PERSON,
        origin=origin,
        obj=case,
        details={"person": person.pk, "role": person.role},
    )
    return person


# --- Managing a case ---------------------------------------------------------------------------


@transaction.atomic
def assign_case(case: Case, manager: User, *, origin: Origin) -> Case:
    require(origin.actor, Act.MANAGE, case)
    if manager.organisation_id != case.organisation_id or not policy.has(
        manager, Capability.MANAGE_CASES
    ):
        raise ValidationError(
            {"assigned_manager": _("Choose a case manager of the organisation that owns the case.")}
        )
    case.assigned_manager = manager
    case.save(update_fields=["assigned_manager", "updated_at"])
    audit.record(CaseAction.ASSIGN, origin=origin, obj=case, details={"manager": manager.pk})
    return case


def computed_risk(factors: dict) -> str:
    score = sum(weight for name, weight in RISK_WEIGHTS.items() if factors.get(name))
    if factors.get("suspected_trafficking") or score >= 8:
        return RiskLevel.CRITICAL
    if score >= 4:
        return RiskLevel.HIGH
    if score >= 2:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


@transaction.atomic
def assess_risk(
    case: Case, *, origin: Origin, factors: dict, rationale: str, level: str | None = None
) -> RiskAssessment:
    """Record a risk assessment. The level follows from the factors unless the assessor sets
    another, which the rationale must then explain. High or critical puts the case into active
    search and asks the case manager to decide on a child alert within the hour."""
    require(origin.actor, Act.CHANGE, case)
    if not case.is_open:
        raise ValidationError({"case": _("The case is not open.")})
    unknown = set(factors) - set(RISK_WEIGHTS)
    if unknown:
        raise ValidationError({f: _("Unknown risk factor.") for f in unknown})
    if not rationale.strip():
        raise ValidationError({"rationale": _("Record why you judge the risk so.")})
    age = case.age_now
    factors = {name: bool(factors.get(name)) for name in RISK_WEIGHTS}
    if age is not None and age < 13:
        factors["under_13"] = True
    computed = computed_risk(factors)
    if level and level not in RiskLevel.values:
        raise ValidationError({"level": _("Unknown risk level.")})
    assessment = RiskAssessment.objects.create(
        case=case,
        assessed_by=origin.actor,
        computed_level=computed,
        level=level or computed,
        rationale=rationale,
        **factors,
    )
    case.risk_level = assessment.level
    fields = ["risk_level", "updated_at"]
    if RISK_ORDER[assessment.level] >= RISK_ORDER[RiskLevel.HIGH]:
        if case.status == Status.OPEN:
            case.status = Status.ACTIVE_SEARCH
            fields.append("status")
        CaseTask.objects.create(
            case=case,
            kind=TaskKind.ALERT_DECISION,
            due_at=timezone.now() + ALERT_DECISION_WITHIN,
            # Someone must own the decision: the case manager, else the assessor if they
            # manage cases; otherwise it waits on the supervisor's board.
            assigned_to=case.assigned_manager
            or (origin.actor if policy.has(origin.actor, Capability.MANAGE_CASES) else None),
            created_by=origin.actor,
        )
    case.save(update_fields=fields)
    audit.record(
        CaseAction.ASSESS_RISK,
        origin=origin,
        obj=case,
        reason=rationale,
        details={
            "level": assessment.level,
            "computed": computed,
            "factors": [k for k, v in factors.items() if v],
        },
    )
    return assessment


@transaction.atomic
def record_sighting(case: Case, *, origin: Origin, data: dict) -> Sighting:
    require(origin.actor, Act.CHANGE, case)
    sighting = Sighting(case=case, recorded_by=origin.actor, **data)
    sighting.full_clean()
    if sighting.seen_at < case.last_seen_at - timedelta(days=1):
        raise ValidationError({"seen_at": _("This is before the child went missing.")})
    sighting.save()
    audit.record(
        CaseAction.SIGHTING,
        origin=origin,
        obj=case,
        # The place stays on the sighting, which only those with the case see.
        details={"sighting": sighting.pk},
    )
    return sighting


def _validate_found(case: Case, found_at, found_how: str, outcome: str) -> dict:
    errors = {}
    if outcome not in FOUND_OUTCOMES:
        errors["outcome"] = _("Say whether the child was found safe, harmed or deceased.")
    if found_at is None:
        errors["found_at"] = _("Say when the child was found.")
    elif found_at < case.last_seen_at:
        errors["found_at"] = _("The child cannot be found before going missing.")
    elif found_at > timezone.now() + timedelta(minutes=5):
        errors["found_at"] = _("This time is in the future.")
    if not found_how:
        errors["found_how"] = _("Say how the child was found.")
    elif found_how not in FoundHow.values:
        errors["found_how"] = _("Choose how the child was found from the list.")
    return errors


@transaction.atomic
def mark_found(case: Case, *, origin: Origin, found_at, found_how: str, outcome: str) -> Case:
    """The child is found: record when, how and in what state; a follow-up call to the family
    is due within 24 hours."""
    require(origin.actor, Act.CHANGE, case)
    if not case.is_open:
        raise ValidationError({"case": _("The case is not open.")})
    errors = _validate_found(case, found_at, found_how, outcome)
    if errors:
        raise ValidationError(errors)
    case.status, case.outcome = Status.FOUND, outcome
    case.found_at, case.found_how = found_at, found_how
    case.save()
    CaseTask.objects.create(
        case=case,
        kind=TaskKind.FOLLOW_UP_CALL,
        due_at=found_at + FOLLOW_UP_AFTER_RETURN,
        assigned_to=case.assigned_manager,
        created_by=origin.actor,
    )
    audit.record(
        CaseAction.FOUND,
        origin=origin,
        obj=case,
        details={
            "outcome": outcome,
            "how": found_how,
            "hours_missing": round(case.time_missing.total_seconds() / 3600, 1),
        },
    )
    search_ended.send(sender=Case, case=case, origin=origin)
    return case


@transaction.atomic
def close_case(case: Case, *, origin: Origin, outcome: str = "", reason: str = "") -> Case:
    """Close a case. A found child's case keeps its outcome; any other closure needs the
    outcome `closed_other` and the reason."""
    require(origin.actor, Act.MANAGE, case)
    if case.status == Status.CLOSED:
        raise ValidationError({"case": _("The case is already closed.")})
    if case.status != Status.FOUND:
        if not outcome:
            raise ValidationError({"outcome": _("A case is closed with its outcome.")})
        if outcome in FOUND_OUTCOMES:
            raise ValidationError(
                {"outcome": _("Mark the child found first: when, how and in what state.")}
            )
        if outcome != Outcome.CLOSED_OTHER:
            raise ValidationError({"outcome": _("Unknown outcome.")})
        if not reason.strip():
            raise ValidationError({"closure_reason": _("Give the reason for closing.")})
        case.outcome = outcome
    case.status = Status.CLOSED
    case.closure_reason = reason
    case.closed_at = timezone.now()
    case.save()
    audit.record(
        CaseAction.CLOSE, origin=origin, obj=case, reason=reason, details={"outcome": case.outcome}
    )
    search_ended.send(sender=Case, case=case, origin=origin)
    return case


@transaction.atomic
def reopen_case(case: Case, *, origin: Origin, reason: str) -> Case:
    """Reopen a found or closed case (the child went missing again, new information)."""
    require(origin.actor, Act.MANAGE, case)
    if case.is_open:
        raise ValidationError({"case": _("The case is open already.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    previous = {"status": case.status, "outcome": case.outcome}
    high = case.risk_level in (RiskLevel.HIGH, RiskLevel.CRITICAL)
    case.status = Status.ACTIVE_SEARCH if high else Status.OPEN
    case.outcome, case.found_at, case.found_how = "", None, ""
    case.closed_at, case.closure_reason = None, ""
    case.save()
    audit.record(CaseAction.REOPEN, origin=origin, obj=case, reason=reason, details=previous)
    return case


# --- Notes and tasks ---------------------------------------------------------------------------


@transaction.atomic
def add_note(case: Case, *, origin: Origin, text: str) -> CaseNote:
    require(origin.actor, Act.CHANGE, case)
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    note = CaseNote.objects.create(case=case, author=origin.actor, text=text)
    audit.record(CaseAction.NOTE, origin=origin, obj=case, details={"note": note.pk})
    return note


@transaction.atomic
def add_task(case: Case, *, origin: Origin, title: str, due_at, assigned_to=None) -> CaseTask:
    require(origin.actor, Act.CHANGE, case)
    if case.status == Status.CLOSED:
        # A closed case has no more work; reopening it (with a reason) comes first.
        raise ValidationError({"case": _("The case is closed: reopen it to plan more work.")})
    errors = {}
    if not title.strip():
        errors["title"] = _("Say what is to be done.")
    if due_at is None:
        errors["due_at"] = _("Give the due date.")
    if assigned_to is not None and assigned_to.organisation_id != case.organisation_id:
        errors["assigned_to"] = _("Choose a colleague of the organisation that owns the case.")
    if errors:
        raise ValidationError(errors)
    task = CaseTask.objects.create(
        case=case, title=title, due_at=due_at, assigned_to=assigned_to, created_by=origin.actor
    )
    audit.record(CaseAction.TASK, origin=origin, obj=case, details={"task": task.pk})
    return task


@transaction.atomic
def complete_task(task: CaseTask, *, origin: Origin) -> CaseTask:
    require(origin.actor, Act.CHANGE, task.case)
    if task.done_at is not None:
        raise ValidationError({"task": _("The task is done already.")})
    task.done_at, task.done_by = timezone.now(), origin.actor
    task.save(update_fields=["done_at", "done_by"])
    audit.record(CaseAction.TASK_DONE, origin=origin, obj=task.case, details={"task": task.pk})
    return task


# --- Photos and documents ---------------------------------------------------------------------


def add_file(case: Case, *, origin: Origin, upload, kind: str, description: str = "") -> CaseFile:
    """Check, clean and store a photo or document of the case, encrypted."""
    require(origin.actor, Act.CHANGE, case)
    checked = files.check_upload(upload, kind)
    storage_name, sha256 = files.store(case.pk, checked.content)
    try:
        with transaction.atomic():
            case_file = CaseFile.objects.create(
                case=case,
                kind=checked.kind,
                description=description[:200],
                original_name=(getattr(upload, "name", "") or "")[:200],
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=sha256,
                storage_name=storage_name,
                width=checked.width,
                height=checked.height,
                uploaded_by=origin.actor,
            )
            audit.record(
                CaseAction.FILE_ADD,
                origin=origin,
                obj=case,
                details={"file": case_file.pk, "kind": kind, "sha256": sha256},
            )
    except Exception:
        # Nothing half-written: no row, so no encrypted blob either.
        files.discard(storage_name)
        raise
    return case_file


def _phone(text: str, country_code: str | None, field: str) -> str:
    try:
        return read_phone(text, country_code)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


# --- Contacts ----------------------------------------------------------------------------------


@transaction.atomic
def record_contact(*, origin: Origin, data: dict, case: Case | None = None) -> Contact:
    """Record a call, chat, e-mail, SMS, walk-in or letter; attached to a case if it is about
    one the operator may change."""
    user = origin.actor
    require_capability(user, Capability.RECORD_CONTACTS)
    if case is not None:
        require(user, Act.CHANGE, case)
    contact = Contact(organisation=user.organisation, operator=user, case=case, **data)
    # Read by the hotline's country: a caller gives the number as they dial it.
    country = user.organisation.country_id if user.organisation else None
    contact.caller_phone = _phone(contact.caller_phone, country, "caller_phone")
    contact.caller_phone_digits = digits_of(contact.caller_phone)
    contact.full_clean()
    contact.save()
    audit.record(
        CaseAction.CONTACT,
        origin=origin,
        obj=case or contact,
        details={"contact": contact.pk, "channel": contact.channel, "subject": contact.subject},
    )
    return contact
