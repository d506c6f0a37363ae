"""The demo region's network, from the centre's Action Plan 2015 (the seed document):

- the 116 000 hotline live in Serbia since July 2012, in Croatia since May 2013 and in Ukraine
  on mobile networks only since October 2014; implementation ongoing in Montenegro, North
  Macedonia, Bosnia and Herzegovina, Moldova and Turkey; child alert systems being
  established in Serbia and Croatia;
- the partners (The Smile of the Child, ICMEC, Missing Children Europe, EPLO, the French
  Ministry of Foreign and European Affairs, ASTRA, Magnolia, ICC, …) and their agreements;
- the study visits of 2012–2013, the Thessaloniki forum of May 2014 (more than 90
  participants from about 50 organisations) and its recommendations, VICTOR info-desks;
- the Action Plan 2015 with its objectives and planned activities, and the MCE–SEEC common
  plan 2015.

Facts the seed does not give are marked in their `source` as the demo's, to be checked.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from seec.core.audit import Origin
from seec.core.models import Country, Organisation, OrganisationKind, User

from . import models as m
from . import reference, services

D = datetime.date
SEED = "SEEC Action Plan 2015 (January 2015)"
SEED_OVERVIEW = "SEEC Action Plan 2015, overview of achievements 2011–2014"
BEFORE_2011 = (
    "Operational before the centre's first action plan (2011); the start date is not recorded here."
)
DEMO_CHECK = "Demo value: check against the depositary's status table before relying on it"
SEEC_TOOK_PART = "SEEC took part (Action Plan 2015, overview of achievements 2011–2014)."


def seed(stdout) -> None:
    reference.load()
    coordinator = User.objects.filter(username="coordinator.seec").first()
    if coordinator is None:
        return
    origin = Origin(coordinator)
    if not m.HotlineFact.objects.exists():
        with transaction.atomic():
            seed_profiles(origin)
            partners = seed_partners(origin)
            seed_agreements(origin, partners)
            seed_liaison_officers(origin, partners)
    # Every step adds only what is missing, so a demo loaded by an earlier version (or a load
    # that stopped half-way) gets the records added since, and a second run adds nothing.
    for step in EXTRA_STEPS:
        step(origin)
    stdout.write("Regional network: the Action Plan 2015's region, partners and plan loaded.")


def seed_plans(origin) -> None:
    if m.ActionPlan.objects.exists():
        return
    with transaction.atomic():
        plan = seed_plan_2015(origin)
        seed_common_plan_2015(origin)
        seed_reviews_and_evaluation(origin, plan)


# The hotline minimum standards as the centre enters them (demo wording); the calls.*
# indicators come from the contact centre's call records where that app is installed.
MINIMUM_STANDARDS = [
    ("M1", "A written cooperation agreement with the police on passing reports.", 3, "", None),
    ("M2", "Every operator trained before answering, and yearly after.", 2, "staff.trained", "1"),
    ("M3", "A follow-up call to the family after every return.", 2, "cases.follow_up_in_time",
     "0.900"),
    ("M4", "Cross-border cases passed through the network's liaison officers.", 1,
     "cases.cross_border", None),
    ("M5", "At least 90 % of calls answered.", 3, "calls.answered_share", "0.900"),
    ("M6", "Reachable from every fixed and mobile network in the country.", 2, "", None),
    ("M7", "A data protection policy applied and audited.", 2, "", None),
]  # fmt: skip


def seed_evaluations(origin) -> None:
    if m.ServiceEvaluation.objects.exists():
        return
    with transaction.atomic():
        standards = m.CriteriaCatalogue.objects.create(
            kind=m.CatalogueKind.MINIMUM_STANDARDS,
            version=1,
            title="Hotline minimum standards (SEEC)",
            published_on=D(2015, 1, 15),
        )
        for code, text, weight, indicator, threshold in MINIMUM_STANDARDS:
            m.Criterion.objects.create(
                catalogue=standards, code=code, text=text, weight=weight,
                indicator=indicator, threshold=threshold,
            )  # fmt: skip
        decision = m.CriteriaCatalogue.objects.get(kind="decision_116000", version=1)
        hotlines = {
            o.country_id: o
            for o in Organisation.objects.filter(kind=OrganisationKind.NATIONAL_CENTRE)
        }
        year = datetime.date.today().year
        # Serbia, last year: completed, with an improvement plan.
        serbia = services.start_evaluation(
            origin=origin, organisation=hotlines["RS"], catalogue=decision, year=year - 1
        )
        manager = User.objects.get(username="manager.rs")
        services.self_assess(
            serbia,
            origin=Origin(manager),
            answers={c.pk: {"score": 3, "comment": "", "evidence": "Demo"}
                     for c in decision.criteria.all()},
            submit=True,
        )  # fmt: skip
        scores = {c.pk: (3, "") for c in decision.criteria.all()}
        d4 = decision.criteria.get(code="D4")
        scores[d4.pk] = (2, "Night hours covered by a forwarding line only (demo finding).")
        services.review_evaluation(serbia, origin=origin, scores=scores)
        services.add_improvement(
            serbia,
            origin=origin,
            data={"criterion": d4, "finding": "Night hours forwarded",
                  "action": "Staff the night shift", "deadline": D(year, 6, 30)},
        )  # fmt: skip
        services.complete_evaluation(
            serbia, origin=origin, summary="Demo evaluation: the service meets the conditions."
        )
        # Greece, this year: its self-assessment waits for the centre's review.
        greece = services.start_evaluation(
            origin=origin, organisation=hotlines["GR"], catalogue=decision, year=year
        )
        services.self_assess(
            greece,
            origin=Origin(User.objects.get(username="manager.gr")),
            answers={c.pk: {"score": 3, "comment": "", "evidence": "Demo"}
                     for c in decision.criteria.all()},
            submit=True,
        )  # fmt: skip


# (kind, title, start, end, place, countries, partner keys, participants, organisations, text)
ACTIVITIES = [
    ("study_visit", "Study visit and 116 000 training for ASTRA", D(2012, 2, 1), D(2012, 2, 3),
     "Athens", ["RS"], ["astra", "smile"], None, None,
     "Introductory training on the operational aspects of the 116 000 hotline, given by the "
     "116 000 team of The Smile of the Child."),
    ("study_visit", "Study visit and 116 000 training for a consortium of two Cypriot NGOs",
     D(2012, 7, 1), D(2012, 7, 3), "Athens", ["CY"], ["smile"], None, None, ""),
    ("study_visit", "Study visit and 116 000 training for the Center for Missing and "
     "Exploited Children", D(2013, 9, 1), D(2013, 9, 3), "Athens", ["HR"], ["cnzd", "smile"],
     None, None, ""),
    ("study_visit", "Study visit and 116 000 training for Magnolia", D(2013, 12, 1),
     D(2013, 12, 3), "Athens", ["UA"], ["magnolia", "smile"], None, None, ""),
    ("on_site_visit", "On-site visits on the 116 000 (9 visits, 2011–2014)", D(2011, 1, 1),
     D(2014, 12, 31), "", ["RS", "HR", "BG", "MK", "ME", "BA"], [], None, None,
     "Joint meetings with government institutions and leading NGOs in six countries."),
    ("conference", "Regional Conference Combating THB in SEE: for a better protection of "
     "children", D(2013, 10, 8), D(2013, 10, 9), "Chisinau", ["MD"], ["france"], None, None,
     "Jointly organised by the French and Moldovan authorities."),
    ("conference", "Global Missing Children Network Conference", D(2014, 12, 1),
     D(2014, 12, 3), "Warnsveld", [], ["icmec"], None, None, ""),
    # The other events the seed lists among the centre's participation in 2012–2014. The seed
    # gives the month and the city only: the first of the month stands for the month.
    ("conference", "OSCE Alliance against Trafficking in Persons: meeting (October 2012)",
     D(2012, 10, 1), D(2012, 10, 1), "Vienna", [], [], None, None, SEEC_TOOK_PART),
    ("conference", "UNODC: sixth session of the Conference of the Parties to the UNCTOC",
     D(2012, 10, 1), D(2012, 10, 1), "Vienna", [], [], None, None, SEEC_TOOK_PART),
    ("conference", "International conference on expert level on combating THB (Council of "
     "Europe with Bulgaria's National Commission for Combating Trafficking in Human Beings)",
     D(2012, 12, 1), D(2012, 12, 1), "Sofia", ["BG"], [], None, None, SEEC_TOOK_PART),
    ("conference", "EU Platform against THB: meeting (May 2013)", D(2013, 5, 1), D(2013, 5, 1),
     "Brussels", [], [], None, None, SEEC_TOOK_PART),
    ("conference", "OSCE Alliance against Trafficking in Persons: meeting (June 2013)",
     D(2013, 6, 1), D(2013, 6, 1), "Vienna", [], [], None, None, SEEC_TOOK_PART),
    ("conference", "EC Annual Conference on Missing Children", D(2013, 6, 1), D(2013, 6, 1),
     "Brussels", [], [], None, None, SEEC_TOOK_PART),
    ("forum", "Regional Implementation Initiative on THB (Austrian Institute for "
     "International Affairs): Dialog forum", D(2013, 6, 1), D(2013, 6, 1), "Vienna", [], [],
     None, None, SEEC_TOOK_PART),
    ("conference", "First conference of the European Financial Coalition against Commercial "
     "Sexual Exploitation of Children Online", D(2013, 10, 1), D(2013, 10, 1), "Brussels", [],
     [], None, None, SEEC_TOOK_PART),
    ("conference", "EU Platform against THB: meeting (December 2013)", D(2013, 12, 1),
     D(2013, 12, 1), "Brussels", [], [], None, None, SEEC_TOOK_PART),
    ("conference", "CoE and OSCE Conference on THB “Not for Sale”", D(2014, 2, 1),
     D(2014, 2, 1), "Vienna", [], [], None, None, SEEC_TOOK_PART),
    ("conference", "Final conference of the EU-funded project CONNECT (reception, protection "
     "and integration of unaccompanied children in Europe)", D(2014, 6, 1), D(2014, 6, 1),
     "Brussels", [], [], None, None, SEEC_TOOK_PART),
    ("conference", "Day of General Discussion of the Committee on the Rights of the Child: "
     "“Digital Media and Children's Rights”", D(2014, 9, 1), D(2014, 9, 1), "Geneva", [], [],
     None, None, SEEC_TOOK_PART),
]  # fmt: skip

FORUM_TITLE = "SEE Forum “Missing Children in the Context of Child Trafficking”"
FORUM_DESCRIPTION = (
    "Organised by SEEC and The Smile of the Child under the auspices of the Hellenic "
    "Presidency of the Council of the EU, with the support of ICMEC and the US Embassy in "
    "Athens. More than 90 participants from around 50 governmental and non-governmental "
    "organisations, and international stakeholders (OSCE, CoE, IOM). Issues discussed: the "
    "vulnerability to traffickers of children who run away from home or an institution; "
    "missing unaccompanied migrant minors as victims or potential victims of trafficking; the "
    "116 000 hotline in the EU, its expansion to SEE and the transfer of its services to the "
    "fight against trafficking in human beings."
)
FORUM_OUTCOMES = (
    "Good practices exchanged, and efforts joined to strengthen regional cooperation. Final "
    "document: the Thessaloniki Forum Recommendations, the participants' commitment to "
    "continue common work and to involve all the other relevant actors across the region "
    "(an integrated part of the Action Plan 2015)."
)

FORUM_RECOMMENDATIONS = [
    "Address the vulnerability of children who run away from home or institutions to traffickers.",
    "Treat missing unaccompanied migrant minors as victims or potential victims of "
    "trafficking, and search for them across borders.",
    "Expand the 116 000 hotline to every SEE country and carry its services into the fight "
    "against child trafficking.",
    "Strengthen regional cooperation and involve all relevant actors across the region.",
]

# The demo's 2015 training (participants are fictional).
TRAINEES = [
    ("Marko Vuković", "116 000 Montenegro (NGO)", "hotline", "ME", 55, 85),
    ("Ana Petrovska", "NGO partner, Skopje", "ngo", "MK", 60, 90),
    ("Bojan Stojanovski", "Police, Skopje", "law_enforcement", "MK", 48, 70),
    ("Maja Novak", "NGO partner, Ljubljana", "ngo", "SI", 62, 88),
]


def seed_activities(origin) -> None:
    if m.Activity.objects.filter(kind=m.ActivityKind.FORUM, place="Thessaloniki").exists():
        return
    region = {c.code: c for c in Country.objects.filter(in_region=True)}
    partners = {
        key: m.Partner.objects.filter(name=name).first() for key, (name, *_rest) in PARTNERS.items()
    }
    with transaction.atomic():
        forum = services.save_record(
            m.Activity(created_by=origin.actor),
            origin=origin,
            data={
                "kind": "forum",
                "title": FORUM_TITLE,
                "starts_on": D(2014, 5, 8),
                "ends_on": D(2014, 5, 9),
                "place": "Thessaloniki",
                # "More than 90 participants from around 50 organisations": the counts are
                # the seed's lower bounds.
                "participants_count": 90,
                "organisations_count": 50,
                "description": FORUM_DESCRIPTION,
                "outcomes": FORUM_OUTCOMES,
            },
            m2m={"countries": list(region.values()),
                 "partners": [partners["smile"], partners["icmec"], partners["us_embassy"]]},
        )  # fmt: skip
        for number, text in enumerate(FORUM_RECOMMENDATIONS, start=1):
            recommendation = services.save_record(
                m.Recommendation(activity=forum),
                origin=origin,
                data={"number": number, "text": text},
            )
            if number == 3:
                for code, status in (
                    ("ME", "in_progress"),
                    ("MK", "in_progress"),
                    ("UA", "in_progress"),
                ):
                    services.save_record(
                        m.RecommendationFollowUp(recommendation=recommendation),
                        origin=origin,
                        data={"country": region[code], "status": status,
                              "updated_on": D(2015, 3, 31), "note": "Demo follow-up"},
                    )  # fmt: skip
        plan_activity = m.PlannedActivity.objects.filter(
            plan__year=2015, plan__partner__isnull=True, number="4"
        ).first()
        training = services.save_record(
            m.Activity(created_by=origin.actor),
            origin=origin,
            data={"kind": "training", "title": "116 000 operations: study visit and training",
                  "starts_on": D(2015, 4, 20), "ends_on": D(2015, 4, 22), "place": "Athens",
                  "plan_activity": plan_activity,
                  "description": "Demo training: the 2015 plan's first study visit."},
            m2m={"countries": [region["ME"], region["MK"], region["SI"]],
                 "partners": [partners["smile"]]},
        )  # fmt: skip
        for name, org, sector, code, pre, post in TRAINEES:
            services.save_record(
                m.Participant(activity=training),
                origin=origin,
                data={"name": name, "organisation_name": org, "sector": sector,
                      "country": region[code], "pre_test": decimal(pre),
                      "post_test": decimal(post), "completed": True},
            )  # fmt: skip
        services.issue_certificates(training, origin=origin)
        for title, donor, role, coordinator, status, start, end, text in PROJECTS:
            project = services.save_record(
                m.Project(),
                origin=origin,
                data={"title": title, "donor": donor, "role": role, "coordinator": coordinator,
                      "status": status, "starts_on": start, "ends_on": end, "description": text},
            )  # fmt: skip
            if status == "running":
                services.save_record(
                    m.ProjectReport(project=project),
                    origin=origin,
                    data={"title": "Final report", "due_on": end + datetime.timedelta(days=60)},
                )


PROJECTS = [
    ("VICTOR – Victims of Child Trafficking: Our Responsibility", "European Union",
     "Partner (SEEC); coordinated by The Smile of the Child", "The Smile of the Child",
     "running", D(2013, 6, 1), D(2015, 3, 31),
     "15 stakeholders from 7 SEE countries: trainings, pilot info-desks in four countries, "
     "workshops, awareness campaigns, networking."),
    ("Strengthening existing child rights networks to act as a movement to amplify the voices "
     "of children", "Not recorded in the plan", "Associate partner",
     "ICC – International Children's Center",
     "running", D(2015, 1, 1), D(2017, 6, 30), "30 months, in Turkey."),
]  # fmt: skip


# --- Events, campaigns and the VICTOR info-desks (each added if missing) -----------------------


def _region() -> dict[str, Country]:
    return {c.code: c for c in Country.objects.filter(in_region=True)}


def _partners() -> dict[str, m.Partner]:
    return {
        key: m.Partner.objects.filter(name=name).first() for key, (name, *_r) in PARTNERS.items()
    }


def _ensure_activity(origin, *, kind, title, data, countries=(), partners=()) -> m.Activity:
    found = m.Activity.objects.filter(kind=kind, title=title).first()
    if found is not None:
        return found
    return services.save_record(
        m.Activity(created_by=origin.actor),
        origin=origin,
        data={"kind": kind, "title": title, **data},
        m2m={"countries": list(countries), "partners": [p for p in partners if p]},
    )


def seed_events(origin) -> None:
    """The visits, conferences and forums of the seed's overview of 2011–2014, and the
    Thessaloniki forum's outcomes."""
    region, partners = _region(), _partners()
    with transaction.atomic():
        for kind, title, start, end, place, codes, keys, n, orgs, text in ACTIVITIES:
            _ensure_activity(
                origin, kind=kind, title=title,
                data={"starts_on": start, "ends_on": end, "place": place,
                      "participants_count": n, "organisations_count": orgs, "description": text},
                countries=[region[c] for c in codes], partners=[partners.get(k) for k in keys],
            )  # fmt: skip
        # A demo loaded before the forum's full account: complete it (a second run finds it so).
        forum = m.Activity.objects.filter(kind=m.ActivityKind.FORUM, title=FORUM_TITLE).first()
        full = {"description": FORUM_DESCRIPTION, "outcomes": FORUM_OUTCOMES}
        if forum is not None and any(getattr(forum, k) != v for k, v in full.items()):
            services.save_record(forum, origin=origin, data=full)


