"""Linkage runs and the decisions on what they find, and the partners' lists they are run
against; privacy-preserving matching with a partner under an agreement. Each step
transactional and audited."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from seec.cases import services as case_services
from seec.cases.models import Case, CaseNote, CasePerson, CaseTask, Contact, Sighting, Status
from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import Country, Organisation, RoleCode, User
from seec.core.policy import Act

from . import agreement_keys, model, pprl, selectors
from .models import (
    CandidatePair,
    EncodedExchange,
    LinkageRun,
    MatchingAgreement,
    PairStatus,
    PartnerList,
    PartnerListKind,
    PartnerRecord,
    PrivateMatch,
    RunKind,
    RunStatus,
)
from .partner_files import FileRefused, Problem, Table, read_table
from .partner_mapping import Mapping, read_records
from .records import PersonRecord, from_partner_record, linkage_rows
from .rules import may_link


class LinkageAction:
    RUN = "linkage.run"
    DECIDE = "linkage.decide"
    MERGE = "linkage.merge"
    AGREEMENT_CREATE = "linkage.agreement_create"
    AGREEMENT_END = "linkage.agreement_end"
    PRIVATE_ENCODE = "linkage.private_encode"
    PRIVATE_COMPARE = "linkage.private_compare"
    PRIVATE_DECIDE = "linkage.private_decide"
    LIST_UPLOADED = "linkage.partner_list_uploaded"
    LIST_VIEWED = "linkage.partner_list_viewed"
    LIST_PURGED = "linkage.partner_list_purged"
    PARTNER_MATCH = "linkage.partner_match"
    PARTNER_MATCH_PURGED = "linkage.partner_match_purged"


audit.ACTION_LABELS.update(
    {
        LinkageAction.RUN: gettext_lazy("Linkage run started"),
        LinkageAction.DECIDE: gettext_lazy("Possible same child decided"),
        LinkageAction.MERGE: gettext_lazy("Duplicate case merged"),
        LinkageAction.AGREEMENT_CREATE: gettext_lazy("Matching agreement made"),
        LinkageAction.AGREEMENT_END: gettext_lazy("Matching agreement ended"),
        LinkageAction.PRIVATE_ENCODE: gettext_lazy("Records encoded for a partner"),
        LinkageAction.PRIVATE_COMPARE: gettext_lazy("Partner's encodings compared"),
        LinkageAction.PRIVATE_DECIDE: gettext_lazy("Private match decided"),
        LinkageAction.LIST_UPLOADED: gettext_lazy("Partner list uploaded"),
        LinkageAction.LIST_VIEWED: gettext_lazy("Partner list viewed"),
        LinkageAction.LIST_PURGED: gettext_lazy("Partner list deleted at the end of its retention"),
        LinkageAction.PARTNER_MATCH: gettext_lazy("Found on a partner's list"),
        LinkageAction.PARTNER_MATCH_PURGED: gettext_lazy(
            "A decided match with a partner's list deleted with the list"
        ),
    }
)


# --- Partners' lists -------------------------------------------------------------------------

RETENTION_STEPS = (30, 90, 180, 365)


def retention_choices() -> list[int]:
    """The retention periods offered at upload (days): the usual steps below the platform's
    maximum, and the maximum itself."""
    most = settings.SEEC_LINKAGE_UPLOAD_MAX_RETENTION_DAYS
    return [days for days in RETENTION_STEPS if days < most] + [most]


class PartnerListRefused(ValidationError):
    """An upload with problems: every one of them, by row and column. Nothing was stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__([str(p) for p in self.problems])


def read_partner_file(content: bytes, filename: str) -> Table:
    """The first step of an upload: the file read as a table (a header and rows), or
    `PartnerListRefused` naming every problem. Nothing is stored."""
    try:
        return read_table(content, filename)
    except FileRefused as refused:
        raise PartnerListRefused(refused.problems) from None


