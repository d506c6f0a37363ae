"""The demo region's network holds the facts of the seed (the centre's Action Plan 2015): the
four VICTOR info-desks, the forums, conferences and round table with their outcomes and
recommendations, the awareness campaigns, and the plan's seventeen objectives with their
planned activities. Loading it again adds nothing; a demo loaded before these facts gets them."""

import datetime

import pytest
from django.core.management import call_command

from seec.core.models import AuditEvent
from seec.network import demo
from seec.network import models as m

D = datetime.date


class Out:
    def write(self, text):
        pass


@pytest.fixture
def demo_network(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--region-only", verbosity=0)
    demo.seed(Out())


def counts():
    """Every network record's count, and the audit trail's length (a write leaves a trace)."""
    from django.apps import apps

    models = apps.get_app_config("network").get_models()
    return {
        "audit": AuditEvent.objects.count(),
        **{model.__name__: model.objects.count() for model in models},
    }


def test_the_four_victor_info_desks(demo_network):
    desks = m.InfoDesk.objects.filter(name__startswith="VICTOR info-desk").select_related("host")
    assert desks.count() == 4
    # "Operational in four countries", "for a period of 6 months", each hosted by an NGO.
    assert len({d.country_id for d in desks}) == 4
    for desk in desks:
        assert desk.host.kind == m.PartnerKind.NGO and desk.place
        assert desk.closes_on is not None
        assert 180 <= (desk.closes_on - desk.opens_on).days <= 184
        # Within the VICTOR project (June 2013 – 31 March 2015), with contacts counted by kind.
        assert D(2013, 6, 1) <= desk.opens_on and desk.closes_on <= D(2015, 3, 31)
        assert desk.contacts.exists()
    athens = desks.get(country="GR")
    assert athens.host.name == "The Smile of the Child"
    # Where the seed is silent, the value says it is the demo's.
    for desk in desks.exclude(country="GR"):
        assert "(demo)" in desk.name and "(demo)" in desk.host.name


def test_the_thessaloniki_forum_with_its_outcomes_and_recommendations(demo_network):
    forum = m.Activity.objects.get(kind="forum", place="Thessaloniki")
    assert (forum.starts_on, forum.ends_on) == (D(2014, 5, 8), D(2014, 5, 9))
    assert forum.participants_count >= 90 and forum.organisations_count == 50
    assert "More than 90 participants" in forum.description
    assert "Thessaloniki Forum Recommendations" in forum.outcomes
    assert forum.recommendations.count() == 4
    assert m.RecommendationFollowUp.objects.filter(recommendation__activity=forum).exists()


def test_the_conferences_of_the_seed(demo_network):
    events = m.Activity.objects.filter(kind__in=["conference", "forum", "round_table"])
    # The seed lists twelve events (two of them met twice), the Chisinau conference among
    # them; the Thessaloniki forum; the 2015 round table in Croatia.
    assert events.filter(kind="conference").count() == 13
    assert events.filter(kind="forum").count() == 2
    not_for_sale = events.get(title__contains="Not for Sale")
    assert (not_for_sale.place, not_for_sale.starts_on) == ("Vienna", D(2014, 2, 1))
    chisinau = events.get(place="Chisinau")
    assert list(chisinau.countries.values_list("code", flat=True)) == ["MD"]
    assert events.get(place="Geneva").title.startswith("Day of General Discussion")
    assert events.filter(place="Brussels", title__startswith="EU Platform").count() == 2

    round_table = events.get(kind="round_table")
    assert round_table.plan_activity.number == "C2"
    assert round_table.plan_activity.plan.partner.name.startswith("Missing Children Europe")
    assert round_table.outcomes and round_table.recommendations.count() == 2
    assert "(demo)" in round_table.title


def test_the_awareness_campaigns(demo_network):
    campaigns = m.Activity.objects.filter(kind="campaign")
    assert campaigns.count() == 2
    origin = campaigns.get(title__contains="countries of origin")
    destination = campaigns.get(title__contains="countries of destination")
    assert "children" in origin.target_groups.lower()
    assert "clients" in destination.target_groups
    for campaign in campaigns:
        assert campaign.countries.exists() and campaign.reach


def test_the_plan_holds_the_seventeen_objectives_of_the_seed(demo_network):
    plan = m.ActionPlan.objects.get(year=2015, partner__isnull=True)
    objectives = {o.number: o for o in plan.objectives.all()}
    # Four key objectives, thirteen specific ones.
    assert sorted(objectives) == list(range(1, 18))
    assert objectives[5].text.startswith("Providing training and technical assistance")
    assert "repatriation" in objectives[7].text
    assert "liaison officers" in objectives[9].text
    assert "border" in objectives[15].text
    assert "evaluating the services and effectiveness of NGOs" in objectives[17].text
    # The twelve planned activities of 2015, each under an objective.
    assert plan.activities.count() == 12
    assert not plan.activities.filter(objective__isnull=True).exists()
    assert plan.activities.get(number="4").objective == objectives[5]
    assert plan.activities.get(number="10").objective == objectives[13]
    assert plan.activities.get(number="6").indicators.get().baseline == 4  # the four desks


def test_loading_the_demo_again_adds_nothing(demo_network):
    before = counts()
    assert before["InfoDesk"] == 4 and before["Objective"] == 18  # 17 + the common plan's
    demo.seed(Out())
    # Not a record more, and not a write in the audit trail either.
    assert counts() == before


def test_a_demo_loaded_before_these_facts_gets_them(demo_network):
    """An older demo: four objectives, one desk, no campaigns, the forum in a line."""
    plan = m.ActionPlan.objects.get(year=2015, partner__isnull=True)
    first = plan.objectives.get(number=1)
    plan.activities.update(objective=first)
    plan.objectives.filter(number__gt=4).delete()
    m.InfoDesk.objects.exclude(country="GR").delete()
    m.Activity.objects.filter(kind__in=["campaign", "round_table"]).delete()
    m.Activity.objects.filter(place="Geneva").delete()
    m.Activity.objects.filter(kind="forum", place="Thessaloniki").update(outcomes="A line")

    demo.seed(Out())
    assert plan.objectives.count() == 17
    assert plan.activities.get(number="4").objective.number == 5
    assert plan.activities.get(number="1").objective.number == 2
    assert m.InfoDesk.objects.count() == 4
    assert m.Activity.objects.filter(kind="campaign").count() == 2
    assert m.Activity.objects.filter(kind="round_table").count() == 1
    assert m.Activity.objects.filter(place="Geneva").count() == 1
    forum = m.Activity.objects.get(kind="forum", place="Thessaloniki")
    assert "Thessaloniki Forum Recommendations" in forum.outcomes
    # The recommendations were not doubled.
    assert forum.recommendations.count() == 4
    settled = counts()
    demo.seed(Out())
    assert counts() == settled
