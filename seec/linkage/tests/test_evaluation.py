"""The model scored against what people decided: a confirmed pair it still finds, a rejected
one it would no longer show, and the command that prints it."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.linkage import evaluation, model, services
from seec.linkage.models import CandidatePair, LinkageRun, PairStatus


def _pair(one, other, run) -> CandidatePair:
    left, right = sorted((one, other), key=lambda c: c.pk)
    return CandidatePair.objects.create(
        left=left, right=right, run=run, probability=0.9, weight=5.0, cross_border=True
    )


def test_decisions_score_the_model_and_the_command_prints_it(region):
    gr_manager = region.users[RoleCode.CASE_MANAGER]

    def case(origin, given, family, born):
        return case_services.open_case(
            origin=Origin(origin),
            fields=case_fields(given_names=given, family_name=family, date_of_birth=born),
        )

    serbian = case(region.foreign_manager, "Јована", "Петровић", date(2012, 3, 7))
    greek = case(region.users[RoleCode.HOTLINE_OPERATOR], "Γιοβάνα", "Πέτροβιτς", date(2012, 7, 3))
    # Her sister, whom a reviewer once rejected as the same child.
    sister = case(region.users[RoleCode.HOTLINE_OPERATOR], "Μαρίνα", "Πέτροβιτς", date(2014, 5, 2))
    run = LinkageRun.objects.create(kind="across", countries="GR,RS", started_by=gr_manager)
    same, different = _pair(serbian, greek, run), _pair(serbian, sister, run)
    services.decide(same, origin=Origin(gr_manager), status=PairStatus.CONFIRMED)
    services.decide(different, origin=Origin(gr_manager), status=PairStatus.REJECTED, note="Sister")

    result = evaluation.on_decisions(threshold=0.5)
    assert (result.confirmed, result.rejected) == (1, 1)
    assert result.confirmed_kept == 1 and result.rejected_kept == 0
    assert result.precision == 1.0 and result.confirmed_kept_share == 1.0
    top = next(band for band in result.bands if band.low == 0.99)
    low = next(band for band in result.bands if band.low == 0.0)
    assert (top.pairs, top.confirmed, low.pairs, low.confirmed) == (1, 1, 1, 0)

    out = StringIO()
    call_command("evaluate_linkage", stdout=out)
    assert "1 same child, 1 different" in out.getvalue()
    assert "precision 1.000" in out.getvalue()
    assert "expected calibration error" in out.getvalue()

    # A run scored before the comparisons changed: its stored model is refused by name.
    older = model.reference_parameters("link_only")
    older["comparisons"][0]["comparison_levels"] = older["comparisons"][0]["comparison_levels"][:3]
    run.model = older
    run.save(update_fields=["model"])
    with pytest.raises(CommandError, match="cannot be scored by this version"):
        call_command("evaluate_linkage", run=run.pk, stdout=StringIO())


def test_calibration_over_ten_bins_and_when_a_centre_has_drifted():
    from seec.linkage.evaluation import DRIFT_MIN_DECISIONS, calibration

    calibrated = calibration([(0.95, True)] * 19 + [(0.95, False)] + [(0.05, False)] * 20)
    # Bin 0.9-1.0 exactly right; bin 0.0-0.1 predicts 1 match of 20 where there are none.
    assert round(calibrated.expected_calibration_error, 3) == 0.025
    assert calibrated.bins[9].pairs == 20 and calibrated.bins[9].share_confirmed == 0.95
    assert not calibrated.drifted
    # Pairs shown at 0.95 that reviewers reject half the time: the records have drifted.
    drifted = calibration([(0.95, True), (0.95, False)] * DRIFT_MIN_DECISIONS)
    assert round(drifted.expected_calibration_error, 2) == 0.45 and drifted.drifted
    assert calibration([]).expected_calibration_error is None