def upload_partner_list(
    *,
    origin: Origin,
    content: bytes,
    filename: str,
    mapping: Mapping,
    name: str,
    kind: str,
    country: str,
    retention_days: int,
) -> PartnerList:
    """Store a partner's list: every row read under the mapping and checked; a single problem
    refuses the whole file (`PartnerListRefused` lists them all) and nothing is stored. The
    list, its rows and the audit event are written in one transaction; the file itself is not
    kept. The list is deleted `retention_days` after today (at most the platform's maximum)."""
    user = origin.actor
    if not may_link(user) or user.organisation_id is None:
        raise PermissionDenied(_("Only case managers and liaison officers upload lists."))
    errors = {}
    if not name.strip():
        errors["name"] = _("Name the list.")
    if kind not in PartnerListKind.values:
        errors["kind"] = _("Choose the kind of list.")
    if not Country.objects.filter(pk=(country or "").upper()).exists():
        errors["country"] = _("Choose the country the list concerns.")
    most = settings.SEEC_LINKAGE_UPLOAD_MAX_RETENTION_DAYS
    if not isinstance(retention_days, int) or not 1 <= retention_days <= most:
        errors["retention_days"] = _("A list is kept from 1 to %(days)d days.") % {"days": most}
    if errors:
        raise ValidationError(errors)
    table = read_partner_file(content, filename)
    today = timezone.localdate()
    rows, problems = read_records(table, mapping, today=today)
    if problems:
        raise PartnerListRefused(problems)
    with transaction.atomic():
        partner_list = PartnerList.objects.create(
            name=name.strip()[:200],
            kind=kind,
            organisation_id=user.organisation_id,
            uploaded_by=user,
            country_id=country.upper(),
            filename=filename[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            mapping={field: column for field, column in mapping.columns.items() if column},
            date_format=mapping.date_format,
            name_order=mapping.name_order if "full_name" in mapping.columns else "",
            rows=len(rows),
            retention_days=retention_days,
            delete_after=today + timedelta(days=retention_days),
        )
        PartnerRecord.objects.bulk_create(
            [PartnerRecord(partner_list=partner_list, **row) for row in rows], batch_size=1000
        )
        audit.record(
            LinkageAction.LIST_UPLOADED,
            origin=origin,
            obj=partner_list,
            details={
                "rows": len(rows),
                "kind": kind,
                "country": partner_list.country_id,
                "filename": partner_list.filename,
                "sha256": partner_list.sha256,
                "delete_after": partner_list.delete_after.isoformat(),
            },
        )
    return partner_list


def purge_partner_lists(today: date | None = None) -> int:
    """Delete every list whose retention is over (its `delete_after` has passed), with its
    rows and the pairs found with them, each list in its own transaction. A pair that a
    person decided leaves a trace on its case's audit trail (which list, which row, what was
    decided, by whom) without the row's personal data; a confirmed match has its note on the
    case already. Returns how many lists were deleted."""
    today = today or timezone.localdate()
    purged = 0
    for partner_list in PartnerList.objects.filter(delete_after__lt=today).order_by("pk"):
        with transaction.atomic():
            _purge(partner_list)
        purged += 1
    return purged


PURGE_ACTOR = "retention purge"


def _purge(partner_list: PartnerList) -> None:
    pairs = CandidatePair.objects.filter(partner_record__partner_list=partner_list).select_related(
        "left", "partner_record", "decided_by"
    )
    decided = 0
    for pair in pairs.filter(status__in=[PairStatus.CONFIRMED, PairStatus.REJECTED]):
        audit.record(
            LinkageAction.PARTNER_MATCH_PURGED,
            obj=pair.left,
            actor_username=PURGE_ACTOR,
            details={
                "partner_list": partner_list.pk,
                "list_name": partner_list.name,
                "row": pair.partner_record.row_number,
                "status": pair.status,
                "decided_by": pair.decided_by.get_username() if pair.decided_by else "",
                "decided_at": pair.decided_at.isoformat() if pair.decided_at else "",
                "probability": round(pair.probability, 4),
            },
        )
        decided += 1
    deleted_pairs, _kinds = pairs.delete()
    audit.record(
        LinkageAction.LIST_PURGED,
        obj=partner_list,
        actor_username=PURGE_ACTOR,
        details={
            "rows": partner_list.rows,
            "pairs_deleted": deleted_pairs,
            "decided_pairs": decided,
            "delete_after": partner_list.delete_after.isoformat(),
            "organisation": partner_list.organisation_id,
        },
    )
    partner_list.delete()


# --- Runs ------------------------------------------------------------------------------------


@transaction.atomic
def start_run(
    *,
    origin: Origin,
    kind: str,
    countries: list[str],
    threshold: float = 0.5,
    enqueue=True,
    partner_list: PartnerList | int | None = None,
):
    """A run over one country's cases (duplicates), several countries' (cross-border), or the
    chosen countries' cases against a partner's list of the user's organisation; done by the
    task worker (unless the caller runs it itself: `enqueue=False`); the user follows its
    progress on the run's page."""
    user = origin.actor
    if not may_link(user):
        raise PermissionDenied(_("Only case managers and liaison officers run linkage."))
    codes = sorted({(code or "").strip().upper() for code in countries} - {""})
    known = set(Country.objects.filter(pk__in=codes, in_region=True).values_list("pk", flat=True))
    errors = {}
    the_list = None
    if kind not in RunKind.values:
        errors["kind"] = _(
            "Choose duplicates within a country, a link across countries or a link "
            "against a partner list."
        )
    elif kind == RunKind.WITHIN and len(codes) != 1:
        errors["countries"] = _("Choose one country.")
    elif kind == RunKind.ACROSS and len(codes) < 2:
        errors["countries"] = _("Choose at least two countries.")
    elif kind == RunKind.AGAINST:
        if not codes:
            errors["countries"] = _("Choose the countries whose cases to link against the list.")
        the_list = _own_list(user, partner_list)
        if the_list is None:
            errors["partner_list"] = _("Choose one of your organisation's partner lists.")
    if set(codes) - known:
        errors["countries"] = _("Not a country of the region: %(codes)s") % {
            "codes": ", ".join(sorted(set(codes) - known))
        }
    elif user.organisation is None or user.organisation.country_id not in codes:
        errors["countries"] = _("A run includes your own country.")
    if not 0.05 <= float(threshold) <= 0.99:
        errors["threshold"] = _("Between 0.05 and 0.99.")
    if errors:
        raise ValidationError(errors)
    run = LinkageRun.objects.create(
        kind=kind,
        countries=",".join(codes),
        threshold=threshold,
        started_by=user,
        partner_list=the_list,
    )
    details = {"countries": codes}
    if the_list is not None:
        details["partner_list"] = the_list.pk
    audit.record(LinkageAction.RUN, origin=origin, obj=run, details=details)
    from .tasks import run_linkage

    if enqueue:
        transaction.on_commit(lambda: run_linkage.enqueue(run_id=run.pk))
    return run


def _own_list(user, partner_list) -> PartnerList | None:
    """The list, if it is one the user's organisation uploaded (and is still kept)."""
    if partner_list is None or partner_list == "":
        return None
    pk = partner_list.pk if isinstance(partner_list, PartnerList) else partner_list
    try:
        return policy.visible_to(user, PartnerList).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def person_record(case: Case) -> PersonRecord:
    return PersonRecord(
        record_id=str(case.pk),
        source=case.country_id,
        given_name=case.given_names,
        family_name=case.family_name,
        other_names=case.other_names,
        sex=case.sex,
        date_of_birth=case.date_of_birth,
        age_estimate=case.age_estimate,
        nationality=case.nationality_id or "",
        latitude=float(case.last_seen_lat) if case.last_seen_lat is not None else None,
        longitude=float(case.last_seen_lon) if case.last_seen_lon is not None else None,
        event_date=timezone.localtime(case.last_seen_at).date() if case.last_seen_at else None,
        country=case.country_id,
        address=case.address,
    )


CASE_FIELDS = [
    "pk", "country_id", "given_names", "family_name", "other_names", "sex", "date_of_birth",
    "age_estimate", "nationality_id", "last_seen_lat", "last_seen_lon", "last_seen_at", "address",
]  # fmt: skip


def execute_run(run: LinkageRun, progress=None, backend: str | None = None) -> LinkageRun:
    """Prepare the records, train the model on them, score the blocked pairs and keep those
    above the threshold. `progress(per_cent, stage)` hears each stage. The engine is
    `backend` ("duckdb" or "spark"), by default the installation's SEEC_LINKAGE_BACKEND."""

    def step(per_cent: int, stage: str) -> None:
        LinkageRun.objects.filter(pk=run.pk).update(progress=per_cent, stage=stage)
        if progress:
            progress(per_cent, stage)

    taken = LinkageRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), error=""
    )
    if not taken:
        raise ValidationError({"run": _("This run is not waiting: it runs or ran already.")})
    try:
        step(5, _("Reading the cases"))
        datasets = []
        for code in run.country_list:
            cases = Case.objects.filter(country_id=code).exclude(status=Status.CLOSED)
            datasets.append(linkage_rows(person_record(c) for c in cases.only(*CASE_FIELDS)))
        if run.kind == RunKind.WITHIN:
            datasets = [datasets[0]]
        elif run.kind == RunKind.AGAINST:
            step(15, _("Reading the partner list"))
            # The chosen countries' cases are one side, the list the other: cases are not
            # compared with each other here, nor the list's rows with each other.
            datasets = [[row for rows in datasets for row in rows], _partner_rows(run)]
        records = sum(len(rows) for rows in datasets)
        step(25, _("Learning the model and scoring pairs"))
        if all(datasets):
            result = model.link(
                datasets,
                threshold=run.threshold,
                backend=backend or settings.SEEC_LINKAGE_BACKEND,
            )
        else:  # nothing to compare on one side
            result = model.Result(pairs=[], parameters={})
        step(85, _("Keeping the pairs for review"))
        if run.kind == RunKind.AGAINST:
            found = _keep_partner_pairs(run, result.pairs)
        else:
            found = _keep_pairs(run, result.pairs)
    except Exception as error:  # the run's page says what went wrong; the worker logs it
        LinkageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    LinkageRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        progress=100,
        stage=_("Done"),
        records=records,
        pairs_found=found,
        model=result.parameters,
        timings={k: round(v, 2) for k, v in result.timings.items()},
    )
    run.refresh_from_db()
    return run


