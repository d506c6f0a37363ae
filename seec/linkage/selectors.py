"""Reads of linkage runs, pairs and partners' lists, and of matching agreements, through the
access policy."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from seec.cases.models import Case
from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.models import AuditEvent

from . import agreement_keys
from .models import (
    CandidatePair,
    EncodedExchange,
    LinkageRun,
    MatchingAgreement,
    PairStatus,
    PartnerList,
    PartnerRecord,
    PrivateMatch,
)


def runs_for(user):
    return policy.visible_to(user, LinkageRun).select_related("started_by")


def review_queue(user):
    """Pairs to decide, the likeliest first."""
    return (
        policy.visible_to(user, CandidatePair)
        .filter(status__in=[PairStatus.PENDING, PairStatus.UNSURE])
        .select_related("left__country", "right__country", "partner_record__partner_list")
        .order_by("-probability", "pk")
    )


def decision_calibration(user):
    """How the probabilities shown in the review queue compare with what reviewers decided,
    over the decided pairs the user may see (evaluation.Calibration): the share confirmed
    per bin of probability, and the expected calibration error."""
    from .evaluation import calibration

    decided = (
        policy.visible_to(user, CandidatePair)
        .filter(status__in=[PairStatus.CONFIRMED, PairStatus.REJECTED])
        .values_list("probability", "status")
    )
    return calibration(
        (probability, status == PairStatus.CONFIRMED) for probability, status in decided.iterator()
    )


def partner_lists_for(user):
    """The partners' lists of the user's organisation, the newest first."""
    return policy.visible_to(user, PartnerList).select_related("uploaded_by", "country")


def partner_list_for_reading(user, pk, *, origin: Origin) -> PartnerList:
    """One list of the user's organisation, its reading written to the audit trail (404 for
    anyone else's)."""
    partner_list = policy.get_visible_or_404(
        user, PartnerList.objects.select_related("uploaded_by", "country", "organisation"), pk=pk
    )
    from .services import LinkageAction

    audit.record_read(LinkageAction.LIST_VIEWED, origin=origin, obj=partner_list)
    return partner_list


def records_of(user, partner_list: PartnerList):
    return (
        policy.visible_to(user, PartnerRecord)
        .filter(partner_list=partner_list)
        .select_related("nationality")
    )


def pairs_of_list(user, partner_list: PartnerList):
    """The pairs found between the list's rows and cases, the likeliest first."""
    return (
        policy.visible_to(user, CandidatePair)
        .filter(partner_record__partner_list=partner_list)
        .select_related("left__country", "partner_record")
        .order_by("-probability", "pk")
    )


COMPARED = [
    "given_names",
    "family_name",
    "names_latin",
    "other_names",
    "date_of_birth",
    "age_estimate",
    "sex",
    "nationality",
    "last_seen_place",
    "last_seen_at",
    "country",
    "number",
]


# A partner's row, as the pair page shows it beside the case.
RECORD_SHOWN = [
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "dob_estimated",
    "age_estimate",
    "sex",
    "nationality",
    "place",
    "event_date",
    "document_number",
    "partner_reference",
    "row_number",
]


def _rows(obj, names: list[str]) -> list[tuple]:
    rows = []
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, f"get_{name}_display")() if field.choices else getattr(obj, name)
        if isinstance(value, bool):
            value = _yes_no(value)
        rows.append((field.verbose_name, value if value not in (None, "") else "—"))
    return rows


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def side_by_side(user, pair: CandidatePair) -> list[dict]:
    """What the reviewer compares: each side's compared fields, and whether the reviewer may
    open the case itself (their own, or shared with them) or the partner's list."""
    visible = set(
        policy.visible_to(user, Case)
        .filter(pk__in=[pk for pk in (pair.left_id, pair.right_id) if pk])
        .values_list("pk", flat=True)
    )
    sides = []
    for case in (pair.left, pair.right):
        if case is None:
            continue
        rows = _rows(case, COMPARED)
        sides.append({"case": case, "may_open": case.pk in visible, "rows": rows})
    if pair.partner_record_id:
        record = pair.partner_record
        sides.append(
            {
                "record": record,
                "partner_list": record.partner_list,
                "may_open": policy.can(user, policy.Act.VIEW, record.partner_list),
                "rows": _rows(record, RECORD_SHOWN),
            }
        )
    return sides


# --- Privacy-preserving matching -----------------------------------------------------------


def agreements_for(user):
    return policy.visible_to(user, MatchingAgreement).select_related(
        "partner_country", "partner_organisation", "created_by"
    )


def exchanges_of(user, agreement: MatchingAgreement):
    return (
        policy.visible_to(user, EncodedExchange)
        .filter(agreement=agreement)
        .select_related("compared_by")
    )


def files_encoded(agreement: MatchingAgreement):
    """Our files encoded under the agreement, as the audit trail recorded them (who, when,
    how many records): the files themselves are not kept."""
    from .services import LinkageAction

    return AuditEvent.objects.filter(
        action=LinkageAction.PRIVATE_ENCODE,
        object_type=MatchingAgreement._meta.label_lower,
        object_id=str(agreement.pk),
    ).order_by("-sequence")


def matches_to_review(user, exchange: EncodedExchange):
    """The candidates of a comparison, the likeliest first, with our case beside each."""
    return (
        policy.visible_to(user, PrivateMatch)
        .filter(exchange=exchange)
        .select_related("case", "decided_by")
        .order_by("-score", "pk")
    )


@dataclass(frozen=True)
class CaseSelection:
    """Which of our open cases go into an encoding: all of them, or those of a country, of
    some categories, opened since a day."""

    country: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)
    opened_since: date | None = None

    def describe(self) -> dict:
        """As plain data, for the audit trail and the comparison's record: never a name."""
        return {
            "country": self.country,
            "categories": sorted(self.categories),
            "opened_since": self.opened_since.isoformat() if self.opened_since else "",
        }


ENCODED_FIELDS = [
    "pk", "given_names", "family_name", "sex", "date_of_birth", "age_estimate", "last_seen_at",
]  # fmt: skip


def cases_to_encode(user, agreement: MatchingAgreement, selection: CaseSelection):
    """The agreement's organisation's own open cases that the selection names; never a case
    another organisation shared with us (it is not ours to compare with a third party)."""
    cases = policy.visible_to(user, Case).filter(organisation_id=agreement.organisation_id).open()
    if selection.country:
        cases = cases.filter(country_id=selection.country)
    if selection.categories:
        cases = cases.filter(category__in=selection.categories)
    if selection.opened_since:
        cases = cases.filter(opened_at__date__gte=selection.opened_since)
    return cases.only(*ENCODED_FIELDS).order_by("pk")


def case_for_record_id(user, agreement: MatchingAgreement, record_id: str) -> Case | None:
    """Our case behind an id in one of our files under the agreement (the partner quotes it
    in a referral), if it is one of ours that the user may see."""
    record_id = record_id.strip().lower()
    if not record_id:
        return None
    cases = policy.visible_to(user, Case).filter(organisation_id=agreement.organisation_id)
    for pk in cases.values_list("pk", flat=True).iterator(chunk_size=5000):
        if agreement_keys.record_id(agreement.record_id_secret, pk) == record_id:
            return cases.get(pk=pk)
    return None
