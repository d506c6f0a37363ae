"""`manage.py evaluate_linkage`: the model scored against the review queue's decisions, the
reference model or a run's (`--run ID`), before it replaces the one in use."""

from django.core.management.base import BaseCommand, CommandError

from seec.linkage import evaluation, model
from seec.linkage.models import LinkageRun


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = "Score a linkage model against the confirmed and rejected pairs of the review queue."

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, help="the model a run stored (default: reference)")
        parser.add_argument("--threshold", type=float, default=0.5)

    def handle(self, *args, run=None, threshold=0.5, **options):
        if not 0 < threshold < 1:
            raise CommandError("--threshold is a match probability between 0 and 1.")
        parameters = None
        if run is not None:
            stored = LinkageRun.objects.filter(pk=run).values_list("model", flat=True).first()
            if not stored:
                raise CommandError(f"Run {run} does not exist or stored no model.")
            try:
                # A run scored before the comparisons changed stored a model this code
                # cannot read: say so, and that the reference can be evaluated instead.
                model.in_dialect(stored, "duckdb")
            except ValueError as error:
                raise CommandError(
                    f"Run {run}'s model cannot be scored by this version: {error} "
                    "Evaluate the reference model (no --run) instead."
                ) from error
            parameters = stored
        result = evaluation.on_decisions(parameters=parameters, threshold=threshold)
        if not result.confirmed + result.rejected:
            self.stdout.write("No confirmed or rejected pairs of two cases yet.")
            return
        self.stdout.write(
            f"Decided pairs: {result.confirmed} same child, {result.rejected} different.\n"
            f"At {threshold}: precision {_share(result.precision)}; "
            f"confirmed pairs still found {_share(result.confirmed_kept_share)}."
        )
        self.stdout.write(f"{'probability':<14}{'pairs':>7}{'mean':>8}{'confirmed':>11}")
        for band in result.bands:
            self.stdout.write(
                f"{band.low:.2f}–{band.high:.2f}    {band.pairs:>7}"
                f"{_share(band.mean_probability):>8}{_share(band.share_confirmed):>11}"
            )
        calibration = result.calibration
        self.stdout.write(
            "Calibration against the decisions (ten bins): expected calibration error "
            f"{_share(calibration.expected_calibration_error)}."
        )
        self.stdout.write(f"{'probability':<14}{'pairs':>7}{'mean':>8}{'confirmed':>11}")
        for band in calibration.bins:
            self.stdout.write(
                f"{band.low:.1f}–{band.high:.1f}      {band.pairs:>7}"
                f"{_share(band.mean_probability):>8}{_share(band.share_confirmed):>11}"
            )
        if calibration.drifted:
            self.stdout.write(
                self.style.WARNING(
                    f"The model's probabilities differ from the reviewers' decisions by more "
                    f"than {evaluation.DRIFT_ECE}: this centre's records have drifted from the "
                    "model; a run learns from its own records, but review the bins above."
                )
            )
