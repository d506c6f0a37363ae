"""Reads of linkage runs and pairs, through the access policy."""

from seec.cases.models import Case
from seec.core import policy

from .models import CandidatePair, LinkageRun, PairStatus


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
