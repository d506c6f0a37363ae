"""Every write of the regional network: transactional, checked against the policy, audited.

Views, the API, imports and the demo call these; none of them saves a model itself. A service
validates the whole record (`full_clean`) before writing, so a refused step changes nothing.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from seec.cases import files as sealed_files
from seec.cases.models import FileKind
from seec.cases.names import latin_forms
from seec.core import audit, notices, policy
from seec.core.audit import Origin
from seec.core.models import RoleCode, User
from seec.core.policy import Act

from . import models as m
from .rules import is_coordinator


class NetworkAction:
    FACT_RECORDED = "network.fact_recorded"
    FACT_WITHDRAWN = "network.fact_withdrawn"
    RECORD_SAVED = "network.record_saved"
    RECORD_DELETED = "network.record_deleted"
    AGREEMENT_DOCUMENT_ADDED = "network.agreement_document_added"
    AGREEMENT_DOCUMENT_READ = "network.agreement_document_read"
    AGREEMENT_REMINDED = "network.agreement_reminded"
    AGREEMENT_TERMINATED = "network.agreement_terminated"
    PARTICIPANTS_IMPORTED = "network.participants_imported"
    PARTICIPANTS_READ = "network.participants_read"
    CERTIFICATES_ISSUED = "network.certificates_issued"
    DESK_CONTACTS_LOGGED = "network.desk_contacts_logged"
    REVIEW_RECORDED = "network.monthly_review"
    PLAN_EVALUATED = "network.plan_evaluated"
    EVALUATION_STARTED = "network.evaluation_started"
    SELF_ASSESSED = "network.self_assessed"
    SELF_ASSESSMENT_SUBMITTED = "network.self_assessment_submitted"
    INDICATORS_COMPUTED = "network.indicators_computed"
    EVALUATION_REVIEWED = "network.evaluation_reviewed"
    EVALUATION_COMPLETED = "network.evaluation_completed"
    IMPROVEMENT_ADDED = "network.improvement_added"
    IMPROVEMENT_DONE = "network.improvement_done"
    CATALOGUE_VERSIONED = "network.catalogue_versioned"
    CATALOGUE_CREATED = "network.catalogue_created"
    CATALOGUE_PUBLISHED = "network.catalogue_published"
    CATALOGUE_DISCARDED = "network.catalogue_discarded"
    CRITERION_SAVED = "network.criterion_saved"
    CRITERION_REMOVED = "network.criterion_removed"


ACTION_LABELS = {
    NetworkAction.FACT_RECORDED: gettext_lazy("Country profile fact recorded"),
    NetworkAction.FACT_WITHDRAWN: gettext_lazy("Country profile fact withdrawn"),
    NetworkAction.RECORD_SAVED: gettext_lazy("Network record saved"),
    NetworkAction.RECORD_DELETED: gettext_lazy("Network record deleted"),
    NetworkAction.AGREEMENT_DOCUMENT_ADDED: gettext_lazy("Signed agreement added"),
    NetworkAction.AGREEMENT_DOCUMENT_READ: gettext_lazy("Signed agreement opened"),
    NetworkAction.AGREEMENT_REMINDED: gettext_lazy("Reminded of an agreement's end"),
    NetworkAction.AGREEMENT_TERMINATED: gettext_lazy("Agreement terminated"),
    NetworkAction.PARTICIPANTS_IMPORTED: gettext_lazy("Participants imported"),
    NetworkAction.PARTICIPANTS_READ: gettext_lazy("Participants' list read"),
    NetworkAction.CERTIFICATES_ISSUED: gettext_lazy("Certificates issued"),
    NetworkAction.DESK_CONTACTS_LOGGED: gettext_lazy("Info-desk contacts logged"),
    NetworkAction.REVIEW_RECORDED: gettext_lazy("Monthly review of the action plan"),
    NetworkAction.PLAN_EVALUATED: gettext_lazy("Action plan evaluated"),
    NetworkAction.EVALUATION_STARTED: gettext_lazy("Service evaluation started"),
    NetworkAction.SELF_ASSESSED: gettext_lazy("Self-assessment saved"),
    NetworkAction.SELF_ASSESSMENT_SUBMITTED: gettext_lazy("Self-assessment submitted"),
    NetworkAction.INDICATORS_COMPUTED: gettext_lazy("Service indicators computed"),
    NetworkAction.EVALUATION_REVIEWED: gettext_lazy("Service evaluation reviewed"),
    NetworkAction.EVALUATION_COMPLETED: gettext_lazy("Service evaluation completed"),
    NetworkAction.IMPROVEMENT_ADDED: gettext_lazy("Improvement action added"),
    NetworkAction.IMPROVEMENT_DONE: gettext_lazy("Improvement action done"),
    NetworkAction.CATALOGUE_VERSIONED: gettext_lazy("Criteria catalogue versioned"),
    NetworkAction.CATALOGUE_CREATED: gettext_lazy("Criteria catalogue created"),
    NetworkAction.CATALOGUE_PUBLISHED: gettext_lazy("Criteria catalogue version published"),
    NetworkAction.CATALOGUE_DISCARDED: gettext_lazy("Draft criteria catalogue discarded"),
    NetworkAction.CRITERION_SAVED: gettext_lazy("Criterion saved in a draft catalogue"),
    NetworkAction.CRITERION_REMOVED: gettext_lazy("Criterion removed from a draft catalogue"),
}

DOCUMENT_FOLDER = "network-documents"


def require_coordinator(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied(_("Only the regional centre's coordinators keep these records."))


def _validated_save(instance: models.Model, exclude=None) -> models.Model:
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


def _changed_fields(instance: models.Model, data: dict) -> list[str]:
    return sorted(k for k, v in data.items() if getattr(instance, k, None) != v)


# --- Country profiles --------------------------------------------------------------------------

FACT_MODELS: dict[str, type[m.DatedFact]] = {
    "hotline": m.HotlineFact,
    "child_alert": m.ChildAlertFact,
    "national_centre": m.NationalCentreFact,
    "ratification": m.RatificationFact,
    "legal_gap": m.LegalGapFact,
    "protocol": m.ProtocolAdoptionFact,
}


@transaction.atomic
def record_fact(kind: str, *, origin: Origin, data: dict) -> m.DatedFact:
    """A dated fact of a country's profile: holds from `effective_from` until the next one."""
    require_coordinator(origin.actor)
    model = FACT_MODELS.get(kind)
    if model is None:
        raise ValidationError({"kind": _("Unknown kind of fact.")})
    fact = model(**data, recorded_by=origin.actor)
    if fact.effective_from and fact.effective_from > timezone.localdate():
        raise ValidationError({"effective_from": _("A fact cannot hold from a future date.")})
    _validated_save(fact, exclude=["recorded_by"])
    audit.record(
        NetworkAction.FACT_RECORDED,
        origin=origin,
        obj=fact,
        details={"kind": kind, "country": fact.country_id, "from": str(fact.effective_from)},
    )
    return fact


