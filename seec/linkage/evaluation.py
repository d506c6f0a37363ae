"""How well a model agrees with what people decided in the review queue.

Every confirmed or rejected pair of two cases is scored again by a model (the reference, or
the one a run stored) over the cases those decisions involve. Only pairs someone looked at
are in it, so it says how often the model's likely pairs are the same child (precision) and
whether its probabilities mean what they say (each band's share confirmed), not how many
children it never shows (recall needs labelled data: bench/linkage_quality). A confirmed pair
the model no longer compares or scores below the threshold is counted as lost.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import model
from .models import CandidatePair, PairStatus
from .records import linkage_rows
from .services import person_record

BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.0))
# Calibration: ten equal bins of probability, as bench/linkage_quality measures it.
CALIBRATION_BINS = 10
# Past this expected calibration error, over at least DRIFT_MIN_DECISIONS decided pairs, a
# centre's own records have drifted from what the model's probabilities were made for
# (issue 14's goal for the model on records it was not built from is 0.05).
DRIFT_ECE = 0.05
DRIFT_MIN_DECISIONS = 30


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
class Calibration:
    """Predicted probability against reviewers' decisions: per bin the decided pairs, their
    mean probability and the share confirmed; the expected calibration error (each bin's
    |mean probability - share confirmed|, weighted by its pairs)."""

    bins: list[Band] = field(
        default_factory=lambda: [
            Band(i / CALIBRATION_BINS, (i + 1) / CALIBRATION_BINS) for i in range(CALIBRATION_BINS)
        ]
    )

    def add(self, probability: float, confirmed: bool) -> None:
        index = min(max(int(probability * CALIBRATION_BINS), 0), CALIBRATION_BINS - 1)
        band = self.bins[index]
        band.pairs += 1
        band.confirmed += confirmed
        band.probability_sum += probability

    @property
    def decisions(self) -> int:
        return sum(band.pairs for band in self.bins)

    @property
    def expected_calibration_error(self) -> float | None:
        if not self.decisions:
            return None
        gaps = sum(abs(band.probability_sum - band.confirmed) for band in self.bins)
        return gaps / self.decisions

    @property
    def drifted(self) -> bool:
        """Enough decisions, and probabilities that no longer mean what they say."""
        ece = self.expected_calibration_error
        return self.decisions >= DRIFT_MIN_DECISIONS and ece is not None and ece > DRIFT_ECE


def calibration(decided: Iterable[tuple[float, bool]]) -> Calibration:
    """The calibration of (probability, confirmed) pairs."""
    found = Calibration()
    for probability, confirmed in decided:
        found.add(float(probability), bool(confirmed))
    return found


@dataclass
class Evaluation:
    threshold: float
    confirmed: int = 0
    rejected: int = 0
    confirmed_kept: int = 0  # scored at or above the threshold
    rejected_kept: int = 0
    bands: list[Band] = field(default_factory=lambda: [Band(low, high) for low, high in BANDS])
    calibration: Calibration = field(default_factory=Calibration)

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
        evaluation.calibration.add(p, same)
    return evaluation