# The seed plans the round table (MCE–SEEC common plan 2015, activity C2) without a date,
# place, outcome or recommendation: all of these are the demo's, marked so.
ROUND_TABLE = {
    "title": "Round table on the 116 000 hotline for missing children in Croatia (demo)",
    "starts_on": D(2015, 10, 15),
    "ends_on": D(2015, 10, 15),
    "place": "Zagreb (demo)",
    "participants_count": 25,
    "organisations_count": 12,
    "description": "Planned in the MCE–SEEC common action plan 2015: to raise awareness of the "
    "existence and services of the 116 000 in Croatia, towards its full recognition by the "
    "government authorities and solid cooperation among all actors at national level. Date, "
    "place, counts and outcomes are demo values.",
    "outcomes": "Demo outcome: the ministries present agreed to name a contact point for the "
    "116 000 service.",
}
ROUND_TABLE_RECOMMENDATIONS = [
    "Demo recommendation: recognise the 116 000 service formally in the national protocol on "
    "missing children.",
    "Demo recommendation: agree with the police how reports to the 116 000 are passed on.",
]

# VICTOR's fourth activity: campaigns in countries of origin, addressed to potential child
# victims, and in countries of destination, against the demand. The seed names neither the
# countries nor the reach nor the dates within the project (June 2013 – March 2015): those
# are the demo's.
CAMPAIGNS = [
    ("VICTOR awareness campaign in countries of origin: children at risk of trafficking",
     "Potential child victims of trafficking: vulnerable groups of children at risk",
     ["AL", "BG", "RO", "MD"], 12000,
     "Preventing trafficking in children through awareness raising addressed to potential "
     "victims in countries of origin. Countries, period and reach are demo values."),
    ("VICTOR awareness campaign in countries of destination: reducing the demand",
     "Potential “clients”: the demand for exploited children", ["GR"], 5000,
     "Aimed at reducing the demand, addressed to potential “clients” in countries of "
     "destination. Countries, period and reach are demo values."),
]  # fmt: skip