def _partner_rows(run: LinkageRun) -> list[dict]:
    partner_list = PartnerList.objects.filter(pk=run.partner_list_id).first()
    if partner_list is None:
        raise ValidationError(_("The partner list was deleted before the run."))
    records = PartnerRecord.objects.filter(partner_list=partner_list).select_related("partner_list")
    return linkage_rows(from_partner_record(record) for record in records)


@transaction.atomic
def _keep_partner_pairs(run: LinkageRun, pairs: list[dict]) -> int:
    """A pair of a case and a partner's row: the case on the left, the row beside it."""
    found = []
    for pair in pairs:
        ids = (str(pair["left"]), str(pair["right"]))
        rows = [i for i in ids if i.startswith("r")]
        if len(rows) != 1:
            continue  # two cases or two rows: not what this run compares
        case_id = int(next(i for i in ids if not i.startswith("r")))
        found.append((case_id, int(rows[0][1:]), pair))
    countries = dict(
        Case.objects.filter(pk__in={case_id for case_id, _r, _p in found}).values_list(
            "pk", "country_id"
        )
    )
    list_country = run.partner_list.country_id if run.partner_list_id else None
    kept = 0
    for case_id, record_id, pair in found:
        values = {
            "run": run,
            "probability": pair["probability"],
            "weight": pair["weight"],
            "contributions": pair["contributions"],
            "levels": pair["levels"],
            "cross_border": countries.get(case_id) != list_country,
        }
        kept += _refresh_pair({"left_id": case_id, "partner_record_id": record_id}, values)
    return kept


