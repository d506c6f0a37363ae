"""Every write of statistics: computing figure sets, the submission workflow, publishing.

Each service runs in one transaction and appends its audit event in it; a refused step
changes nothing.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.models import Country

from . import catalogue, compute, spreadsheets, suppression
from .catalogue import Family
from .models import (
    Figure,
    FigureSet,
    Publication,
    PublishedFigure,
    Source,
    Submission,
    SubmissionComment,
    SubmissionStatus,
)
from .periods import Period
from .rules import StatsAct
from .suppression import suppress


class StatsAction:
    COMPUTED = "stats.computed"
    SUBMISSION_STARTED = "stats.submission_started"
    UPLOADED = "stats.uploaded"
    SUBMITTED = "stats.submitted"
    RETURNED = "stats.returned"
    VALIDATED = "stats.validated"
    PUBLISHED = "stats.published"
    COMMENTED = "stats.commented"


ACTION_LABELS = {
    StatsAction.COMPUTED: gettext_lazy("Statistics computed"),
    StatsAction.SUBMISSION_STARTED: gettext_lazy("Statistics submission started"),
    StatsAction.UPLOADED: gettext_lazy("Statistics template uploaded"),
    StatsAction.SUBMITTED: gettext_lazy("Statistics submitted"),
    StatsAction.RETURNED: gettext_lazy("Statistics returned for correction"),
    StatsAction.VALIDATED: gettext_lazy("Statistics validated"),
    StatsAction.PUBLISHED: gettext_lazy("Statistics published"),
    StatsAction.COMMENTED: gettext_lazy("Comment on statistics"),
}


def threshold() -> int:
    return suppression.threshold()


class UploadRefused(ValidationError):
    """A template with problems: every one of them, by sheet, row and column."""

    def __init__(self, problems: list[spreadsheets.Problem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


def _store_set(country, family, period: Period, source, values, inputs, previous=None) -> FigureSet:
    figure_set = FigureSet.objects.create(
        country_id=country,
        family=family,
        period=period.code,
        period_type=period.type,
        source=source,
        inputs=inputs,
        fingerprint=compute.fingerprint(family, period.code, inputs, values),
        previous=previous,
    )
    Figure.objects.bulk_create(
        [
            Figure(figure_set=figure_set, indicator_id=ind, breakdown=bd, key=key, value=value)
            for (ind, bd, key), value in values.items()
        ],
        batch_size=2000,
    )
    return figure_set


def compute_figures(
    countries: list[str],
    periods: list[Period],
    *,
    origin: Origin | None = None,
    family: str = Family.MISSING,
) -> list[FigureSet]:
    """The platform's figures of a family (missing children by default; child trafficking from
    the protection records) for these countries and periods, stored.

    A set whose fingerprint equals the latest one for its country and period is that one
    (nothing is added: the rerun gave the same figures from the same data); otherwise a new
    set is stored that points to the one it replaces (see `explain_change`)."""
    # The trafficking indicators are annual (as Eurostat collects them).
    wrong = [p.code for p in periods if family == Family.TRAFFICKING and p.type != "year"]
    if wrong:
        raise ValidationError(
            {"period": _("These figures are counted by year only, not for %(periods)s.")
             % {"periods": ", ".join(wrong)}}
        )  # fmt: skip
    computed = compute.compute_family(family, countries, periods)
    by_code = {p.code: p for p in periods}
    latest = {}
    for figure_set in FigureSet.objects.filter(
        country_id__in=countries,
        family=family,
        source=Source.PLATFORM,
        period__in=list(by_code),
    ).order_by("created_at", "pk"):
        latest[(figure_set.country_id, figure_set.period)] = figure_set
    sets, added = [], 0
    with transaction.atomic():
        for (country, code), result in computed.items():
            previous = latest.get((country, code))
            fp = compute.fingerprint(family, code, result["inputs"], result["values"])
            if previous is not None and previous.fingerprint == fp:
                sets.append(previous)
                continue
            sets.append(
                _store_set(
                    country,
                    family,
                    by_code[code],
                    Source.PLATFORM,
                    result["values"],
                    result["inputs"],
                    previous,
                )
            )
            added += 1
        audit.record(
            StatsAction.COMPUTED,
            origin=origin,
            details={
                "countries": sorted(countries),
                "periods": sorted(by_code),
                "family": family,
                "sets_added": added,
                "definitions": catalogue.DEFINITIONS_VERSION,
            },
            actor_username="" if origin and origin.actor else "system",
        )
    return sets


def explain_change(figure_set: FigureSet) -> dict:
    """What changed against the set it replaced: the figures that moved, and the count of
    cases of the country changed since (which cases, the case selectors show to those who
    may see them)."""
    if figure_set.previous_id is None:
        return {"figures": [], "cases_changed": 0, "inputs": {}}
    before, after = figure_set.previous.values(), figure_set.values()
    moved = [
        {"cell": cell, "before": before.get(cell), "after": after.get(cell)}
        for cell in sorted(set(before) | set(after))
        if before.get(cell) != after.get(cell)
    ]
    inputs = {
        key: (figure_set.previous.inputs.get(key), figure_set.inputs.get(key))
        for key in sorted(set(figure_set.inputs) | set(figure_set.previous.inputs))
        if figure_set.inputs.get(key) != figure_set.previous.inputs.get(key)
    }
    from seec.cases.models import Case

    changed = Case.objects.filter(
        country_id=figure_set.country_id, updated_at__gt=figure_set.previous.created_at
    ).count()
    return {"figures": moved, "cases_changed": changed, "inputs": inputs}


def changed_case_ids(figure_set: FigureSet):
    """The cases of the country changed since the set this one replaced (a subquery; the
    case selectors narrow it to what a user may see)."""
    from seec.cases.models import Case

    if figure_set.previous_id is None:
        return Case.objects.none().values("pk")
    return Case.objects.filter(
        country_id=figure_set.country_id, updated_at__gt=figure_set.previous.created_at
    ).values("pk")


# ---------------------------------------------------------------- national submissions


def _require(user, action: str, submission: Submission) -> None:
    if not policy.can(user, action, submission):
        raise PermissionDenied


def start_submission(*, origin: Origin, country: str, family: str, period: str) -> Submission:
    """A draft submission of `family` figures for `country` and `period` (the next version
    if one was published before)."""
    user = origin.actor
    parsed = _parse_period(period, family)
    if family not in catalogue.FAMILY_LABELS:
        raise ValidationError({"family": _("Unknown family of indicators.")})
    probe = Submission(country_id=country, family=family, period=parsed.code, created_by=user)
    from .rules import focal_country

    if focal_country(user) != country or not Country.objects.filter(code=country).exists():
        raise PermissionDenied
    with transaction.atomic():
        existing = (
            Submission.objects.select_for_update()
            .filter(country_id=country, family=family, period=parsed.code)
            .order_by("-version")
            .first()
        )
        if existing is not None and existing.status not in (
            SubmissionStatus.PUBLISHED,
            SubmissionStatus.SUPERSEDED,
        ):
            raise ValidationError(
                _("A submission for this period is already under way: continue it.")
            )
        probe.version = existing.version + 1 if existing else 1
        probe.save()
        audit.record(StatsAction.SUBMISSION_STARTED, origin=origin, obj=probe)
    return probe


def _parse_period(code: str, family: str) -> Period:
    from .periods import parse

    period = parse(code)
    allowed = {t for i in catalogue.indicators_of(family) for t in i.period_types}
    if period.type not in allowed:
        raise ValidationError(
            {"period": _("These indicators are not reported by %(type)s.") % {"type": period.type}}
        )
    return period


def year_before_values(submission: Submission) -> dict:
    """The published (or, failing that, the platform's) figures of the same period a year
    before, for the jump check."""
    before = _parse_period(submission.period, submission.family).same_period_a_year_before()
    publication = (
        Publication.objects.filter(
            country_id=submission.country_id,
            family=submission.family,
            period=before.code,
            superseded_by__isnull=True,
        )
        .order_by("-version")
        .first()
    )
    if publication is not None:
        return publication.figure_set.values()
    platform = (
        FigureSet.objects.filter(
            country_id=submission.country_id,
            family=submission.family,
            period=before.code,
            source=Source.PLATFORM,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return platform.values() if platform else {}


def upload_figures(submission: Submission, *, origin: Origin, content: bytes, filename: str):
    """Read a filled template into the draft. Any problem refuses the whole file
    (`UploadRefused` lists them all) and stores nothing."""
    _require(origin.actor, StatsAct.SUBMIT, submission)
    if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        raise ValidationError(_("Only a draft takes a new file."))
    period = _parse_period(submission.period, submission.family)
    values, problems = spreadsheets.read_upload(
        content, family=submission.family, country=submission.country_id, period=period
    )
    if problems:
        raise UploadRefused(problems)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        figure_set = _store_set(
            submission.country_id,
            submission.family,
            period,
            Source.SUBMISSION,
            values,
            {"sha256": digest, "filename": filename[:200], "version": submission.version},
        )
        submission.figure_set = figure_set
        submission.filename, submission.sha256 = filename[:255], digest
        submission.warnings = spreadsheets.jumps(values, year_before_values(submission))
        submission.jumps_confirmed = False
        submission.status = SubmissionStatus.DRAFT
        submission.save()
        audit.record(
            StatsAction.UPLOADED,
            origin=origin,
            obj=submission,
            details={"sha256": digest, "jumps": len(submission.warnings)},
        )
    return submission


def submit(submission: Submission, *, origin: Origin, confirm_jumps: bool = False) -> Submission:
    _require(origin.actor, StatsAct.SUBMIT, submission)
    if submission.status != SubmissionStatus.DRAFT or submission.figure_set_id is None:
        raise ValidationError(_("Upload the filled template before submitting."))
    if submission.warnings and not confirm_jumps:
        raise ValidationError(
            _("Some figures changed by more than half against the year before: confirm them.")
        )
    with transaction.atomic():
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = timezone.now()
        submission.jumps_confirmed = bool(submission.warnings)
        submission.save()
        audit.record(
            StatsAction.SUBMITTED,
            origin=origin,
            obj=submission,
            details={"jumps_confirmed": submission.jumps_confirmed},
        )
    return submission


def return_submission(submission: Submission, *, origin: Origin, reason: str) -> Submission:
    """The regional centre sends a submission back for correction, saying why."""
    _require(origin.actor, StatsAct.DECIDE, submission)
    if submission.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.VALIDATED):
        raise ValidationError(_("Only a submitted or validated submission can be returned."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what needs correcting.")})
    with transaction.atomic():
        submission.status = SubmissionStatus.RETURNED
        submission.save()
        SubmissionComment.objects.create(submission=submission, author=origin.actor, text=reason)
        audit.record(StatsAction.RETURNED, origin=origin, obj=submission, reason=reason)
    return submission


def validate_submission(submission: Submission, *, origin: Origin) -> Submission:
    _require(origin.actor, StatsAct.DECIDE, submission)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted submission can be validated."))
    with transaction.atomic():
        submission.status = SubmissionStatus.VALIDATED
        submission.validated_by, submission.validated_at = origin.actor, timezone.now()
        submission.save()
        audit.record(StatsAction.VALIDATED, origin=origin, obj=submission)
    return submission


def publish_submission(submission: Submission, *, origin: Origin) -> Publication:
    """Publish a validated submission: its figures after disclosure control. An earlier
    publication of the same country, family and period is superseded, not changed."""
    _require(origin.actor, StatsAct.DECIDE, submission)
    if submission.status != SubmissionStatus.VALIDATED:
        raise ValidationError(_("Only a validated submission can be published."))
    with transaction.atomic():
        publication = _publish(submission.figure_set, origin=origin, submission=submission)
        Submission.objects.filter(
            country_id=submission.country_id,
            family=submission.family,
            period=submission.period,
            status=SubmissionStatus.PUBLISHED,
        ).update(status=SubmissionStatus.SUPERSEDED)
        submission.status = SubmissionStatus.PUBLISHED
        submission.published_at = publication.published_at
        submission.save()
    return publication


def publish_computed(figure_set: FigureSet, *, origin: Origin) -> Publication:
    """Publish the platform's figures of a country and period (a regional coordinator's act)."""
    from .rules import is_coordinator

    if not is_coordinator(origin.actor):
        raise PermissionDenied
    if figure_set.source != Source.PLATFORM:
        raise ValidationError(_("Submitted figures are published through their submission."))
    with transaction.atomic():
        return _publish(figure_set, origin=origin)


def _publish(figure_set: FigureSet, *, origin: Origin, submission=None) -> Publication:
    values = figure_set.values()
    limit = threshold()
    withheld = suppress(values, limit)
    current = (
        Publication.objects.select_for_update()
        .filter(
            country_id=figure_set.country_id, family=figure_set.family, period=figure_set.period
        )
        .aggregate(Max("version"))["version__max"]
    )
    publication = Publication.objects.create(
        country_id=figure_set.country_id,
        family=figure_set.family,
        period=figure_set.period,
        period_type=figure_set.period_type,
        version=(current or 0) + 1,
        source=figure_set.source,
        figure_set=figure_set,
        submission=submission,
        threshold=limit,
        published_by=origin.actor,
    )
    PublishedFigure.objects.bulk_create(
        [
            PublishedFigure(
                publication=publication,
                indicator_id=ind,
                breakdown=bd,
                key=key,
                value=None if (ind, bd, key) in withheld else value,
                suppressed=(ind, bd, key) in withheld,
            )
            for (ind, bd, key), value in values.items()
        ],
        batch_size=2000,
    )
    Publication.objects.filter(
        country_id=figure_set.country_id,
        family=figure_set.family,
        period=figure_set.period,
        superseded_by__isnull=True,
    ).exclude(pk=publication.pk).update(superseded_by=publication)
    audit.record(
        StatsAction.PUBLISHED,
        origin=origin,
        obj=publication,
        details={"version": publication.version, "suppressed": len(withheld), "threshold": limit},
    )
    return publication


def add_comment(submission: Submission, *, origin: Origin, text: str) -> SubmissionComment:
    """A remark on a submission, by its country's focal point or a regional coordinator."""
    user = origin.actor
    if not (
        policy.can(user, StatsAct.SUBMIT, submission)
        or policy.can(user, StatsAct.DECIDE, submission)
    ):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    with transaction.atomic():
        comment = SubmissionComment.objects.create(
            submission=submission, author=user, text=text.strip()
        )
        audit.record(StatsAction.COMMENTED, origin=origin, obj=submission)
    return comment
