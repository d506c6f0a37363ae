"""The action plan: the demo's 2015 plan of the seed, a monthly review, the annual
evaluation, their PDFs."""

import datetime
import io

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from seec.core.models import RoleCode
from seec.network import demo, documents, services
from seec.network import models as m

D = datetime.date


@pytest.fixture
def plan_2015(region, coordinator, countries, origin):
    m.Partner.objects.create(name="Missing Children Europe (MCE)", kind="international")
    plan = demo.seed_plan_2015(origin)
    demo.seed_common_plan_2015(origin)
    return plan


def pdf_text(content: bytes) -> str:
    pdf = pypdfium2.PdfDocument(io.BytesIO(content))
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def test_the_demo_holds_the_2015_plan_of_the_seed(plan_2015):
    # The seed's four key objectives and its thirteen specific ones.
    assert plan_2015.objectives.count() == 17
    titles = " ".join(plan_2015.activities.values_list("title", flat=True))
    for words in ("landlines", "Thessaloniki", "VICTOR", "ICMEC", "Slovenia, Montenegro"):
        assert words in titles
    common = m.ActionPlan.objects.get(year=2015, partner__isnull=False)
    assert "Round table in Croatia" in " ".join(common.activities.values_list("title", flat=True))


def test_a_monthly_review_updates_the_plan_and_makes_its_pdf(plan_2015, origin):
    victor = plan_2015.activities.get(number="8")
    ukraine = plan_2015.activities.get(number="2")
    indicator = victor.indicators.get()
    review = services.record_monthly_review(
        plan_2015,
        origin=origin,
        data={"month": D(2015, 3, 17), "held_on": D(2015, 3, 30), "issues": "No answer yet."},
        progress=[
            {"activity": victor, "status": "done", "progress": 100},
            {"activity": ukraine, "status": "delayed", "progress": 5, "note": "Operators silent"},
        ],
        actuals={indicator: 1},
    )
    assert review.month == D(2015, 3, 1)
    victor.refresh_from_db()
    indicator.refresh_from_db()
    assert (victor.status, victor.progress, indicator.actual) == ("done", 100, 1)
    # An older month reviewed late does not overwrite the newer word.
    services.record_monthly_review(
        plan_2015,
        origin=origin,
        data={"month": D(2015, 2, 1), "held_on": D(2015, 4, 2)},
        progress=[{"activity": victor, "status": "on_track", "progress": 75}],
    )
    victor.refresh_from_db()
    assert victor.status == "done"
    text = pdf_text(documents.review_pdf(review))
    assert "2015-03" in text and "Operators silent" in text and "No answer yet." in text


def test_a_review_is_refused_whole(plan_2015, origin):
    other = m.ActionPlan.objects.get(year=2015, partner__isnull=False).activities.first()
    for data, progress, field in (
        ({"month": D(2014, 12, 1), "held_on": D(2015, 1, 2)}, [], "month"),
        (
            {"month": D(2015, 1, 1), "held_on": D(2015, 1, 2)},
            [{"activity": other, "status": "done", "progress": 100}],
            "activity",
        ),
        (
            {"month": D(2015, 1, 1), "held_on": D(2015, 1, 2)},
            [{"activity": plan_2015.activities.first(), "status": "done", "progress": 140}],
            "progress",
        ),
    ):
        with pytest.raises(ValidationError) as error:
            services.record_monthly_review(plan_2015, origin=origin, data=data, progress=progress)
        assert field in error.value.message_dict
    assert not m.MonthlyReview.objects.exists()


def test_the_annual_evaluation_pdf_of_the_demo_plan(plan_2015, origin):
    demo.seed_reviews_and_evaluation(origin, plan_2015)
    plan_2015.refresh_from_db()
    assert plan_2015.status == m.PlanStatus.EVALUATED
    content = documents.evaluation_pdf(plan_2015)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Evaluation of the SEEC Action Plan 2015" in text
    assert "3 monthly reviews held" in text
    assert "Final phase of the VICTOR project" in text and "Achieved" in text


def test_every_activity_is_rated(plan_2015, origin):
    with pytest.raises(ValidationError) as error:
        services.evaluate_plan(
            plan_2015,
            origin=origin,
            data={"evaluated_on": D(2016, 1, 2), "summary": "x"},
            ratings=[{"activity": plan_2015.activities.first(), "rating": "achieved"}],
        )
    assert "ratings" in error.value.message_dict
    assert not m.AnnualEvaluation.objects.exists()


def test_review_and_evaluation_pages_and_api(plan_2015, origin, coordinator, region):
    client = APIClient()
    client.force_login(coordinator)
    activities = list(plan_2015.activities.order_by("pk"))
    form = {"review-month": "2015-04", "review-held_on": "2015-04-29", "review-summary": "April"}
    for a in activities:
        form |= {f"a{a.pk}-status": "on_track", f"a{a.pk}-progress": "30", f"a{a.pk}-note": ""}
    bad = client.post(
        f"/network/plans/{plan_2015.pk}/reviews/new/",
        {**form, f"a{activities[0].pk}-progress": "300"},
    )
    assert bad.status_code == 200 and not m.MonthlyReview.objects.exists()
    response = client.post(f"/network/plans/{plan_2015.pk}/reviews/new/", form)
    review = m.MonthlyReview.objects.get()
    assert response.status_code == 302 and review.month == D(2015, 4, 1)
    pdf = client.get(f"/network/reviews/{review.pk}/review.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    client.force_login(region.users[RoleCode.ANALYST])
    body = client.get(f"/api/network/plans/{plan_2015.pk}/").json()
    assert body["reviews"][0]["month"] == "2015-04-01" and len(body["activities"]) == 12
    assert client.get(f"/network/plans/{plan_2015.pk}/reviews/new/").status_code == 403
    client.force_login(region.users[RoleCode.SUPERVISOR])
    assert client.get(f"/api/network/plans/{plan_2015.pk}/").status_code == 404