def _refresh_pair(sides: dict, values: dict) -> bool:
    """Store a pair found, or refresh one still to review; a decided pair stays as decided
    (a person's word stands). True if stored or refreshed."""
    existing = CandidatePair.objects.filter(**sides).first()
    if existing is None:
        CandidatePair.objects.create(**sides, **values)
    elif existing.status == PairStatus.PENDING:
        CandidatePair.objects.filter(pk=existing.pk).update(**values)
    else:
        return False
    return True


@transaction.atomic
def _keep_pairs(run: LinkageRun, pairs: list[dict]) -> int:
    countries = dict(
        Case.objects.filter(
            pk__in={int(p["left"]) for p in pairs} | {int(p["right"]) for p in pairs}
        ).values_list("pk", "country_id")
    )
    kept = 0
    for pair in pairs:
        left, right = sorted((int(pair["left"]), int(pair["right"])))
        values = {
            "run": run,
            "probability": pair["probability"],
            "weight": pair["weight"],
            "contributions": pair["contributions"],
            "levels": pair["levels"],
            "cross_border": countries.get(left) != countries.get(right),
        }
        kept += _refresh_pair({"left_id": left, "right_id": right}, values)
    return kept


@transaction.atomic
def decide(pair: CandidatePair, *, origin: Origin, status: str, note: str = "") -> CandidatePair:
    """Same child, different children, or unsure. A confirmed pair within one hotline merges
    the newer case into the older; a confirmed cross-border pair tells both centres."""
    user = origin.actor
    # Only the pair's row is locked: its case or partner row is joined outer, which
    # PostgreSQL does not lock.
    pair = (
        CandidatePair.objects.select_for_update(of=("self",))
        .select_related("left", "right", "partner_record__partner_list")
        .get(pk=pair.pk)
    )
    if not policy.can(user, Act.CHANGE, pair):
        if pair.with_partner_record:
            raise PermissionDenied(_("Only the organisation that uploaded the list decides."))
        raise PermissionDenied(_("Only the centres of these two cases decide on them."))
    if status not in PairStatus.values or status == PairStatus.PENDING:
        raise ValidationError({"status": _("Choose same child, different children or unsure.")})
    if pair.status in (PairStatus.CONFIRMED, PairStatus.REJECTED):
        raise ValidationError({"status": _("This pair has been decided already.")})
    if status != PairStatus.CONFIRMED and not note.strip() and status == PairStatus.UNSURE:
        raise ValidationError({"note": _("Say what is unsure, for the next reviewer.")})
    pair.status, pair.note = status, note.strip()
    pair.decided_by, pair.decided_at = user, timezone.now()
    pair.save()
    if pair.with_partner_record:
        _decide_on_partner_record(pair, origin=origin, status=status, note=note)
        return pair
    for case in (pair.left, pair.right):
        audit.record(
            LinkageAction.DECIDE,
            origin=origin,
            obj=case,
            reason=note,
            details={"pair": pair.pk, "status": status, "other": _other(pair, case).number},
        )
    if status == PairStatus.CONFIRMED:
        if pair.cross_border or pair.left.organisation_id != pair.right.organisation_id:
            _tell_both_centres(pair)
        else:
            merge_duplicate(pair, origin=origin)
    return pair


def _decide_on_partner_record(pair: CandidatePair, *, origin: Origin, status: str, note: str):
    """A case and a partner's row: audited on the case and on the list. Confirmed, nothing is
    merged (the row is not a case): the case gets a note that says where the child was listed
    and whom to ask, and its centre is told."""
    record = pair.partner_record
    details = {
        "pair": pair.pk,
        "status": status,
        "partner_list": record.partner_list_id,
        "row": record.row_number,
    }
    audit.record(LinkageAction.DECIDE, origin=origin, obj=pair.left, reason=note, details=details)
    audit.record(
        LinkageAction.DECIDE,
        origin=origin,
        obj=record.partner_list,
        reason=note,
        details={**details, "case": pair.left.number},
    )
    if status == PairStatus.CONFIRMED:
        _record_partner_match(pair, origin=origin)


def _case_language(case: Case) -> str:
    """The language a note on the case is written in: its country's, where the platform
    speaks it; English otherwise."""
    ours = {code for code, _name in settings.LANGUAGES}
    languages = case.country.languages if case.country_id else []
    return next((code for code in languages if code in ours), settings.LANGUAGE_CODE)


