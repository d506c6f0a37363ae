"""How well a model agrees with what people decided in the review queue.

Every confirmed or rejected pair of two cases is scored again by a model (the reference, or
the one a run stored) over the cases those decisions involve. Only pairs someone looked at
are in it, so it says how often the model's likely pairs are the same child (precision) and
whether its probabilities mean what they say (each band's share confirmed), not how many
children it never shows (recall needs labelled data: bench/linkage_quality). A confirmed pair
the model no longer compares or scores below the threshold is counted as lost.
"""

from dataclasses import dataclass, field

from . import model
from .models import CandidatePair, PairStatus
from .records import linkage_rows
from .services import person_record

BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.0))


@dataclass
class Band:
    low: float
    high: float
    pairs: int = 0
    confirmed: int = 0
    probability_sum: float = 0.0

    @property
    def mean_probability(self) -> float | None:
        return self.probability_sum / self.pairs if self.pairs else None

    @property
    def share_confirmed(self) -> float | None:
        return self.confirmed / self.pairs if self.pairs else None


@dataclass
class Evaluation:
    threshold: float
    confirmed: int = 0
    rejected: int = 0
    confirmed_kept: int = 0  # scored at or above the threshold
    rejected_kept: int = 0
    bands: list[Band] = field(default_factory=lambda: [Band(low, high) for low, high in BANDS])

    @property
    def precision(self) -> float | None:
        kept = self.confirmed_kept + self.rejected_kept
        return self.confirmed_kept / kept if kept else None

    @property
    def confirmed_kept_share(self) -> float | None:
        return self.confirmed_kept / self.confirmed if self.confirmed else None


def on_decisions(*, parameters: dict | None = None, threshold: float = 0.5) -> Evaluation:
    """The decided pairs of two cases, scored again by `parameters` (a saved model; by
    default the reference model, as a run uses it)."""
    decided = list(
        CandidatePair.objects.filter(
            status__in=(PairStatus.CONFIRMED, PairStatus.REJECTED), partner_record__isnull=True
        ).select_related("left", "right")
    )
    evaluation = Evaluation(threshold=threshold)
    if not decided:
        return evaluation
    cases = {case.pk: case for pair in decided for case in (pair.left, pair.right)}
    rows = linkage_rows(person_record(case) for case in cases.values())
    scored = model.link([rows], threshold=0.0, parameters=parameters, learn="")
    probability = {
        frozenset((found["left"], found["right"])): found["probability"] for found in scored.pairs
    }
    for pair in decided:
        p = probability.get(frozenset((str(pair.left_id), str(pair.right_id))), 0.0)
        same = pair.status == PairStatus.CONFIRMED
        evaluation.confirmed += same
        evaluation.rejected += not same
        if p >= threshold:
            evaluation.confirmed_kept += same
            evaluation.rejected_kept += not same
        band = next(b for b in reversed(evaluation.bands) if p >= b.low)
        band.pairs += 1
        band.confirmed += same
        band.probability_sum += p
    return evaluation