def seed_round_table_and_campaigns(origin) -> None:
    region, partners = _region(), _partners()
    with transaction.atomic():
        for title, groups, codes, reach, text in CAMPAIGNS:
            _ensure_activity(
                origin, kind=m.ActivityKind.CAMPAIGN, title=title,
                data={"starts_on": D(2014, 3, 1), "ends_on": D(2015, 3, 31),
                      "target_groups": groups, "reach": reach, "description": text},
                countries=[region[c] for c in codes], partners=[partners["smile"]],
            )  # fmt: skip
        if m.Activity.objects.filter(
            kind=m.ActivityKind.ROUND_TABLE, title=ROUND_TABLE["title"]
        ).exists():
            return
        c2 = m.PlannedActivity.objects.filter(
            plan__year=2015, plan__partner__isnull=False, number="C2"
        ).first()
        data = {key: value for key, value in ROUND_TABLE.items() if key != "title"}
        round_table = _ensure_activity(
            origin, kind=m.ActivityKind.ROUND_TABLE, title=ROUND_TABLE["title"],
            data={**data, "plan_activity": c2}, countries=[region["HR"]],
            partners=[partners["cnzd"], partners["mce"]],
        )  # fmt: skip
        for number, text in enumerate(ROUND_TABLE_RECOMMENDATIONS, start=1):
            recommendation = services.save_record(
                m.Recommendation(activity=round_table),
                origin=origin,
                data={"number": number, "text": text},
            )
            services.save_record(
                m.RecommendationFollowUp(recommendation=recommendation),
                origin=origin,
                data={"country": region["HR"], "status": "in_progress",
                      "updated_on": D(2015, 12, 31), "note": "Demo follow-up"},
            )  # fmt: skip


