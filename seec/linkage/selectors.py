"""Reads of linkage runs, pairs and partners' lists, through the access policy."""

from django.utils.translation import gettext as _

from seec.cases.models import Case
from seec.core import audit, policy
from seec.core.audit import Origin

from .models import CandidatePair, LinkageRun, PairStatus, PartnerList, PartnerRecord


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

    audit.record(LinkageAction.LIST_VIEWED, origin=origin, obj=partner_list)
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
