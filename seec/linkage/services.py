"""Linkage runs and the decisions on what they find; privacy-preserving matching with a
partner under an agreement. Each step transactional and audited."""

import hashlib
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
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
    PrivateMatch,
    RunKind,
    RunStatus,
)
from .records import PersonRecord, linkage_rows
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


def execute_run(run: LinkageRun, progress=None) -> LinkageRun:
    """Prepare the records, train the model on them, score the blocked pairs and keep those
    above the threshold. `progress(per_cent, stage)` hears each stage."""

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
        result = model.link(datasets, threshold=run.threshold)
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


# --- Privacy-preserving matching under an agreement ----------------------------------------
#
# Both sides hold the agreement's key. Each encodes its own open cases (pprl.encode) and sends
# the file; the other side uploads it, encodes its own cases again, compares, and reviews the
# candidates. No name leaves the platform; the key is stored sealed (agreement_keys.py) and
# appears in no log, audit event or page after the one that made it.

SCHEMA = pprl.Schema()
DEFAULT_THRESHOLD = 0.75
MIN_THRESHOLD, MAX_THRESHOLD = 0.5, 0.99


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
    """What pprl encodes of a case: names, birth date (or the year its age suggests), sex."""
    seen = timezone.localtime(case.last_seen_at).date() if case.last_seen_at else None
    birth, estimated = case.date_of_birth, False
    if birth is None and case.age_estimate is not None and seen is not None:
        birth, estimated = date(seen.year - case.age_estimate, 1, 1), True
    return {
        "record_id": record_id,
        "given_name": case.given_names,
        "family_name": case.family_name,
        "date_of_birth": birth,
        "dob_estimated": estimated,
        "sex": case.sex,
        "age_estimate": case.age_estimate,
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
    """Each candidate's Dice coefficient per field (None where a record lacks the field)."""
    if not found:
        return []
    row_of_ours = {record_id: row for row, record_id in enumerate(ours.ids)}
    row_of_theirs = {record_id: row for row, record_id in enumerate(theirs.ids)}
    rows_a = np.array([row_of_ours[a] for a, _b, _s in found])
    rows_b = np.array([row_of_theirs[b] for _a, b, _s in found])
    per_field = pprl.field_dice(ours, rows_a, theirs, rows_b)
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