# The seed: "Information desks on Child Trafficking, a pilot NGO in-house model, for a period
# of 6 months, operational in four countries" (VICTOR, June 2013 – March 2015). It names
# neither the countries, the host NGOs, the places nor the months: the Athens desk at The
# Smile of the Child (VICTOR's coordinator) and the three others, with their hosts, places
# and counts, are demo values; the six months are the seed's.
# (name, host partner key or (demo host name, country), country, place, materials, contacts)
VICTOR_DESKS = [
    ("VICTOR info-desk, Athens (demo)", "smile", "GR", "Athens",
     "Leaflets on child trafficking; posters for schools",
     [(D(2014, 9, 15), "information", 12), (D(2014, 9, 15), "materials", 30),
      (D(2014, 10, 2), "referral", 1)]),
    ("VICTOR info-desk, Sofia (demo)", ("VICTOR partner NGO in Bulgaria (demo)", "BG"), "BG",
     "Sofia (demo)", "Leaflets on child trafficking (demo)",
     [(D(2014, 10, 6), "information", 8), (D(2014, 10, 6), "professional", 2)]),
    ("VICTOR info-desk, Tirana (demo)", ("VICTOR partner NGO in Albania (demo)", "AL"), "AL",
     "Tirana (demo)", "Leaflets on child trafficking (demo)",
     [(D(2014, 11, 3), "information", 5), (D(2014, 11, 3), "materials", 20)]),
    ("VICTOR info-desk, Bucharest (demo)", ("VICTOR partner NGO in Romania (demo)", "RO"), "RO",
     "Bucharest (demo)", "Leaflets on child trafficking (demo)",
     [(D(2014, 12, 1), "information", 9), (D(2014, 12, 1), "suspected_case", 1)]),
]  # fmt: skip
VICTOR_DESK_PERIOD = (D(2014, 9, 1), D(2015, 2, 28))  # six months (the months are the demo's)


def seed_victor_desks(origin) -> None:
    region, partners = _region(), _partners()
    opens, closes = VICTOR_DESK_PERIOD
    with transaction.atomic():
        for name, host, code, place, materials, contacts in VICTOR_DESKS:
            if m.InfoDesk.objects.filter(name=name).exists():
                continue
            if isinstance(host, tuple):
                host_name, host_country = host
                partner = m.Partner.objects.filter(name=host_name).first() or services.save_record(
                    m.Partner(), origin=origin,
                    data={"name": host_name, "kind": m.PartnerKind.NGO,
                          "country_id": host_country, "partner_since": D(2013, 6, 1),
                          "notes": "Demo partner: the seed does not name VICTOR's host NGOs."},
                )  # fmt: skip
            else:
                partner = partners[host]
            desk = services.save_record(
                m.InfoDesk(),
                origin=origin,
                data={"name": name, "host": partner, "country": region[code], "place": place,
                      "opens_on": opens, "closes_on": closes, "materials": materials},
            )  # fmt: skip
            for day, kind, count in contacts:
                services.log_desk_contacts(
                    desk, origin=origin, data={"day": day, "kind": kind, "count": count}
                )


