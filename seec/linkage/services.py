"""Linkage runs and the decisions on what they find: each step transactional and audited."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.cases import services as case_services
from seec.cases.models import Case, CaseNote, CasePerson, CaseTask, Contact, Sighting, Status
from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import Country, RoleCode, User
from seec.core.policy import Act

from . import model
from .models import CandidatePair, LinkageRun, PairStatus, RunKind, RunStatus
from .records import PersonRecord, linkage_rows
from .rules import may_link


class LinkageAction:
    RUN = "linkage.run"
    DECIDE = "linkage.decide"
    MERGE = "linkage.merge"


audit.ACTION_LABELS.update(
    {
        LinkageAction.RUN: gettext_lazy("Linkage run started"),
        LinkageAction.DECIDE: gettext_lazy("Possible same child decided"),
        LinkageAction.MERGE: gettext_lazy("Duplicate case merged"),
    }
)


@transaction.atomic
def start_run(
    *, origin: Origin, kind: str, countries: list[str], threshold: float = 0.5, enqueue=True
):
    """A run over one country's cases (duplicates) or several countries' (cross-border), done
    by the task worker (unless the caller runs it itself: `enqueue=False`); the user follows
    its progress on the run's page."""
    user = origin.actor
    if not may_link(user):
        raise PermissionDenied(_("Only case managers and liaison officers run linkage."))
    codes = sorted({(code or "").strip().upper() for code in countries} - {""})
    known = set(Country.objects.filter(pk__in=codes, in_region=True).values_list("pk", flat=True))
    errors = {}
    if kind not in RunKind.values:
        errors["kind"] = _("Choose duplicates within a country or a link across countries.")
    elif kind == RunKind.WITHIN and len(codes) != 1:
        errors["countries"] = _("Choose one country.")
    elif kind == RunKind.ACROSS and len(codes) < 2:
        errors["countries"] = _("Choose at least two countries.")
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
        kind=kind, countries=",".join(codes), threshold=threshold, started_by=user
    )
    audit.record(LinkageAction.RUN, origin=origin, obj=run, details={"countries": codes})
    from .tasks import run_linkage

    if enqueue:
        transaction.on_commit(lambda: run_linkage.enqueue(run_id=run.pk))
    return run


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
        records = sum(len(rows) for rows in datasets)
        step(25, _("Learning the model and scoring pairs"))
        result = model.link(
            datasets, threshold=run.threshold, backend=backend or settings.SEEC_LINKAGE_BACKEND
        )
        step(85, _("Keeping the pairs for review"))
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
    pair = CandidatePair.objects.select_for_update().select_related("left", "right").get(pk=pair.pk)
    if not policy.can(user, Act.CHANGE, pair):
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