def _record_partner_match(pair: CandidatePair, *, origin: Origin) -> CaseNote:
    """What the case's centre needs to act on a match it cannot see (the list is not
    theirs): which list and row, the partner's own reference to quote, the row as the partner
    wrote it, who confirmed it and when the list will be gone."""
    case, record, user = pair.left, pair.partner_record, origin.actor
    partner_list = record.partner_list
    with translation.override(_case_language(case)):
        written = [
            record.child_name,
            _("born %(date)s") % {"date": record.date_of_birth.isoformat()}
            if record.date_of_birth
            else "",
            _("age %(age)s") % {"age": record.age_estimate}
            if record.age_estimate is not None
            else "",
            str(record.get_sex_display()) if record.sex != "unknown" else "",
            str(record.nationality) if record.nationality_id else "",
        ]
        lines = [
            _(
                "Possibly this child on a partner's list: “%(list)s” (%(kind)s, %(country)s), "
                "held by %(organisation)s, row %(row)d."
            )
            % {
                "list": partner_list.name,
                "kind": partner_list.get_kind_display(),
                "country": partner_list.country,
                "organisation": partner_list.organisation,
                "row": record.row_number,
            },
            _("As the list writes it: %(row)s.") % {"row": ", ".join(w for w in written if w)},
        ]
        if record.event_date or record.place:
            lines.append(
                _("Registered or found: %(date)s %(place)s.")
                % {
                    "date": record.event_date.isoformat() if record.event_date else "",
                    "place": record.place,
                }
            )
        if record.partner_reference or record.document_number:
            lines.append(
                _("The partner's reference: %(reference)s; document number: %(document)s.")
                % {
                    "reference": record.partner_reference or "—",
                    "document": record.document_number or "—",
                }
            )
        lines.append(
            _(
                "Confirmed as the same child by %(user)s (%(organisation)s) on %(date)s, match "
                "probability %(probability).2f. Ask them or the list's holder to confirm where "
                "the child is now, quoting the reference. The list is deleted after %(until)s."
            )
            % {
                "user": user.get_full_name() or user.get_username(),
                "organisation": user.organisation,
                "date": timezone.localdate().isoformat(),
                "probability": pair.probability,
                "until": partner_list.delete_after.isoformat(),
            }
        )
    note = CaseNote.objects.create(case=case, author=user, text="\n".join(lines))
    audit.record(
        LinkageAction.PARTNER_MATCH,
        origin=origin,
        obj=case,
        details={
            "pair": pair.pk,
            "partner_list": partner_list.pk,
            "row": record.row_number,
            "note": note.pk,
        },
    )
    _tell_case_centre(case, partner_list, record.row_number)
    return note


def _tell_case_centre(case: Case, partner_list: PartnerList, row: int) -> None:
    managers = User.objects.filter(
        organisation_id=case.organisation_id,
        roles__code__in=[RoleCode.CASE_MANAGER, RoleCode.LIAISON_OFFICER, RoleCode.SUPERVISOR],
    ).distinct()
    number, name = case.number, partner_list.name

    def subject() -> str:
        return _("%(case)s found on a partner's list: %(list)s, row %(row)d") % {
            "case": number,
            "list": name,
            "row": row,
        }

    notices.notify(managers, subject, reverse("cases:detail", args=[case.pk]))


def _other(pair: CandidatePair, case: Case) -> Case:
    return pair.right if case.pk == pair.left_id else pair.left


def _tell_both_centres(pair: CandidatePair) -> None:
    managers = User.objects.filter(
        Q(organisation_id=pair.left.organisation_id)
        | Q(organisation_id=pair.right.organisation_id),
        roles__code__in=[RoleCode.CASE_MANAGER, RoleCode.LIAISON_OFFICER, RoleCode.SUPERVISOR],
    ).distinct()
    left, right = pair.left.number, pair.right.number

    def subject() -> str:
        return _("Same child across the border: %(left)s and %(right)s") % {
            "left": left,
            "right": right,
        }

    notices.notify(
        managers,
        subject,
        reverse("linkage:pair", args=[pair.pk]),
    )


MOVED = [Contact, CaseNote, CaseTask, Sighting, CasePerson]


def merge_duplicate(pair: CandidatePair, *, origin: Origin) -> Case:
    """The newer case joins the older: its contacts, notes, tasks, sightings and people move to
    the older case, and it is closed as a duplicate. Its own audit events stay where they are
    (the trail is append-only): the older case's timeline records the merge and names it."""
    older, newer = sorted((pair.left, pair.right), key=lambda c: (c.opened_at, c.pk))
    moved = {}
    for related in MOVED:
        moved[related._meta.model_name] = related.objects.filter(case=newer).update(case=older)
    if newer.status != Status.CLOSED:
        # Closed through the cases' own step: audited, and its live alerts cancelled with it.
        case_services.close_case(
            newer,
            origin=origin,
            outcome="closed_other",
            reason=_("Duplicate of %(number)s") % {"number": older.number},
        )
    for case in (older, newer):
        audit.record(
            LinkageAction.MERGE,
            origin=origin,
            obj=case,
            details={"kept": older.number, "merged": newer.number, "moved": moved},
        )
    return older


# --- Privacy-preserving matching under an agreement ----------------------------------------
#
# Both sides hold the agreement's key. Each encodes its own open cases (pprl.encode) and sends
# the file; the other side uploads it, encodes its own cases again, compares, and reviews the
# candidates. No name leaves the platform; the key is stored sealed (agreement_keys.py) and
# appears in no log, audit event or page after the one that made it.