def complete_plan_2015(origin) -> None:
    """A 2015 plan loaded before the specific objectives: add them, and file the activities
    under them as the plan's table says (nothing changes on a second run)."""
    plan = m.ActionPlan.objects.filter(year=2015, partner__isnull=True).first()
    if plan is not None:
        with transaction.atomic():
            ensure_objectives_2015(origin, plan)


EXTRA_STEPS: list = [
    seed_plans,
    seed_evaluations,
    seed_activities,
    seed_events,
    seed_victor_desks,
    seed_round_table_and_campaigns,
    complete_plan_2015,
]


# --- Country profiles ------------------------------------------------------------------------

# (country, from, stage, operator, hours, landline, mobile, source, note)
HOTLINE = [
    ("GR", D(2011, 1, 1), "operational", "The Smile of the Child", "24/7", True, True,
     SEED, BEFORE_2011),
    ("RO", D(2011, 1, 1), "operational", "FOCUS – Romanian Centre for Missing Children", "",
     True, True, "Platform reference data", BEFORE_2011),
    ("BG", D(2011, 1, 1), "operational", "Nadja Centre Foundation", "", True, True,
     "Platform reference data", BEFORE_2011),
    ("RS", D(2011, 1, 1), "in_progress", "", "", False, False, SEED_OVERVIEW,
     "SEEC advocacy, consultations and on-site visits."),
    ("RS", D(2012, 7, 1), "operational", "ASTRA – Anti Trafficking Action", "", True, True,
     SEED_OVERVIEW, "Study visit and training in Athens, February 2012."),
    ("HR", D(2011, 1, 1), "in_progress", "", "", False, False, SEED_OVERVIEW, ""),
    ("HR", D(2013, 5, 1), "operational", "Center for Missing and Exploited Children", "",
     True, True, SEED_OVERVIEW, "Study visit and training in Athens, September 2013."),
    ("UA", D(2011, 1, 1), "in_progress", "", "", False, False, SEED_OVERVIEW, ""),
    ("UA", D(2014, 10, 1), "operational", "Magnolia", "", False, True, SEED_OVERVIEW,
     "Through mobile networks only; the 2015 plan works to extend it to landlines."),
    ("CY", D(2011, 1, 1), "in_progress", "", "", False, False, SEED_OVERVIEW,
     "Study visit for a consortium of two NGOs from Cyprus, July 2012."),
    ("CY", D(2015, 1, 1), "operational", "Hope For Children CRC Policy Center", "", True, True,
     SEED, "Not among the ongoing processes in January 2015; launch date not recorded here."),
    *[
        (code, D(2011, 1, 1), "in_progress", "", "", False, False, SEED,
         "Ongoing implementation upon SEEC initiative (Action Plan 2015).")
        for code in ("ME", "MK", "BA", "MD", "TR")
    ],
]  # fmt: skip

# (country, from, stage, authority, source, note)
CHILD_ALERT = [
    ("GR", D(2011, 1, 1), "operational", "Hellenic Police with The Smile of the Child",
     "Demo value", "AMBER Alert Hellas; in place before 2011."),
    ("RS", D(2015, 1, 1), "being_established", "", SEED,
     "On-site visits with national stakeholders planned for 2015."),
    ("HR", D(2015, 1, 1), "being_established", "", SEED,
     "On-site visits with national stakeholders planned for 2015."),
]  # fmt: skip

# Hague 1980 in force, Lanzarote ratified (demo values, to be checked).
RATIFICATIONS = [
    ("GR", "hague1980", "in_force", D(1993, 6, 1)),
    ("RO", "hague1980", "in_force", D(1993, 2, 1)),
    ("SI", "hague1980", "in_force", D(1994, 6, 1)),
    ("CY", "hague1980", "in_force", D(1995, 2, 1)),
    ("MD", "hague1980", "in_force", D(1998, 7, 1)),
    ("TR", "hague1980", "in_force", D(2000, 8, 1)),
    ("BG", "hague1980", "in_force", D(2003, 8, 1)),
    ("UA", "hague1980", "in_force", D(2006, 9, 1)),
    ("AL", "hague1980", "in_force", D(2007, 8, 1)),
    ("AL", "lanzarote", "ratified", D(2009, 2, 14)),
    ("GR", "lanzarote", "signed", D(2007, 10, 25)),
    ("RS", "lanzarote", "ratified", D(2010, 7, 29)),
    ("HR", "lanzarote", "ratified", D(2011, 3, 21)),
    ("UA", "budapest", "ratified", D(2006, 3, 10)),
]

# (country, topic, gap, reference, [(from, status)], source)
GAPS = [
    ("UA", "116 000", "The 116 000 number is not reachable from landlines", "",
     [(D(2014, 10, 1), "identified"), (D(2015, 1, 1), "advocated")], SEED),
    ("RS", "Child alerts", "No legal and institutional basis for child alert broadcasts", "",
     [(D(2014, 5, 9), "identified"), (D(2015, 1, 1), "in_progress")], SEED),
    ("HR", "Child alerts", "No legal and institutional basis for child alert broadcasts", "",
     [(D(2014, 5, 9), "identified"), (D(2015, 1, 1), "in_progress")], SEED),
    ("HR", "116 000", "The 116 000 service is not fully recognised by government authorities",
     "", [(D(2015, 1, 1), "advocated")], SEED),
    ("MD", "Repatriation", "No bilateral agreement for the safe repatriation of children",
     "", [(D(2013, 10, 9), "identified")], "Demo value"),
]  # fmt: skip

BORDER_PROTOCOL = (
    "border-control-thb",
    "Border-control protocol to interdict child trafficking",
    "Trafficking",
    "Procedures at border crossings to identify children at risk of trafficking and refer "
    "them, as the centre's objectives promote.",
)


