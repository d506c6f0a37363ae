"""A linkage run over the platform's cases: its progress, its pairs, and a rerun that leaves
decided pairs alone."""

from datetime import date

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.linkage import services
from seec.linkage.models import CandidatePair, LinkageRun, PairStatus, RunStatus


def test_a_run_across_two_countries_finds_the_child_written_in_two_scripts(region):
    gr_manager = region.users[RoleCode.CASE_MANAGER]
    serbian = case_services.open_case(
        origin=Origin(region.foreign_manager),
        fields=case_fields(
            given_names="Јована", family_name="Петровић", date_of_birth=date(2012, 3, 7)
        ),
    )
    greek = case_services.open_case(
        origin=Origin(region.users[RoleCode.HOTLINE_OPERATOR]),
        fields=case_fields(
            given_names="Γιοβάνα", family_name="Πέτροβιτς", date_of_birth=date(2012, 7, 3)
        ),
    )
    stages = []
    run = services.start_run(
        origin=Origin(gr_manager), kind="across", countries=["GR", "RS"], enqueue=False
    )
    run = services.execute_run(run, progress=lambda per_cent, stage: stages.append(per_cent))
    assert run.status == RunStatus.DONE and stages == sorted(stages) and run.progress == 100
    assert run.records == 2 and run.model["link_type"] == "link_only"
    pair = CandidatePair.objects.get()
    assert {pair.left, pair.right} == {serbian, greek} and pair.cross_border
    assert pair.probability > 0.9

    # Decided, the pair is not put back in the queue by the next run.
    services.decide(pair, origin=Origin(gr_manager), status=PairStatus.REJECTED, note="Twins")
    again = services.execute_run(
        services.start_run(
            origin=Origin(gr_manager), kind="across", countries=["GR", "RS"], enqueue=False
        )
    )
    assert again.pairs_found == 0
    assert CandidatePair.objects.get().status == PairStatus.REJECTED
    assert LinkageRun.objects.count() == 2
