"""Linkage runs and the decisions on what they find, and the partners' lists they are run
against: each step transactional and audited."""

import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.cases import services as case_services
from seec.cases.models import Case, CaseNote, CasePerson, CaseTask, Contact, Sighting, Status
from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import Country, RoleCode, User
from seec.core.policy import Act

from . import model
from .models import (
    CandidatePair,
    LinkageRun,
    PairStatus,
    PartnerList,
    PartnerListKind,
    PartnerRecord,
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
        existing = CandidatePair.objects.filter(
            left_id=case_id, partner_record_id=record_id
        ).first()
        if existing is None:
            CandidatePair.objects.create(left_id=case_id, partner_record_id=record_id, **values)
        elif existing.status == PairStatus.PENDING:
            CandidatePair.objects.filter(pk=existing.pk).update(**values)
        else:
            continue  # decided already: a person's word stands
        kept += 1
    return kept


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
        existing = CandidatePair.objects.filter(left_id=left, right_id=right).first()
        if existing is None:
            CandidatePair.objects.create(left_id=left, right_id=right, **values)
        elif existing.status == PairStatus.PENDING:
            CandidatePair.objects.filter(pk=existing.pk).update(**values)
        else:
            continue  # decided already: a person's word stands
        kept += 1
    return kept


@transaction.atomic
def decide(pair: CandidatePair, *, origin: Origin, status: str, note: str = "") -> CandidatePair:
    """Same child, different children, or unsure. A confirmed pair within one hotline merges
    the newer case into the older; a confirmed cross-border pair tells both centres."""
    user = origin.actor
    pair = (
        CandidatePair.objects.select_for_update()
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