def seed_profiles(origin) -> None:
    country = {c.code: c for c in Country.objects.filter(in_region=True)}
    for code, day, stage, operator, hours, landline, mobile, source, note in HOTLINE:
        services.record_fact(
            "hotline",
            origin=origin,
            data={
                "country": country[code],
                "effective_from": day,
                "stage": stage,
                "operator": operator,
                "hours": hours,
                "channels": "Phone" if stage == "operational" else "",
                "landline": landline,
                "mobile": mobile,
                "source": source,
                "note": note,
            },
        )
    for code, day, stage, authority, source, note in CHILD_ALERT:
        services.record_fact(
            "child_alert",
            origin=origin,
            data={
                "country": country[code],
                "effective_from": day,
                "stage": stage,
                "authority": authority,
                "source": source,
                "note": note,
            },
        )
    services.record_fact(
        "national_centre",
        origin=origin,
        data={
            "country": country["GR"],
            "effective_from": D(2011, 1, 1),
            "stage": "established",
            "name": "The Smile of the Child (hub of SEEC)",
            "source": SEED,
        },
    )
    conventions = {c.code: c for c in m.Convention.objects.all()}
    for code, convention, stage, day in RATIFICATIONS:
        services.record_fact(
            "ratification",
            origin=origin,
            data={
                "country": country[code],
                "convention": conventions[convention],
                "stage": stage,
                "effective_from": day,
                "source": DEMO_CHECK,
            },
        )
    for code, topic, title, ref, steps, source in GAPS:
        (first_day, first_status), *later = steps
        gap = services.add_legal_gap(
            origin=origin,
            data={"country": country[code], "topic": topic, "title": title, "reference": ref},
            status=first_status,
            effective_from=first_day,
        )
        for day, status in later:
            services.record_fact(
                "legal_gap",
                origin=origin,
                data={
                    "gap": gap,
                    "country": country[code],
                    "status": status,
                    "effective_from": day,
                    "source": source,
                },
            )
    code, title, topic, description = BORDER_PROTOCOL
    protocol = services.save_record(
        m.ModelProtocol(),
        origin=origin,
        data={"code": code, "title": title, "topic": topic, "description": description},
    )
    for cc in ("AL", "BA", "HR", "MD", "ME", "MK", "RS"):
        services.record_fact(
            "protocol",
            origin=origin,
            data={
                "country": country[cc],
                "protocol": protocol,
                "stage": "promoted",
                "effective_from": D(2015, 1, 1),
                "source": SEED,
            },
        )


# --- Partners, agreements, liaison officers ------------------------------------------------------

# key: (name, kind, country, website)
PARTNERS = {
    "smile": ("The Smile of the Child", "ngo", "GR", "https://www.hamogelo.gr"),
    "icmec": ("International Centre for Missing & Exploited Children (ICMEC)", "international",
              None, "https://www.icmec.org"),
    "mce": ("Missing Children Europe (MCE)", "international", None,
            "https://missingchildreneurope.eu"),
    "eplo": ("European Public Law Organization (EPLO)", "international", None, ""),
    "france": ("French Ministry of Foreign and European Affairs", "government", None, ""),
    "astra": ("ASTRA – Anti Trafficking Action", "ngo", "RS", ""),
    "cnzd": ("Center for Missing and Exploited Children", "ngo", "HR", ""),
    "magnolia": ("Magnolia", "ngo", "UA", ""),
    "icc": ("International Children's Center (ICC)", "ngo", "TR", ""),
    "us_embassy": ("US Embassy in Athens", "government", "GR", ""),
}  # fmt: skip


def seed_partners(origin) -> dict[str, m.Partner]:
    partners = {}
    hotlines = {
        o.country_id: o for o in Organisation.objects.filter(kind=OrganisationKind.NATIONAL_CENTRE)
    }
    for key, (name, kind, code, website) in PARTNERS.items():
        partners[key] = services.save_record(
            m.Partner(),
            origin=origin,
            data={
                "name": name,
                "kind": kind,
                "country_id": code,
                "website": website,
                # Where the demo's platform organisation of the country is this partner.
                "organisation": hotlines.get(code)
                if key in ("smile", "astra", "cnzd", "magnolia")
                else None,
                "partner_since": D(2011, 1, 1),
            },
        )
    services.save_record(
        m.PartnerPerson(partner=partners["smile"]),
        origin=origin,
        data={
            "name": "Olgica Cekic",
            "position": "Coordinator of SEEC",
            "email": "seec@hamogelo.gr",
        },
    )
    return partners


def seed_agreements(origin, partners) -> None:
    region = {c.code: c for c in Country.objects.filter(in_region=True)}
    today = datetime.date.today()
    agreements = [
        (
            "Cooperation agreement: The Smile of the Child – EPLO",
            "cooperation",
            "Strengthening cooperation against trafficking in children in the region, within "
            "the scope of SEEC's further development.",
            [partners["smile"], partners["eplo"]],
            D(2013, 1, 1),
            None,
            list(region.values()),
        ),
        (
            "Cooperation agreement: The Smile of the Child – French Ministry of Foreign and "
            "European Affairs",
            "cooperation",
            "Support for the further development of SEEC.",
            [partners["smile"], partners["france"]],
            D(2013, 1, 1),
            None,
            list(region.values()),
        ),
        (
            "MCE–SEEC common action plan 2015",
            "common_action_plan",
            "Common activities of Missing Children Europe and SEEC in 2015.",
            [partners["smile"], partners["mce"]],
            D(2015, 1, 1),
            D(2015, 12, 31),
            [region["UA"], region["HR"], region["MD"]],
        ),
        # A cooperation on 116 000 cases between two hotlines, lapsing soon: the demo's
        # reminder shows on the coordinator's notices.
        (
            "Memorandum on cross-border 116 000 cases: ASTRA – Center for Missing and "
            "Exploited Children",
            "mou",
            "Passing reports of missing children between the Serbian and Croatian 116 000 "
            "hotlines, and joint follow-up of cross-border cases.",
            [partners["astra"], partners["cnzd"]],
            D(2014, 6, 1),
            today + datetime.timedelta(days=25),
            [region["RS"], region["HR"]],
        ),
    ]
    for title, kind, scope, parties, start, end, countries in agreements:
        services.save_agreement(
            None,
            origin=origin,
            data={
                "title": title,
                "kind": kind,
                "scope": scope,
                "signed_on": start,
                "valid_from": start,
                "valid_until": end,
            },
            parties=parties,
            countries=countries,
        )
    services.remind_lapsing_agreements()