SCHEMA = pprl.Schema()
# Match probabilities (pprl scores pairs Fellegi–Sunter): 0.5 means what the plain-text
# model's threshold means.
DEFAULT_THRESHOLD = 0.5
MIN_THRESHOLD, MAX_THRESHOLD = 0.5, 0.99
# The fields whose agreement a reviewer is shown (each field's Dice coefficient).
REVIEWED_FIELDS = (
    "given_name", "family_name", "other_names", "birth_date", "birth_year", "sex",
    "nationality", "place", "event_date",
)  # fmt: skip


def _require_linker(user, agreement: MatchingAgreement | None = None) -> None:
    if agreement is None:
        allowed = may_link(user) and user.organisation_id is not None
    else:
        allowed = policy.can(user, Act.CHANGE, agreement)
    if not allowed:
        raise PermissionDenied(
            _(
                "Only case managers and liaison officers of the organisation "
                "that made the agreement use it."
            )
        )


@sensitive_variables("key")
@transaction.atomic
def create_agreement(
    *,
    origin: Origin,
    partner_name: str,
    partner_country: str,
    purpose: str,
    valid_from: date,
    valid_until: date,
    partner_organisation: Organisation | None = None,
    key: str | None = None,
) -> tuple[MatchingAgreement, str | None]:
    """An agreement of the user's organisation with a partner. Without `key` a strong one is
    made and returned, to be shown once and handed to the partner out of band; with `key`
    (the partner's, pasted) None is returned. Either way only its sealed form and its
    fingerprint are stored."""
    user = origin.actor
    _require_linker(user)
    errors = {}
    if partner_organisation is not None:
        if partner_organisation.pk == user.organisation_id:
            errors["partner_organisation"] = _("The partner is another organisation than yours.")
        partner_name = partner_name.strip() or partner_organisation.name
        partner_country = partner_country or (partner_organisation.country_id or "")
    partner_name = partner_name.strip()
    if not partner_name:
        errors["partner_name"] = _("Name the partner.")
    country = Country.objects.filter(pk=(partner_country or "").strip().upper()).first()
    if country is None:
        errors["partner_country"] = _("Choose the partner's country.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the matching is for.")
    if valid_until < valid_from:
        errors["valid_until"] = _("The agreement ends after it starts.")
    elif valid_until < timezone.localdate():
        errors["valid_until"] = _("The agreement would have ended already.")
    generated = key is None
    if generated:
        key = agreement_keys.generate()
    elif not agreement_keys.MIN_LENGTH <= len(key.strip()) <= agreement_keys.MAX_LENGTH:
        errors["key"] = _(
            "A shared key has %(min)s to %(max)s characters: ask the partner for the whole key."
        ) % {"min": agreement_keys.MIN_LENGTH, "max": agreement_keys.MAX_LENGTH}
    elif len(set(key.strip())) < 10:
        errors["key"] = _("This key is too easy to guess: ask the partner for a random one.")
    if errors:
        raise ValidationError(errors)
    agreement = MatchingAgreement(
        organisation_id=user.organisation_id,
        partner_organisation=partner_organisation,
        partner_name=partner_name[:200],
        partner_country=country,
        purpose=purpose.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        key_fingerprint=agreement_keys.fingerprint(key),
        record_id_secret=agreement_keys.new_record_id_secret(),
        created_by=user,
    )
    agreement.sealed_key = agreement_keys.seal(key, agreement.reference)
    agreement.save()
    audit.record(
        LinkageAction.AGREEMENT_CREATE,
        origin=origin,
        obj=agreement,
        details={
            "partner": agreement.partner_name,
            "partner_country": country.pk,
            "partner_organisation": partner_organisation.pk if partner_organisation else None,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "key_fingerprint": agreement.key_fingerprint,
            "key": "generated" if generated else "entered",
        },
    )
    return agreement, (key if generated else None)


@transaction.atomic
def end_agreement(
    agreement: MatchingAgreement, *, origin: Origin, reason: str
) -> MatchingAgreement:
    """No more encoding or comparing under the agreement: its sealed key is destroyed. The
    comparisons made and the matches found stay, and are still decided."""
    _require_linker(origin.actor, agreement)
    agreement = MatchingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.ended_at is not None:
        raise ValidationError({"reason": _("This agreement has ended already.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the agreement ends.")})
    agreement.ended_at, agreement.ended_by = timezone.now(), origin.actor
    agreement.end_reason, agreement.sealed_key = reason.strip(), ""
    agreement.save(update_fields=["ended_at", "ended_by", "end_reason", "sealed_key"])
    audit.record(LinkageAction.AGREEMENT_END, origin=origin, obj=agreement, reason=reason)
    return agreement


def _key_for_use(agreement: MatchingAgreement) -> bytes:
    """The agreement's key, to encode with; refused unless the agreement is in force."""
    if agreement.ended_at is not None or not agreement.sealed_key:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This agreement has ended: nothing more is encoded under it.")}
        )
    if not agreement.in_force():
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("This agreement is in force from %(start)s to %(end)s only.")
                % {"start": agreement.valid_from, "end": agreement.valid_until}
            }
        )
    key, resealed = agreement_keys.open_sealed(agreement.sealed_key, agreement.reference)
    if resealed is not None:  # SECRET_KEY was rotated: seal under the current one
        MatchingAgreement.objects.filter(pk=agreement.pk).update(sealed_key=resealed)
    return key