@transaction.atomic
def withdraw_fact(fact: m.DatedFact, *, origin: Origin, reason: str) -> None:
    """Remove a fact entered in error (the audit trail keeps what it said and why)."""
    require_coordinator(origin.actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the fact is withdrawn.")})
    audit.record(
        NetworkAction.FACT_WITHDRAWN,
        origin=origin,
        obj=fact,
        reason=reason,
        details={"country": fact.country_id, "from": str(fact.effective_from)},
    )
    fact.delete()


@transaction.atomic
def add_legal_gap(*, origin: Origin, data: dict, status: str, effective_from) -> m.LegalGap:
    """A gap found by the review of a country's laws and policies, with its first status."""
    require_coordinator(origin.actor)
    gap = _validated_save(m.LegalGap(**data))
    audit.record(NetworkAction.RECORD_SAVED, origin=origin, obj=gap, details={"created": True})
    record_fact(
        "legal_gap",
        origin=origin,
        data={
            "gap": gap,
            "country": gap.country,
            "status": status,
            "effective_from": effective_from,
        },
    )
    return gap


@transaction.atomic
def record_protocol_adoption(protocol: m.ModelProtocol, *, origin: Origin, data: dict):
    """A country's adoption of a model protocol (stage) from a date: a dated fact of its
    profile, so the map and the timeline show it."""
    require_coordinator(origin.actor)
    data = {k: v for k, v in data.items() if k != "protocol"}
    if m.ProtocolAdoptionFact.objects.filter(
        protocol=protocol, country=data.get("country"), effective_from=data.get("effective_from")
    ).exists():
        raise ValidationError(
            {"effective_from": _("A stage is already recorded for this country on that day.")}
        )
    return record_fact("protocol", origin=origin, data={**data, "protocol": protocol})


# --- Generic records kept by the coordinators -------------------------------------------------


@transaction.atomic
def save_record(instance: models.Model, *, origin: Origin, data: dict, m2m: dict | None = None):
    """Create or change a coordinator-kept record (partner, person, liaison officer, plan,
    activity, project, …) from validated data; many-to-many fields in `m2m`."""
    require_coordinator(origin.actor)
    created = instance.pk is None
    changed = _changed_fields(instance, data)
    for name, value in data.items():
        setattr(instance, name, value)
    if isinstance(instance, m.LiaisonOfficer):
        instance.search_text = liaison_search_text(instance)
    # Records that keep their author (agreements, activities) are the acting coordinator's.
    if created and getattr(instance, "created_by_id", False) is None:
        instance.created_by = origin.actor
    _validated_save(instance)
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
        changed.append(name)
    audit.record(
        NetworkAction.RECORD_SAVED,
        origin=origin,
        obj=instance,
        details={"created": created, "fields": sorted(set(changed))},
    )
    return instance


@transaction.atomic
def delete_record(instance: models.Model, *, origin: Origin, reason: str) -> None:
    require_coordinator(origin.actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is deleted.")})
    audit.record(NetworkAction.RECORD_DELETED, origin=origin, obj=instance, reason=reason)
    try:
        instance.delete()
    except models.ProtectedError as error:
        raise ValidationError(
            {"__all__": _("Other records still refer to it; change them first.")}
        ) from error


def liaison_search_text(officer: m.LiaisonOfficer) -> str:
    """Every Latin spelling of the officer's name, institution and languages, lower-cased:
    the directory then finds Ђорђевић by "djordjevic" and Παπαδόπουλος by "papadopoulos"."""
    forms = set()
    for text in (officer.name, officer.institution, officer.function, officer.topics):
        if text:
            forms |= latin_forms(text)
            forms.add(text.lower())
    return " ".join(sorted(forms))


# --- Agreements --------------------------------------------------------------------------------


@transaction.atomic
def save_agreement(
    agreement: m.Agreement | None,
    *,
    origin: Origin,
    data: dict,
    parties: list[m.Partner],
    countries=(),
) -> m.Agreement:
    """An agreement with its parties (at least two, or one besides the centre's own host)."""
    require_coordinator(origin.actor)
    if len({p.pk for p in parties}) < 2:
        raise ValidationError({"parties": _("An agreement has at least two parties.")})
    kind = data.get("kind") or (agreement.kind if agreement else "")
    if kind == m.AgreementKind.BILATERAL_REPATRIATION and len({p.pk for p in parties}) != 2:
        raise ValidationError({"parties": _("A bilateral agreement has exactly two parties.")})
    agreement = save_record(
        agreement or m.Agreement(created_by=origin.actor),
        origin=origin,
        data=data,
        m2m={"countries": countries},
    )
    agreement.parties.exclude(partner__in=parties).delete()
    for partner in parties:
        m.AgreementParty.objects.get_or_create(agreement=agreement, partner=partner)
    return agreement


@transaction.atomic
def terminate_agreement(agreement: m.Agreement, *, origin: Origin, on, reason: str):
    require_coordinator(origin.actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the agreement ends.")})
    if on < agreement.valid_from:
        raise ValidationError({"on": _("An agreement cannot end before it starts.")})
    agreement.terminated_on = on
    agreement.save(update_fields=["terminated_on"])
    audit.record(
        NetworkAction.AGREEMENT_TERMINATED,
        origin=origin,
        obj=agreement,
        reason=reason,
        details={"on": on.isoformat()},
    )
    return agreement


def _binding(document_agreement_id: int) -> str:
    return f"agreement:{document_agreement_id}"


def add_agreement_document(
    agreement: m.Agreement, *, origin: Origin, upload, description: str = ""
) -> m.AgreementDocument:
    """The signed text: a real PDF (checked by its content), stored encrypted and bound to
    the agreement, so that a blob copied onto another record does not decrypt."""
    require_coordinator(origin.actor)
    checked = sealed_files.check_upload(upload, FileKind.DOCUMENT)
    storage_name, digest = sealed_files.seal(
        DOCUMENT_FOLDER, _binding(agreement.pk), checked.content
    )
    try:
        with transaction.atomic():
            document = m.AgreementDocument.objects.create(
                agreement=agreement,
                description=description[:200],
                original_name=(getattr(upload, "name", "") or "agreement.pdf")[:200],
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=digest,
                storage_name=storage_name,
                uploaded_by=origin.actor,
            )
            audit.record(
                NetworkAction.AGREEMENT_DOCUMENT_ADDED,
                origin=origin,
                obj=agreement,
                details={"document": document.pk, "sha256": digest, "size": document.size},
            )
    except Exception:
        # Nothing half-written: no row, so no encrypted blob either.
        default_storage.delete(f"{DOCUMENT_FOLDER}/{storage_name}")
        raise
    return document


def read_agreement_document(document: m.AgreementDocument, *, origin: Origin) -> bytes:
    """The signed text, for a user the policy lets see it; every read is audited."""
    if not policy.can(origin.actor, Act.VIEW, document):
        raise PermissionDenied
    content = sealed_files.unseal(
        DOCUMENT_FOLDER, _binding(document.agreement_id), document.storage_name
    )
    # A read: staged, not chained in the request (no wait on the chain's lock).
    audit.record_read(
        NetworkAction.AGREEMENT_DOCUMENT_READ,
        origin=origin,
        obj=document.agreement,
        details={"document": document.pk},
    )
    return content


def reminder_days() -> list[int]:
    return sorted(settings.SEEC_AGREEMENT_REMINDER_DAYS, reverse=True)


def coordinators() -> list[User]:
    return list(
        User.objects.filter(is_active=True, roles__code=RoleCode.REGIONAL_COORDINATOR).distinct()
    )


def remind_lapsing_agreements(today: datetime.date | None = None) -> list[m.AgreementReminder]:
    """Tell the coordinators of every agreement that lapses within a reminder's lead time
    (90, 30 and 7 days by default), once per agreement, end date and lead time: running it
    twice, or daily, sends nothing twice, and a renewed agreement is reminded of again."""
    today = today or timezone.localdate()
    longest = max(reminder_days())
    due = m.Agreement.objects.filter(
        valid_until__isnull=False,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=longest),
        terminated_on__isnull=True,
    )
    sent = []
    for agreement in due:
        left = (agreement.valid_until - today).days
        lead = min(d for d in reminder_days() if d >= left)
        with transaction.atomic():
            reminder, created = m.AgreementReminder.objects.get_or_create(
                agreement=agreement, valid_until=agreement.valid_until, days_before=lead
            )
            if not created:
                continue
            link = f"/network/agreements/{agreement.pk}/"
            reminder.recipients = notices.notify(
                coordinators(),
                lambda a=agreement, n=left: (
                    ngettext(
                        "The agreement “%(title)s” lapses on %(date)s (in %(days)d day).",
                        "The agreement “%(title)s” lapses on %(date)s (in %(days)d days).",
                        n,
                    )
                    % {"title": a.title, "date": a.valid_until.isoformat(), "days": n}
                ),
                link,
            )
            reminder.save(update_fields=["recipients"])
            audit.record(
                NetworkAction.AGREEMENT_REMINDED,
                obj=agreement,
                actor_username="system",
                details={"days_before": lead, "days_left": left},
            )
        sent.append(reminder)
    return sent


# --- The action plan ---------------------------------------------------------------------------


def _plan_activity(plan: m.ActionPlan, activity) -> m.PlannedActivity:
    if activity.plan_id != plan.pk:
        raise ValidationError({"activity": _("The activity belongs to another plan.")})
    return activity


@transaction.atomic
def record_monthly_review(
    plan: m.ActionPlan,
    *,
    origin: Origin,
    data: dict,
    progress: list[dict],
    actuals: dict | None = None,
) -> m.MonthlyReview:
    """The month's internal review: each activity's status and progress, the indicators'
    values, issues and decisions. The activities and indicators then show the latest word."""
    require_coordinator(origin.actor)
    month = data["month"].replace(day=1)
    if month.year != plan.year:
        raise ValidationError({"month": _("The month is not in the plan's year.")})
    if m.MonthlyReview.objects.filter(plan=plan, month=month).exists():
        raise ValidationError({"month": _("This month is already reviewed.")})
    review = _validated_save(
        m.MonthlyReview(plan=plan, reviewed_by=origin.actor, **{**data, "month": month})
    )
    seen = set()
    for row in progress:
        activity = _plan_activity(plan, row["activity"])
        if activity.pk in seen:
            raise ValidationError({"progress": _("An activity is reported twice.")})
        seen.add(activity.pk)
        _validated_save(
            m.ActivityProgress(
                review=review,
                activity=activity,
                status=row["status"],
                progress=row["progress"],
                note=row.get("note", ""),
            )
        )
        # An older month's review does not overwrite a newer one's word.
        if not plan.reviews.filter(month__gt=month).exists():
            activity.status, activity.progress = row["status"], row["progress"]
            activity.save(update_fields=["status", "progress"])
    for indicator, value in (actuals or {}).items():
        if indicator.activity.plan_id != plan.pk:
            raise ValidationError({"actuals": _("The indicator belongs to another plan.")})
        indicator.actual = value
        _validated_save(indicator)
    audit.record(
        NetworkAction.REVIEW_RECORDED,
        origin=origin,
        obj=plan,
        details={"review": review.pk, "month": month.isoformat(), "activities": len(seen)},
    )
    return review


@transaction.atomic
def evaluate_plan(
    plan: m.ActionPlan, *, origin: Origin, data: dict, ratings: list[dict]
) -> m.AnnualEvaluation:
    """The evaluation "taken upon its completion": a rating of every planned activity."""
    require_coordinator(origin.actor)
    if m.AnnualEvaluation.objects.filter(plan=plan).exists():
        raise ValidationError({"plan": _("The plan is already evaluated.")})
    rated = {r["activity"].pk for r in ratings}
    missing = plan.activities.exclude(pk__in=rated)
    if missing.exists():
        raise ValidationError(
            {
                "ratings": _("Rate every activity of the plan; missing: %(list)s")
                % {"list": ", ".join(a.number for a in missing)}
            }
        )
    evaluation = _validated_save(m.AnnualEvaluation(plan=plan, evaluated_by=origin.actor, **data))
    for row in ratings:
        _validated_save(
            m.ActivityRating(
                evaluation=evaluation,
                activity=_plan_activity(plan, row["activity"]),
                rating=row["rating"],
                comment=row.get("comment", ""),
            )
        )
    plan.status = m.PlanStatus.EVALUATED
    plan.save(update_fields=["status"])
    audit.record(NetworkAction.PLAN_EVALUATED, origin=origin, obj=plan)
    return evaluation


# --- Evaluation of hotline and NGO services ------------------------------------------------------


def _require(user, action: str, obj) -> None:
    if not policy.can(user, action, obj):
        raise PermissionDenied(_("You may not take this step."))


@transaction.atomic
def start_evaluation(
    *, origin: Origin, catalogue, year: int, organisation=None, partner=None
) -> m.ServiceEvaluation:
    """A year's evaluation of a service against the current version of a catalogue; the
    indicators are computed from the platform's records at once. The service is a platform
    organisation, or a partner (an NGO whose staff do not use the platform): a partner with
    a platform organisation is evaluated as that organisation, so its supervisors
    self-assess."""
    require_coordinator(origin.actor)
    if (organisation is None) == (partner is None):
        raise ValidationError(
            {"organisation": _("Choose either a platform organisation or a partner.")}
        )
    if partner is not None and partner.organisation_id:
        organisation = partner.organisation
    elif partner is not None and not (partner.country_id and partner.country.in_region):
        raise ValidationError(
            {"partner": _("Evaluate a partner of one of the region's countries.")}
        )
    if catalogue.published_on is None:
        raise ValidationError({"catalogue": _("Evaluate only against a published version.")})
    current = current_catalogue(catalogue.kind)
    if current.pk != catalogue.pk:
        raise ValidationError(
            {"catalogue": _("Version %(v)d is the current one: evaluate against it.")
             % {"v": current.version}}
        )  # fmt: skip
    service = {"organisation": organisation} if organisation else {"partner": partner}
    if m.ServiceEvaluation.objects.filter(**service, catalogue=catalogue, year=year).exists():
        raise ValidationError({"year": _("This service is already evaluated for that year.")})
    evaluation = _validated_save(
        m.ServiceEvaluation(
            organisation=organisation,
            partner=partner,
            catalogue=catalogue,
            year=year,
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            started_by=origin.actor,
        )
    )
    m.CriterionAssessment.objects.bulk_create(
        m.CriterionAssessment(evaluation=evaluation, criterion=c) for c in catalogue.criteria.all()
    )
    audit.record(
        NetworkAction.EVALUATION_STARTED,
        origin=origin,
        obj=evaluation,
        details={
            "organisation": organisation.pk if organisation else None,
            "partner": partner.pk if partner else None,
            "catalogue": catalogue.pk,
            "year": year,
        },
    )
    compute_evaluation_indicators(evaluation, origin=origin)
    return evaluation


def assessed_by_the_centre(evaluation: m.ServiceEvaluation) -> bool:
    """Whether the centre enters the self-assessment on the service's behalf: the service
    has no supervisor on the platform (a partner only, or an organisation without one)."""
    if evaluation.organisation_id is None:
        return True
    return not evaluation.organisation.members.filter(
        is_active=True, roles__code=RoleCode.SUPERVISOR
    ).exists()


def compute_evaluation_indicators(evaluation, *, origin: Origin) -> list[m.IndicatorValue]:
    """Every registered indicator for the evaluation's period, from the platform's records
    (cases, contacts, trainings, and whatever another app registered); replaces the last
    computation."""
    from . import indicators

    if not (is_coordinator(origin.actor) or policy.can(origin.actor, "self_assess", evaluation)):
        raise PermissionDenied
    # A partner without platform organisation has no records here: nothing is measured.
    measures = (
        indicators.compute_all(
            evaluation.organisation, evaluation.period_start, evaluation.period_end
        )
        if evaluation.organisation_id
        else {}
    )
    with transaction.atomic():
        evaluation.indicator_values.all().delete()
        values = [
            m.IndicatorValue(
                evaluation=evaluation,
                code=code,
                value=None if measure is None else measure.value,
                unit=indicators.provider(code).unit,
                numerator=None if measure is None else measure.numerator,
                denominator=None if measure is None else measure.denominator,
                details={} if measure is None else measure.details,
            )
            for code, measure in measures.items()
        ]
        m.IndicatorValue.objects.bulk_create(values)
        audit.record(
            NetworkAction.INDICATORS_COMPUTED,
            origin=origin,
            obj=evaluation,
            details={"indicators": sorted(measures)},
        )
    return values


def indicator_meets(criterion, value) -> bool | None:
    """Whether an indicator's value meets its criterion's threshold (None: nothing to say)."""
    if criterion.threshold is None or value is None or value.value is None:
        return None
    if criterion.higher_is_better:
        return value.value >= criterion.threshold
    return value.value <= criterion.threshold


@transaction.atomic
def self_assess(evaluation, *, origin: Origin, answers: dict, submit: bool = False):
    """The service's own scores, comments and evidence per criterion; `submit` hands them to
    the centre (every criterion answered)."""
    from .rules import NetworkAct

    _require(origin.actor, NetworkAct.SELF_ASSESS, evaluation)
    if evaluation.stage != m.EvaluationStage.SELF_ASSESSMENT:
        raise ValidationError({"stage": _("The self-assessment is already submitted.")})
    rows = {a.criterion_id: a for a in evaluation.assessments.all()}
    for criterion_id, answer in answers.items():
        row = rows.get(criterion_id)
        if row is None:
            raise ValidationError({"criterion": _("Unknown criterion.")})
        row.self_score = answer.get("score")
        row.self_comment = answer.get("comment", "")
        row.evidence = answer.get("evidence", "")
        _validated_save(row)
    if submit:
        unanswered = [r.criterion.code for r in rows.values() if r.self_score is None]
        if unanswered:
            raise ValidationError(
                {"self_score": _("Score every criterion first: %(codes)s")
                 % {"codes": ", ".join(sorted(unanswered))}}
            )  # fmt: skip
        evaluation.stage = m.EvaluationStage.UNDER_REVIEW
        evaluation.self_assessed_at = timezone.now()
        evaluation.self_assessed_by = origin.actor
        evaluation.save(update_fields=["stage", "self_assessed_at", "self_assessed_by"])
        notices.notify(
            coordinators(),
            lambda: (
                _("%(org)s submitted its self-assessment for %(year)s.")
                % {"org": evaluation.service_name, "year": evaluation.year}
            ),
            f"/network/evaluations/{evaluation.pk}/",
        )
    audit.record(
        NetworkAction.SELF_ASSESSMENT_SUBMITTED if submit else NetworkAction.SELF_ASSESSED,
        origin=origin,
        obj=evaluation,
        details={"criteria": len(answers), "by_the_centre": is_coordinator(origin.actor)},
    )
    return evaluation


@transaction.atomic
def review_evaluation(evaluation, *, origin: Origin, scores: dict):
    """The centre's score and finding per criterion, with the evidence in view."""
    require_coordinator(origin.actor)
    if evaluation.stage != m.EvaluationStage.UNDER_REVIEW:
        raise ValidationError({"stage": _("The evaluation is not under review.")})
    rows = {a.criterion_id: a for a in evaluation.assessments.all()}
    for criterion_id, (score, comment) in scores.items():
        row = rows.get(criterion_id)
        if row is None:
            raise ValidationError({"criterion": _("Unknown criterion.")})
        row.review_score, row.review_comment = score, comment
        _validated_save(row)
    audit.record(
        NetworkAction.EVALUATION_REVIEWED, origin=origin, obj=evaluation,
        details={"criteria": len(scores)},
    )  # fmt: skip
    return evaluation


@transaction.atomic
def add_improvement(evaluation, *, origin: Origin, data: dict) -> m.ImprovementAction:
    require_coordinator(origin.actor)
    action = _validated_save(m.ImprovementAction(evaluation=evaluation, **data))
    audit.record(NetworkAction.IMPROVEMENT_ADDED, origin=origin, obj=evaluation,
                 details={"action": action.pk})  # fmt: skip
    return action


@transaction.atomic
def mark_improvement_done(action: m.ImprovementAction, *, origin: Origin, on=None):
    require_coordinator(origin.actor)
    action.status, action.done_on = m.ActionStatus.DONE, on or timezone.localdate()
    action.save(update_fields=["status", "done_on"])
    audit.record(NetworkAction.IMPROVEMENT_DONE, origin=origin, obj=action.evaluation,
                 details={"action": action.pk})  # fmt: skip
    return action


# The result from the weighted score (the share of the points the criteria can give):
MEETS_FROM = Decimal("80")
CONDITIONS_FROM = Decimal("50")


def evaluation_result(evaluation) -> tuple[Decimal, str]:
    """The weighted score (%) and the resulting status. A criterion of the highest weight
    that is not at least largely met keeps a service from "meets", whatever its score."""
    rows = list(evaluation.assessments.select_related("criterion"))
    total = sum(r.criterion.weight * m.MAX_SCORE for r in rows)
    points = sum(r.criterion.weight * (r.review_score or 0) for r in rows)
    score = (
        (Decimal(points) * 100 / Decimal(total)).quantize(Decimal("0.1")) if total else Decimal(0)
    )
    heaviest = max((r.criterion.weight for r in rows), default=0)
    weak_core = any(r.criterion.weight == heaviest and (r.review_score or 0) < 2 for r in rows)
    if score >= MEETS_FROM and not weak_core:
        return score, m.ServiceStatus.MEETS
    if score >= CONDITIONS_FROM:
        return score, m.ServiceStatus.MEETS_WITH_CONDITIONS
    return score, m.ServiceStatus.DOES_NOT_MEET


@transaction.atomic
def complete_evaluation(evaluation, *, origin: Origin, summary: str):
    """Close the review: score, result (what the public site shows), findings. A service
    that does not fully meet the standards needs an improvement plan with deadlines."""
    require_coordinator(origin.actor)
    if evaluation.stage != m.EvaluationStage.UNDER_REVIEW:
        raise ValidationError({"stage": _("The evaluation is not under review.")})
    unscored = evaluation.assessments.filter(review_score__isnull=True)
    if unscored.exists():
        raise ValidationError(
            {"review_score": _("Score every criterion first: %(codes)s")
             % {"codes": ", ".join(unscored.values_list("criterion__code", flat=True))}}
        )  # fmt: skip
    if not summary.strip():
        raise ValidationError({"summary": _("Write the summary of the findings.")})
    score, result = evaluation_result(evaluation)
    if result != m.ServiceStatus.MEETS and not evaluation.improvements.exists():
        raise ValidationError(
            {"summary": _("Add the improvement plan (actions with deadlines) first.")}
        )
    evaluation.score, evaluation.result, evaluation.summary = score, result, summary
    evaluation.stage = m.EvaluationStage.COMPLETED
    evaluation.reviewed_at, evaluation.reviewed_by = timezone.now(), origin.actor
    evaluation.save()
    supervisors = (
        evaluation.organisation.members.filter(roles__code=RoleCode.SUPERVISOR)
        if evaluation.organisation_id
        else User.objects.none()
    )
    notices.notify(
        supervisors,
        lambda: (
            _("The evaluation of your service for %(year)s is completed.")
            % {"year": evaluation.year}
        ),
        f"/network/evaluations/{evaluation.pk}/",
    )
    audit.record(
        NetworkAction.EVALUATION_COMPLETED,
        origin=origin,
        obj=evaluation,
        details={"score": str(score), "result": result},
    )
    return evaluation


# --- Criteria catalogues: drafts and published versions ---------------------------------------
#
# A catalogue kind (the 116 000 conditions, the hotline minimum standards, CHI's standards) has
# numbered versions. At most one draft is open per kind; the coordinators change its criteria,
# then publish it, and from then on it is frozen. The current version of a kind is its latest
# published one: new evaluations are made against it, and each evaluation keeps the version it
# was made under.


def current_catalogue(kind: str) -> m.CriteriaCatalogue | None:
    return (
        m.CriteriaCatalogue.objects.filter(kind=kind, published_on__isnull=False)
        .order_by("-version")
        .first()
    )


def _require_draft(catalogue: m.CriteriaCatalogue) -> None:
    if catalogue.published_on is not None:
        raise ValidationError(
            {"catalogue": _("A published version is frozen: make a new version to change it.")}
        )


def _lock_kind(kind: str) -> list[m.CriteriaCatalogue]:
    """Every version of a kind, locked: two coordinators cannot open two drafts at once."""
    return list(m.CriteriaCatalogue.objects.select_for_update().filter(kind=kind))


@transaction.atomic
def create_catalogue(*, origin: Origin, kind: str, title: str) -> m.CriteriaCatalogue:
    """The first version of a catalogue the centre enters (the hotline minimum standards,
    say), as a draft without criteria."""
    require_coordinator(origin.actor)
    if kind not in m.CatalogueKind.values:
        raise ValidationError({"kind": _("Unknown kind of catalogue.")})
    if _lock_kind(kind):
        raise ValidationError(
            {"kind": _("This catalogue exists already: make a new version of its current one.")}
        )
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the catalogue a title.")})
    catalogue = _validated_save(m.CriteriaCatalogue(kind=kind, version=1, title=title.strip()))
    audit.record(
        NetworkAction.CATALOGUE_CREATED, origin=origin, obj=catalogue, details={"kind": kind}
    )
    return catalogue


@transaction.atomic
def new_catalogue_version(catalogue, *, origin: Origin, title: str = ""):
    """The next version of a catalogue as a draft, the criteria of `catalogue` (a published
    version) copied to be changed; evaluations made under the old version keep it."""
    require_coordinator(origin.actor)
    versions = _lock_kind(catalogue.kind)
    if catalogue.published_on is None:
        raise ValidationError({"catalogue": _("Make a new version from a published one.")})
    draft = next((v for v in versions if v.published_on is None), None)
    if draft is not None:
        raise ValidationError(
            {"catalogue": _("Version %(v)d is already a draft: publish or discard it first.")
             % {"v": draft.version}}
        )  # fmt: skip
    copy = _validated_save(
        m.CriteriaCatalogue(
            kind=catalogue.kind,
            version=max(v.version for v in versions) + 1,
            title=(title or "").strip() or catalogue.title,
        )
    )
    criteria = list(catalogue.criteria.order_by("pk"))
    for criterion in criteria:
        criterion.pk, criterion.catalogue = None, copy
    m.Criterion.objects.bulk_create(criteria)
    audit.record(
        NetworkAction.CATALOGUE_VERSIONED,
        origin=origin,
        obj=copy,
        details={"from": catalogue.pk, "version": copy.version, "criteria": len(criteria)},
    )
    return copy


CRITERION_FIELDS = (
    "code", "group", "text", "guidance", "weight", "indicator", "threshold", "higher_is_better",
)  # fmt: skip


INDICATOR_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


def _checked_criterion(criterion: m.Criterion) -> None:
    """What the model's own checks do not say by field: the code once per catalogue, the
    indicator's code well formed (it may name one not installed yet), a threshold with it."""
    errors = {}
    code = (criterion.code or "").strip()
    if code and criterion.catalogue.criteria.exclude(pk=criterion.pk).filter(code=code).exists():
        errors["code"] = _("Another criterion of this version has the code %(code)s.") % {
            "code": code
        }
    if criterion.indicator and not INDICATOR_CODE.match(criterion.indicator):
        errors["indicator"] = _("Name an indicator by its code, like calls.answered_share.")
    if criterion.threshold is not None and not criterion.indicator:
        errors["threshold"] = _("A threshold needs an indicator to compare with.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_criterion(criterion: m.Criterion, *, origin: Origin, data: dict) -> m.Criterion:
    """Add a criterion to a draft, or change one of a draft's criteria."""
    require_coordinator(origin.actor)
    unknown = set(data) - set(CRITERION_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Not a field of a criterion.")})
    catalogue = m.CriteriaCatalogue.objects.select_for_update().get(pk=criterion.catalogue_id)
    _require_draft(catalogue)
    created = criterion.pk is None
    changed = _changed_fields(criterion, data)
    for name, value in data.items():
        setattr(criterion, name, value.strip() if isinstance(value, str) else value)
    criterion.catalogue = catalogue
    _checked_criterion(criterion)
    _validated_save(criterion)
    audit.record(
        NetworkAction.CRITERION_SAVED,
        origin=origin,
        obj=catalogue,
        details={"criterion": criterion.pk, "code": criterion.code, "created": created,
                 "fields": changed},
    )  # fmt: skip
    return criterion


@transaction.atomic
def remove_criterion(criterion: m.Criterion, *, origin: Origin) -> None:
    require_coordinator(origin.actor)
    catalogue = m.CriteriaCatalogue.objects.select_for_update().get(pk=criterion.catalogue_id)
    _require_draft(catalogue)
    audit.record(
        NetworkAction.CRITERION_REMOVED,
        origin=origin,
        obj=catalogue,
        details={"criterion": criterion.pk, "code": criterion.code, "text": criterion.text[:200]},
    )
    criterion.delete()


@transaction.atomic
def publish_catalogue(catalogue, *, origin: Origin, on: datetime.date | None = None):
    """Freeze a draft: it becomes the current version of its kind (new evaluations use it;
    those made under an older version keep theirs)."""
    require_coordinator(origin.actor)
    versions = _lock_kind(catalogue.kind)
    catalogue = next(v for v in versions if v.pk == catalogue.pk)
    _require_draft(catalogue)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"published_on": _("A version cannot be published in the future.")})
    current = max(
        (v for v in versions if v.published_on is not None), key=lambda v: v.version, default=None
    )
    if current is not None and on < current.published_on:
        raise ValidationError(
            {"published_on": _("Version %(v)d was published on %(date)s: publish this one later.")
             % {"v": current.version, "date": current.published_on.isoformat()}}
        )  # fmt: skip
    if not catalogue.criteria.exists():
        raise ValidationError({"criteria": _("Add at least one criterion before publishing.")})
    catalogue.published_on = on
    catalogue.save(update_fields=["published_on"])
    audit.record(
        NetworkAction.CATALOGUE_PUBLISHED,
        origin=origin,
        obj=catalogue,
        details={
            "version": catalogue.version,
            "on": on.isoformat(),
            "supersedes": current.pk if current else None,
            "criteria": catalogue.criteria.count(),
        },
    )
    return catalogue


@transaction.atomic
def discard_catalogue_draft(catalogue, *, origin: Origin, reason: str) -> None:
    """Drop a draft never published (the audit trail keeps that it existed and why)."""
    require_coordinator(origin.actor)
    _require_draft(catalogue)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the draft is discarded.")})
    audit.record(
        NetworkAction.CATALOGUE_DISCARDED,
        origin=origin,
        obj=catalogue,
        reason=reason,
        details={"version": catalogue.version, "criteria": catalogue.criteria.count()},
    )
    catalogue.delete()


def year_on_year(service, kind: str) -> list[m.ServiceEvaluation]:
    """A service's (an organisation's, or a partner's without one) completed evaluations of
    one kind of catalogue, oldest first."""
    field = "partner" if isinstance(service, m.Partner) else "organisation"
    return list(
        m.ServiceEvaluation.objects.filter(
            **{field: service}, catalogue__kind=kind, stage=m.EvaluationStage.COMPLETED
        ).select_related("catalogue").order_by("year")
    )  # fmt: skip


# --- Activities: participants, certificates, info-desks -----------------------------------------


def read_participants(activity: m.Activity, *, origin: Origin):
    """A training's participants (personal data): the regional centre's alone, each read of
    the list audited."""
    rows = policy.visible_to(origin.actor, m.Participant).filter(activity=activity)
    if not is_coordinator(origin.actor):
        return rows.none()
    # A read: staged, not chained in the request (no wait on the chain's lock).
    audit.record_read(NetworkAction.PARTICIPANTS_READ, origin=origin, obj=activity)
    return rows.select_related("country")


@transaction.atomic
def import_participants(activity: m.Activity, *, origin: Origin, upload) -> int:
    """Participants from a CSV or XLSX file: every row checked first; one problem refuses the
    whole file, every problem named by row and column."""
    from .participants import parse_participants

    require_coordinator(origin.actor)
    rows, errors = parse_participants(upload)
    if errors:
        raise ValidationError({"file": errors})
    created = m.Participant.objects.bulk_create(
        m.Participant(activity=activity, **row) for row in rows
    )
    audit.record(
        NetworkAction.PARTICIPANTS_IMPORTED,
        origin=origin,
        obj=activity,
        details={"rows": len(created), "file": getattr(upload, "name", "")[:100]},
    )
    return len(created)


@transaction.atomic
def issue_certificates(activity: m.Activity, *, origin: Origin) -> list[m.Participant]:
    """A numbered certificate for every participant who completed the training and has none
    yet; numbers are never reused (SEEC-<year>-<activity>-<n>)."""
    require_coordinator(origin.actor)
    if activity.kind not in (m.ActivityKind.TRAINING, m.ActivityKind.STUDY_VISIT):
        raise ValidationError({"kind": _("Certificates are for trainings and study visits.")})
    if activity.ends_on > timezone.localdate():
        raise ValidationError({"ends_on": _("Certificates are issued once the training ends.")})
    participants = list(
        m.Participant.objects.select_for_update()
        .filter(activity=activity, completed=True, certificate_number="")
        .order_by("name", "pk")
    )
    issued = m.Participant.objects.filter(activity=activity).exclude(certificate_number="").count()
    now = timezone.now()
    for n, participant in enumerate(participants, start=issued + 1):
        participant.certificate_number = f"SEEC-{activity.ends_on.year}-{activity.pk:04d}-{n:03d}"
        participant.certificate_issued_at = now
        participant.save(update_fields=["certificate_number", "certificate_issued_at"])
    audit.record(
        NetworkAction.CERTIFICATES_ISSUED,
        origin=origin,
        obj=activity,
        details={"issued": len(participants)},
    )
    return participants


@transaction.atomic
def log_desk_contacts(desk: m.InfoDesk, *, origin: Origin, data: dict) -> m.InfoDeskContacts:
    """A day's count of one kind of contact at an info-desk: its host's staff log it (or a
    coordinator); a count, never who came. A second entry for the same day and kind adds."""
    from .rules import NetworkAct

    _require(origin.actor, NetworkAct.LOG_CONTACTS, desk)
    if data["day"] > timezone.localdate():
        raise ValidationError({"day": _("The day is in the future.")})
    if data["day"] < desk.opens_on or (desk.closes_on and data["day"] > desk.closes_on):
        raise ValidationError({"day": _("The desk was not open on that day.")})
    entry, created = m.InfoDeskContacts.objects.select_for_update().get_or_create(
        desk=desk,
        day=data["day"],
        kind=data["kind"],
        defaults={"count": data["count"], "logged_by": origin.actor},
    )
    if not created:
        entry.count += data["count"]
        entry.save(update_fields=["count"])
    audit.record(NetworkAction.DESK_CONTACTS_LOGGED, origin=origin, obj=desk, details=data | {
        "day": data["day"].isoformat()})  # fmt: skip
    return entry
