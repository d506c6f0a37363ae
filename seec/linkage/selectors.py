"""Reads of linkage runs and pairs, and of matching agreements, through the access policy."""

from dataclasses import dataclass, field
from datetime import date

from seec.cases.models import Case
from seec.core import policy
from seec.core.models import AuditEvent

from . import agreement_keys
from .models import (
    CandidatePair,
    EncodedExchange,
    LinkageRun,
    MatchingAgreement,
    PairStatus,
    PrivateMatch,
)


def runs_for(user):
    return policy.visible_to(user, LinkageRun).select_related("started_by")


def review_queue(user):
    """Pairs to decide, the likeliest first."""
    return (
        policy.visible_to(user, CandidatePair)
        .filter(status__in=[PairStatus.PENDING, PairStatus.UNSURE])
        .select_related("left__country", "right__country")
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


def side_by_side(user, pair: CandidatePair) -> list[dict]:
    """What the reviewer compares: each side's compared fields, and whether the reviewer may
    open the case itself (their own, or shared with them)."""
    visible = set(
        policy.visible_to(user, Case)
        .filter(pk__in=[pair.left_id, pair.right_id])
        .values_list("pk", flat=True)
    )
    sides = []
    for case in (pair.left, pair.right):
        rows = []
        for name in COMPARED:
            field = case._meta.get_field(name)
            value = getattr(case, f"get_{name}_display")() if field.choices else getattr(case, name)
            rows.append((field.verbose_name, value if value not in (None, "") else "—"))
        sides.append({"case": case, "may_open": case.pk in visible, "rows": rows})
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