def _pprl_record(case: Case, record_id: str) -> dict:
    """What pprl encodes of a case: names and other names, birth date (or the year its age
    suggests), sex, nationality, and where and when the child was last seen."""
    seen = timezone.localtime(case.last_seen_at).date() if case.last_seen_at else None
    birth, estimated = case.date_of_birth, False
    if birth is None and case.age_estimate is not None and seen is not None:
        birth, estimated = date(seen.year - case.age_estimate, 1, 1), True
    return {
        "record_id": record_id,
        "given_name": case.given_names,
        "family_name": case.family_name,
        "other_names": case.other_names,
        "date_of_birth": birth,
        "dob_estimated": estimated,
        "sex": case.sex if case.sex in ("female", "male") else "",
        "age_estimate": case.age_estimate,
        "nationality": case.nationality_id or "",
        "latitude": case.last_seen_lat,
        "longitude": case.last_seen_lon,
        "event_date": seen,
    }


def _our_cases(user, agreement, selection) -> list[Case]:
    cases = list(selectors.cases_to_encode(user, agreement, selection))
    if not cases:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("None of your open cases fits this choice: nothing to encode.")}
        )
    return cases


@dataclass(frozen=True)
class EncodingsFile:
    filename: str
    content: bytes
    records: int


@sensitive_variables("key")
def encode_our_records(
    agreement: MatchingAgreement, *, origin: Origin, selection: selectors.CaseSelection
) -> EncodingsFile:
    """Our open cases (those the selection names) encoded under the agreement's key, as the
    file to send to the partner. Each case appears under an id of this agreement's own
    (agreement_keys.record_id). Audited with the count and the selection, never a name."""
    user = origin.actor
    _require_linker(user, agreement)
    key = _key_for_use(agreement)
    cases = _our_cases(user, agreement, selection)
    secret = agreement.record_id_secret
    records = (_pprl_record(c, agreement_keys.record_id(secret, c.pk)) for c in cases)
    content = pprl.encode(records, SCHEMA, key).to_bytes()
    today = timezone.localdate()
    ours = agreement.organisation.country_id or "XX"
    filename = (
        f"seec-pprl-{ours}-{agreement.partner_country_id}-{agreement.short_fingerprint}"
        f"-{today:%Y%m%d}.pprl"
    )
    with transaction.atomic():
        audit.record(
            LinkageAction.PRIVATE_ENCODE,
            origin=origin,
            obj=agreement,
            details={
                "records": len(cases),
                "selection": selection.describe(),
                "file": filename,
                "sha256": hashlib.sha256(content).hexdigest(),
            },
        )
    return EncodingsFile(filename, content, len(cases))


def _read_partner_file(content: bytes, key: bytes) -> pprl.Encodings:
    """The partner's encodings, or EncodingRefused listing every problem found."""
    limit = settings.SEEC_MAX_PPRL_FILE_BYTES
    if not content:
        raise pprl.EncodingRefused([_("The file is empty.")])
    if len(content) > limit:
        raise pprl.EncodingRefused(
            [
                _("The file is larger than %(limit)s MB, the most that is read.")
                % {"limit": round(limit / 2**20)}
            ]
        )
    theirs = pprl.Encodings.from_bytes(content, SCHEMA, key)
    problems = []
    if not len(theirs):
        problems.append(_("The file holds no record."))
    if len(set(theirs.ids)) != len(theirs.ids):
        problems.append(_("Some record ids appear more than once in the file."))
    too_long = sum(1 for i in theirs.ids if not 0 < len(i) <= 64)
    if too_long:
        problems.append(
            _("%(count)s record ids are empty or longer than 64 characters.") % {"count": too_long}
        )
    if problems:
        raise pprl.EncodingRefused(problems)
    return theirs


@sensitive_variables("key")
def compare_with_partner(
    agreement: MatchingAgreement,
    *,
    origin: Origin,
    content: bytes,
    selection: selectors.CaseSelection,
    threshold: float = DEFAULT_THRESHOLD,
) -> EncodedExchange:
    """Compare the partner's encodings file with our open cases, encoded again here under the
    same key, and keep the candidates from `threshold` up for review. A file encoded under
    another key or schema, or not an encodings file at all, is refused (pprl.EncodingRefused,
    every problem listed) and nothing is stored."""
    user = origin.actor
    _require_linker(user, agreement)
    if not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise ValidationError(
            {
                "threshold": _("Between %(low)s and %(high)s.")
                % {"low": MIN_THRESHOLD, "high": MAX_THRESHOLD}
            }
        )
    key = _key_for_use(agreement)
    theirs = _read_partner_file(content, key)
    cases = _our_cases(user, agreement, selection)
    ours = pprl.encode((_pprl_record(c, str(c.pk)) for c in cases), SCHEMA, key)
    found = pprl.match(ours, theirs, threshold)
    fields = _field_scores(ours, theirs, found)
    with transaction.atomic():
        exchange = EncodedExchange.objects.create(
            agreement=agreement,
            compared_by=user,
            our_records=len(ours),
            partner_records=len(theirs),
            threshold=threshold,
            selection=selection.describe(),
            partner_file_sha256=hashlib.sha256(content).hexdigest(),
        )
        kept = _keep_private_matches(agreement, exchange, found, fields)
        exchange.candidates = kept
        exchange.save(update_fields=["candidates"])
        audit.record(
            LinkageAction.PRIVATE_COMPARE,
            origin=origin,
            obj=exchange,
            details={
                "agreement": agreement.pk,
                "our_records": len(ours),
                "partner_records": len(theirs),
                "threshold": threshold,
                "candidates": kept,
                "selection": selection.describe(),
                "sha256": exchange.partner_file_sha256,
            },
        )
    return exchange


