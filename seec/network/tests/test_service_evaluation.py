"""An NGO's evaluation whose indicators come from its contact and case records: computed,
self-assessed, reviewed, an improvement plan, completed; the public directory shows it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from seec.cases import services as case_services
from seec.cases.models import Case, Contact
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import Notification, RoleCode
from seec.network import indicators, profiles, services
from seec.network import models as m

YEAR = timezone.localdate().year - 1
ZONE = timezone.get_current_timezone()


def at(month, day, hour):
    return datetime.datetime(YEAR, month, day, hour, 15, tzinfo=ZONE)


@pytest.fixture
def records(region):
    """The Greek hotline's year: 6 contacts in 4 distinct hours of the week; 4 cases, of
    which 2 were passed to the police within the hour, 1 late and 1 never; 1 cross-border."""
    operator = Origin(region.users[RoleCode.HOTLINE_OPERATOR])
    for when in (at(1, 5, 9), at(1, 12, 9), at(2, 3, 22), at(3, 4, 3), at(3, 4, 3), at(6, 1, 14)):
        contact = case_services.record_contact(
            origin=operator, data={"channel": "call", "subject": "advice"}
        )
        Contact.objects.filter(pk=contact.pk).update(started_at=when)
    cases = [
        case_services.open_case(origin=operator, fields=case_fields(given_names=name))
        for name in ("Ана", "Мира", "Лена", "Вера")
    ]
    opened = at(4, 10, 12)
    police = [
        opened + datetime.timedelta(minutes=20),
        opened,
        opened + datetime.timedelta(hours=5),
        None,
    ]
    for case, notified in zip(cases, police, strict=True):
        Case.objects.filter(pk=case.pk).update(opened_at=opened, police_notified_at=notified)
    Case.objects.filter(pk=cases[0].pk).update(may_cross_border=True)
    # Another organisation's records never count.
    rs = Origin(region.foreign_manager)
    foreign = case_services.record_contact(origin=rs, data={"channel": "call", "subject": "advice"})
    Contact.objects.filter(pk=foreign.pk).update(started_at=at(5, 5, 5))


@pytest.fixture
def catalogue(db):
    return m.CriteriaCatalogue.objects.get(kind="decision_116000", version=1)


def test_indicators_come_from_the_contact_and_case_records(region, records):
    measures = indicators.compute_all(
        region.gr_hotline, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    )
    assert measures["contacts.recorded"].value == 6
    covered = measures["contacts.hours_covered"]
    assert (covered.numerator, covered.denominator) == (4, 168)
    assert (
        covered.details["contacts_by_hour"][9] == 2 and covered.details["contacts_by_hour"][3] == 2
    )
    police = measures["cases.police_in_time"]
    assert (police.numerator, police.denominator) == (2, 4)
    assert police.details["not_notified"] == 1
    assert measures["cases.cross_border"].value == 1
    assert measures["staff.trained"].value == 0
    assert measures["cases.follow_up_in_time"] is None  # no follow-up fell due


def test_another_app_plugs_its_indicator_in(region, records, catalogue):
    calls = "calls.answered_share"
    indicators.register(calls, label="Calls answered", unit="share", source="test")(
        lambda organisation, first, last: indicators.share(9, 10)
    )
    try:
        year = (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
        value = indicators.compute_all(region.gr_hotline, *year, codes=[calls])[calls]
        assert value.value == Decimal("0.9")
        with pytest.raises(ValueError):
            indicators.register(calls, label="x", unit="share", source="x")(lambda *a: None)
    finally:
        indicators._registry.pop(calls)


def test_an_ngo_evaluation_from_start_to_public_status(region, records, catalogue, origin):
    supervisor = Origin(region.users[RoleCode.SUPERVISOR])
    evaluation = services.start_evaluation(
        origin=origin, organisation=region.gr_hotline, catalogue=catalogue, year=YEAR
    )
    values = {v.code: v for v in evaluation.indicator_values.all()}
    assert values["cases.police_in_time"].value == Decimal("0.5")
    d1 = catalogue.criteria.get(code="D1")
    assert services.indicator_meets(d1, values["cases.police_in_time"]) is False

    # The NGO assesses itself; the centre cannot, another NGO cannot see it.
    answers = {c.pk: {"score": 2, "comment": "Procedure agreed", "evidence": "Protocol 2024"}
               for c in catalogue.criteria.all()}  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.self_assess(evaluation, origin=Origin(region.foreign_manager), answers=answers)
    partial = dict(list(answers.items())[:2])
    with pytest.raises(ValidationError):
        services.self_assess(evaluation, origin=supervisor, answers=partial, submit=True)
    services.self_assess(evaluation, origin=supervisor, answers=answers, submit=True)
    evaluation.refresh_from_db()
    assert evaluation.stage == "under_review"
    assert Notification.objects.filter(user__roles__code=RoleCode.REGIONAL_COORDINATOR).exists()

    # The centre scores, with the indicator against D1: not met in time for half the cases.
    scores = {c.pk: (3, "") for c in catalogue.criteria.all()}
    scores[d1.pk] = (1, "Half the cases reached the police late or never")
    services.review_evaluation(evaluation, origin=origin, scores=scores)
    with pytest.raises(ValidationError) as error:
        services.complete_evaluation(evaluation, origin=origin, summary="Police hand-over late")
    assert "improvement plan" in " ".join(error.value.messages)
    services.add_improvement(
        evaluation,
        origin=origin,
        data={"criterion": d1, "finding": "Late hand-over", "action": "24/7 police line",
              "deadline": datetime.date(YEAR + 1, 6, 30)},
    )  # fmt: skip
    services.complete_evaluation(evaluation, origin=origin, summary="Police hand-over late")
    evaluation.refresh_from_db()
    # 3 of 3 on everything but D1 (weight 3) at 1: (3·1 + 2·3 + 2·3 + 3·3 + 1·3 + 1·3) / 36
    assert evaluation.score == Decimal("83.3")
    assert evaluation.result == "conditions"  # the heaviest criterion is not largely met
    assert services.year_on_year(region.gr_hotline, "decision_116000") == [evaluation]

    row = next(r for r in profiles.hotline_directory() if r["country"] == "GR")
    assert row["evaluation"]["result"] == "conditions" and row["evaluation"]["year"] == YEAR
    topic = profiles.map_topics()["evaluation"]
    assert topic.category_of(profiles.country_profile("GR")).key == "conditions"
    # The picture before the evaluation was completed does not show it.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert profiles.country_profile("GR", yesterday).evaluation is None


def test_evaluation_pages(region, records, catalogue, origin, coordinator, client):
    evaluation = services.start_evaluation(
        origin=origin, organisation=region.gr_hotline, catalogue=catalogue, year=YEAR
    )
    client.force_login(region.users[RoleCode.SUPERVISOR])
    page = client.get(f"/network/evaluations/{evaluation.pk}/").content.decode()
    assert 'data-indicator="cases.police_in_time"' in page and "2 / 4" in page
    form = {"self": "submit"}
    for c in catalogue.criteria.all():
        form |= {f"c{c.pk}-score": "3", f"c{c.pk}-comment": "", f"c{c.pk}-evidence": ""}
    assert client.post(f"/network/evaluations/{evaluation.pk}/", form).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.stage == "under_review"
    client.force_login(region.foreign_manager)
    assert client.get(f"/network/evaluations/{evaluation.pk}/").status_code == 404
    client.force_login(region.users[RoleCode.ANALYST])
    assert client.get(f"/network/evaluations/{evaluation.pk}/").status_code == 404
    assert client.get("/network/evaluations/").status_code == 200