# (name, institution, country, counterparts, languages, phone 24/7, e-mail, partner key)
LIAISON = [
    ("Nikos Papadopoulos", "Hellenic Police – Missing Persons Unit", "GR", ["AL", "MK", "BG"],
     "el, en", "+302106476000", "liaison.gr@demo.seec.invalid", None),
    ("Јелена Ђорђевић", "Ministry of Interior of Serbia – Border Police", "RS", ["HR", "BA", "ME"],
     "sr, en", "+381113061000", "liaison.rs@demo.seec.invalid", None),
    ("Ana Kovačević", "Center for Missing and Exploited Children", "HR", ["RS", "BA", "SI"],
     "hr, en", "+38531272555", "liaison.hr@demo.seec.invalid", "cnzd"),
    ("Олена Коваленко", "Magnolia – 116 000 Ukraine", "UA", ["MD", "RO"], "uk, ru, en",
     "+380442000000", "liaison.ua@demo.seec.invalid", "magnolia"),
]  # fmt: skip


def seed_liaison_officers(origin, partners) -> None:
    region = {c.code: c for c in Country.objects.filter(in_region=True)}
    for name, institution, code, counterparts, languages, phone, email, partner in LIAISON:
        officer = m.LiaisonOfficer()
        services.save_record(
            officer,
            origin=origin,
            data={
                "name": name,
                "institution": institution,
                "country": region[code],
                "function": "Liaison officer for missing and trafficked children",
                "topics": "Missing children, child trafficking",
                "languages": languages,
                "phone_24_7": phone,
                "email": email,
                "appointed_on": D(2014, 5, 9),
                "partner": partners.get(partner) if partner else None,
            },
            m2m={"counterparts": [region[c] for c in counterparts]},
        )


# --- The Action Plan 2015 ------------------------------------------------------------------------

OBJECTIVES_2015 = [
    "Applying common and effective approaches to the problems of missing and exploited "
    "children and child trafficking, and mechanisms to improve cross-border cooperation and "
    "coordination.",
    "Supporting the incorporation of the 116 000 hotline and of emergency public broadcasting "
    "systems (on the AMBER Alert model) in all SEE countries, and cooperation between them.",
    "Encouraging the establishment of national centres for missing and exploited children.",
    "Playing a leading role and advocating the protection of children's rights in the region.",
    # "More specifically, SEEC's objectives include:" (the seed's thirteen, in its order)
    "Providing training and technical assistance to law enforcement and other organisations "
    "entrusted with the protection of children.",
    "Advocating ratification and implementation of the international conventions on child "
    "sexual exploitation and sexual abuse, trafficking of children, internet crimes against "
    "children and children's rights.",
    "Encouraging the adoption of bilateral and multilateral agreements to ensure the safe "
    "repatriation of children to their countries of origin, and working towards stopping "
    "arbitrary child deportation.",
    "Reviewing existing systems and policies, and using this review to work with government "
    "officials and policy leaders to improve regional cooperation against child exploitation "
    "and child trafficking in particular.",
    "Promoting formal cooperation agreements between governments, NGOs, law enforcement and "
    "other public agencies, and encouraging the appointment of liaison officers between and "
    "among these institutions.",
    "Reviewing laws and policies in the SEE region, identifying and addressing the gaps and "
    "loopholes that impede effective prosecution of child exploitation and child trafficking "
    "cases.",
    "Working with national, regional and international public and private stakeholders to "
    "harmonise the collection of data and statistics on child exploitation and child "
    "trafficking.",
    "Encouraging agencies with existing databases to share information about exploited and "
    "trafficked children, and about the consumers of these illegal enterprises.",
    "Gathering improved data and statistics to better profile the problem, and introducing "
    "new or modifying existing models and best practices.",
    "Working to eliminate the profitability of commercial child sexual exploitation by "
    "following the flow of money and shutting the illegal enterprises down.",
    "Encouraging implementation of existing best practices and model protocols on border "
    "controls and procedures to interdict child trafficking, and developing more as necessary.",
    "Working collaboratively to attack the demand for trafficking and exploitation, and "
    "expanding the legal tools available to hold customers accountable.",
    "Developing a system for evaluating the services and effectiveness of NGOs from the region "
    "working to combat child sexual exploitation.",
]
# Objectives 1–4 are the seed's key objectives, 5–17 its specific ones.
KEY_OBJECTIVES = 4

# (number, objective, title, countries, [(indicator, unit, baseline, target)])
ACTIVITIES_2015 = [
    ("1", 2, "Follow up the 116 000 implementation processes in North Macedonia, Montenegro, "
     "Bosnia and Herzegovina, Moldova and Turkey", ["MK", "ME", "BA", "MD", "TR"],
     [("Countries where the 116 000 is launched", "countries", 0, 2)]),
    ("2", 2, "Work with national stakeholders to extend the 116 000 in Ukraine to landlines",
     ["UA"], [("Landline networks carrying the 116 000", "networks", 0, 1)]),
    ("3", 2, "On-site visits: the 116 000 in Bosnia and Herzegovina and Moldova; a child alert "
     "system in Serbia and Croatia", ["BA", "MD", "RS", "HR"],
     [("On-site visits held", "visits", 0, 4)]),
    ("4", 5, "Three study visits with trainings for partner NGOs (Slovenia, Montenegro, North "
     "Macedonia) on the operational aspects of the 116 000", ["SI", "ME", "MK"],
     [("Study visits held", "visits", 0, 3), ("NGO staff trained", "people", 0, 12)]),
    ("5", 1, "Work with governments, law enforcement and NGOs to fulfil the Thessaloniki "
     "Forum Recommendations", [], [("Countries reporting follow-up", "countries", 0, 7)]),
    ("6", 4, "Expand the VICTOR info-desks in South-East Europe and at European level", [],
     [("Info-desks operating", "desks", 4, 6)]),
    ("7", 1, "Implement the MCE–SEEC common activities (Ukraine; round table in Croatia; the "
     "116 000 in Moldova)", ["UA", "HR", "MD"], [("Common activities carried out", "", 0, 3)]),
    ("8", 4, "Final phase of the VICTOR project (ends 31 March 2015)", [],
     [("Final report submitted", "", 0, 1)]),
    ("9", 1, "Associate partner in ICC's project in Turkey: strengthening child rights "
     "networks (from January 2015, 30 months)", ["TR"], []),
    ("10", 13, "ICMEC's Missing Children Research Project: draft and verify the SEE regional "
     "report", [], [("Regional report verified", "", 0, 1)]),
    ("11", 1, "Develop established and initiate new partnerships at regional and European "
     "level", [], [("New partnerships", "partners", 0, 3)]),
    ("12", 4, "Explore EU and other funding and submit project proposals", [],
     [("Project proposals submitted", "proposals", 0, 2)]),
]  # fmt: skip