def _field_scores(ours, theirs, found) -> list[dict]:
    """Each candidate's Dice coefficient per reviewed field (None where a record lacks it)."""
    if not found:
        return []
    row_of_ours = {record_id: row for row, record_id in enumerate(ours.ids)}
    row_of_theirs = {record_id: row for row, record_id in enumerate(theirs.ids)}
    rows_a = np.array([row_of_ours[a] for a, _b, _s in found])
    rows_b = np.array([row_of_theirs[b] for _a, b, _s in found])
    per_field = {
        name: values
        for name, values in pprl.field_dice(ours, rows_a, theirs, rows_b).items()
        if name in REVIEWED_FIELDS
    }
    return [
        {
            name: (None if np.isnan(values[i]) else round(float(values[i]), 3))
            for name, values in per_field.items()
        }
        for i in range(len(found))
    ]


def _keep_private_matches(agreement, exchange, found, fields) -> int:
    existing = {
        (m.case_id, m.partner_record_id): m
        for m in PrivateMatch.objects.filter(
            agreement=agreement, case_id__in={int(a) for a, _b, _s in found}
        )
    }
    new, kept = [], 0
    for (case_id, partner_id, score), field_scores in zip(found, fields, strict=True):
        match = existing.get((int(case_id), partner_id))
        if match is None:
            new.append(
                PrivateMatch(
                    agreement=agreement,
                    exchange=exchange,
                    case_id=int(case_id),
                    partner_record_id=partner_id,
                    score=round(score, 4),
                    field_scores=field_scores,
                )
            )
        elif match.status in (PairStatus.PENDING, PairStatus.UNSURE):
            PrivateMatch.objects.filter(pk=match.pk).update(
                exchange=exchange, score=round(score, 4), field_scores=field_scores
            )
        else:
            continue  # decided already: a person's word stands
        kept += 1
    PrivateMatch.objects.bulk_create(new)
    return kept


@transaction.atomic
def decide_private_match(
    match: PrivateMatch, *, origin: Origin, status: str, note: str = ""
) -> PrivateMatch:
    """Same child, different children, or unsure (with a note). A confirmed match tells our
    case managers, with the partner's record id, so that they contact the partner through a
    referral."""
    user = origin.actor
    match = PrivateMatch.objects.select_for_update().get(pk=match.pk)
    if not policy.can(user, Act.CHANGE, match):
        raise PermissionDenied(_("Only the organisation that made the agreement decides."))
    match = PrivateMatch.objects.select_related("case", "agreement").get(pk=match.pk)
    if status not in PairStatus.values or status == PairStatus.PENDING:
        raise ValidationError({"status": _("Choose same child, different children or unsure.")})
    if match.status in (PairStatus.CONFIRMED, PairStatus.REJECTED):
        raise ValidationError({"status": _("This match has been decided already.")})
    if status == PairStatus.UNSURE and not note.strip():
        raise ValidationError({"note": _("Say what is unsure, for the next reviewer.")})
    match.status, match.note = status, note.strip()
    match.decided_by, match.decided_at = user, timezone.now()
    match.save(update_fields=["status", "note", "decided_by", "decided_at"])
    audit.record(
        LinkageAction.PRIVATE_DECIDE,
        origin=origin,
        obj=match.case,
        reason=note,
        details={
            "private_match": match.pk,
            "agreement": match.agreement_id,
            "partner": match.agreement.partner_name,
            "partner_record": match.partner_record_id,
            "status": status,
        },
    )
    if status == PairStatus.CONFIRMED:
        _tell_our_case_managers(match)
    return match


def _tell_our_case_managers(match: PrivateMatch) -> None:
    agreement, case = match.agreement, match.case
    managers = User.objects.filter(
        Q(organisation_id=agreement.organisation_id)
        & Q(roles__code__in=[RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR, RoleCode.LIAISON_OFFICER])
        | Q(pk=case.assigned_manager_id)
    ).distinct()
    values = {
        "number": case.number,
        "partner": agreement.partner_name,
        "record": match.partner_record_id,
    }

    def subject() -> str:
        return (
            _(
                "Same child: case %(number)s is record %(record)s of %(partner)s. "
                "Contact them through a referral."
            )
            % values
        )

    notices.notify(managers, subject, reverse("linkage:private-match", args=[match.pk]))