def seed_plan_2015(origin) -> m.ActionPlan:
    region = {c.code: c for c in Country.objects.filter(in_region=True)}
    plan = services.save_record(
        m.ActionPlan(),
        origin=origin,
        data={
            "year": 2015,
            "title": "SEEC Action Plan 2015",
            "summary": "The fifth annual action plan: continuation of the activities of the "
            "last four years and further development of SEEC. Specific emphasis on finalising "
            "the 116 000 in Montenegro and North Macedonia, and on expanding the VICTOR "
            "info-desks.",
            "prepared_by": "Olgica Cekic, Coordinator for SEEC",
            "status": m.PlanStatus.ADOPTED,
            "adopted_on": D(2015, 1, 15),
        },
    )
    objectives = ensure_objectives_2015(origin, plan)
    for number, objective, title, codes, indicators in ACTIVITIES_2015:
        activity = services.save_record(
            m.PlannedActivity(plan=plan),
            origin=origin,
            data={
                "number": number,
                "objective": objectives[objective],
                "title": title,
                "owner": origin.actor,
                "starts": D(2015, 1, 1),
                "ends": D(2015, 3, 31) if number == "8" else D(2015, 12, 31),
            },
            m2m={"countries": [region[c] for c in codes]},
        )
        for text, unit, baseline, target in indicators:
            services.save_record(
                m.PlanIndicator(activity=activity),
                origin=origin,
                data={
                    "text": text,
                    "unit": unit,
                    "baseline": Decimal(baseline),
                    "target": Decimal(target),
                },
            )
    return plan


def ensure_objectives_2015(origin, plan) -> dict[int, m.Objective]:
    """The plan's seventeen objectives, each added if missing; its planned activities filed
    under the objective the table above gives them."""
    objectives = {o.number: o for o in plan.objectives.all()}
    for number, text in enumerate(OBJECTIVES_2015, start=1):
        if number not in objectives:
            objectives[number] = services.save_record(
                m.Objective(plan=plan), origin=origin, data={"number": number, "text": text}
            )
    activities = {a.number: a for a in plan.activities.all()}
    for number, objective, *_rest in ACTIVITIES_2015:
        activity = activities.get(number)
        if activity is not None and activity.objective_id != objectives[objective].pk:
            services.save_record(activity, origin=origin, data={"objective": objectives[objective]})
    return objectives


def seed_common_plan_2015(origin) -> None:
    mce = m.Partner.objects.get(name__startswith="Missing Children Europe")
    region = {c.code: c for c in Country.objects.filter(in_region=True)}
    plan = services.save_record(
        m.ActionPlan(),
        origin=origin,
        data={
            "year": 2015,
            "title": "MCE–SEEC common action plan 2015",
            "partner": mce,
            "status": m.PlanStatus.ADOPTED,
            "adopted_on": D(2015, 1, 15),
        },
    )
    objective = services.save_record(
        m.Objective(plan=plan),
        origin=origin,
        data={"number": 1, "text": "Common activities of MCE and SEEC in 2015."},
    )
    for number, title, codes in (
        ("C1", "Assistance to and work with actors in Ukraine on missing children, child "
         "exploitation and child trafficking", ["UA"]),
        ("C2", "Round table in Croatia on the existence and services of the 116 000, towards its "
         "full recognition by the government authorities", ["HR"]),
        ("C3", "Joint efforts to implement the 116 000 in Moldova", ["MD"]),
    ):  # fmt: skip
        services.save_record(
            m.PlannedActivity(plan=plan),
            origin=origin,
            data={"number": number, "objective": objective, "title": title, "owner": origin.actor},
            m2m={"countries": [region[c] for c in codes]},
        )


# The demo's reviews and evaluation are illustrations written for the demo, not the centre's.
REVIEWS_2015 = [
    (1, "Demo review. Plan adopted; work started on the 116 000 follow-up and the VICTOR final "
     "phase.", "Timing of the on-site visits depends on the national processes.",
     "Contact the Moldovan and Bosnian stakeholders to fix the visits.",
     {"1": ("on_track", 5), "8": ("on_track", 40), "9": ("on_track", 5)}),
    (2, "Demo review. First study visit being prepared; VICTOR workshops held.", "",
     "Host the first study visit in April.",
     {"1": ("on_track", 10), "4": ("on_track", 10), "8": ("on_track", 75)}),
    (3, "Demo review. VICTOR ended on 31 March; final report in preparation.",
     "The Ukrainian landline operators have not answered yet.",
     "Ask MCE to support the Ukrainian contacts (common activity C1).",
     {"1": ("on_track", 20), "2": ("delayed", 5), "8": ("done", 100)}),
]  # fmt: skip


def seed_reviews_and_evaluation(origin, plan) -> None:
    activities = {a.number: a for a in plan.activities.all()}
    for month, summary, issues, decisions, progress in REVIEWS_2015:
        services.record_monthly_review(
            plan,
            origin=origin,
            data={
                "month": D(2015, month, 1),
                "held_on": D(2015, month, 28),
                "summary": summary,
                "issues": issues,
                "decisions": decisions,
            },
            progress=[
                {"activity": activities[n], "status": status, "progress": share}
                for n, (status, share) in progress.items()
            ],
            actuals={
                indicator: Decimal(1)
                for indicator in m.PlanIndicator.objects.filter(activity=activities["8"])
            }
            if month == 3
            else None,
        )
    ratings = {"8": "achieved", "2": "not_achieved", "1": "partly", "4": "partly"}
    services.evaluate_plan(
        plan,
        origin=origin,
        data={
            "evaluated_on": D(2016, 1, 20),
            "summary": "Demo evaluation, written to show the document: the VICTOR project "
            "closed on time; the 116 000 processes advanced but were not finalised.",
            "lessons": "National processes set the pace of the 116 000 implementation.",
            "recommendations": "Keep the Montenegro and North Macedonia processes first in 2016.",
        },
        ratings=[
            {"activity": a, "rating": ratings.get(n, "partly"), "comment": ""}
            for n, a in activities.items()
        ],
    )


def decimal(value) -> Decimal:
    return Decimal(str(value))
