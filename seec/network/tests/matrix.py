"""The regional network's part of the authorisation matrix
(seec/core/tests/test_authorization_matrix.py imports CHECKS, ROUTES and build).

The world: the Greek hotline is a party to one agreement, hosts an info-desk and is evaluated;
a Serbian agreement, desk and evaluation are foreign to every Greek user. Activities: one in
Greece, one in Serbia, each with a participant."""

import datetime

from seec.core.audit import Origin
from seec.core.models import Country, RoleCode

ALL = frozenset([*RoleCode.values, "no_role"])
SIGNED_IN_WITH_ROLE = ALL - {"no_role"}
COORD = frozenset({RoleCode.REGIONAL_COORDINATOR})
ANALYSTS = COORD | {RoleCode.ANALYST}
HOTLINE = frozenset({RoleCode.HOTLINE_OPERATOR, RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR})
POLICE = frozenset({RoleCode.ALERT_AUTHORITY, RoleCode.LIAISON_OFFICER})
PERSONAL = HOTLINE | POLICE
# Greek organisations' staff (the hotline and the police) and the regional centre's analyst.
GREEK = PERSONAL
SUPERVISORS = frozenset({RoleCode.SUPERVISOR})
NOBODY = frozenset()


def checks(Check):
    """The checks, built with the matrix's own Check class."""

    def page(name, url, allowed, marker=None):
        return Check(name, url, frozenset(allowed), marker=marker, api=False)

    def api(name, url, allowed, marker=None):
        return Check(name, url, frozenset(allowed), marker=marker)

    def x(key):
        return lambda w: w.extras["network"][key]

    return [
        # Country profiles and the map: the region's reference, every signed-in user.
        page("network: map", lambda w: "/network/?topic=child_alert&at=2015-06-01", ALL),
        page("network: map as SVG", lambda w: "/network/map.svg?topic=hotline", ALL),
        page("network: country profile", lambda w: "/network/countries/RS/?at=2013-01-01", ALL),
        page("network: recorded facts", lambda w: "/network/countries/RS/facts/", COORD),
        page("network: new fact", lambda w: "/network/countries/RS/facts/new/hotline/", COORD),
        page("network: new gap", lambda w: "/network/countries/RS/gaps/new/", COORD),
        api("network: profiles (API)", lambda w: "/api/network/profiles/?at=2015-01-01", ALL),
        api("network: profile (API)", lambda w: "/api/network/profiles/RS/", ALL),
        api("network: hotline directory (API)", lambda w: "/api/network/hotline-directory/", ALL),
        # Partners: the coordinators; a partner on the platform sees its own entry.
        page("network: partners", lambda w: "/network/partners/", COORD),
        page("network: new partner", lambda w: "/network/partners/new/", COORD),
        page(
            "network: own partner entry",
            lambda w: f"/network/partners/{x('gr_partner')(w).pk}/",
            COORD | HOTLINE,
        ),
        page(
            "network: foreign partner entry",
            lambda w: f"/network/partners/{x('rs_partner')(w).pk}/",
            COORD,
        ),
        page(
            "network: partner's contact person",
            lambda w: f"/network/partners/{x('gr_partner')(w).pk}/",
            COORD,
            marker=lambda w: "person.gr@partner.invalid",
        ),
        page(
            "network: edit partner",
            lambda w: f"/network/partners/{x('gr_partner')(w).pk}/edit/",
            COORD,
        ),
        # Agreements: the coordinators, and the staff of a party.
        page("network: agreements", lambda w: "/network/agreements/", ALL),
        page(
            "network: own agreement in the list",
            lambda w: "/network/agreements/",
            COORD | HOTLINE,
            marker=lambda w: f'href="/network/agreements/{x("agreement")(w).pk}/"',
        ),
        page(
            "network: foreign agreement in the list",
            lambda w: "/network/agreements/",
            COORD,
            marker=lambda w: f'href="/network/agreements/{x("foreign_agreement")(w).pk}/"',
        ),
        page(
            "network: own agreement",
            lambda w: f"/network/agreements/{x('agreement')(w).pk}/",
            COORD | HOTLINE,
        ),
        page(
            "network: foreign agreement",
            lambda w: f"/network/agreements/{x('foreign_agreement')(w).pk}/",
            COORD,
        ),
        page("network: new agreement", lambda w: "/network/agreements/new/", COORD),
        page(
            "network: edit agreement",
            lambda w: f"/network/agreements/{x('agreement')(w).pk}/edit/",
            COORD,
        ),
        page(
            "network: own signed agreement",
            lambda w: f"/network/agreements/documents/{x('document')(w).pk}/",
            COORD | HOTLINE,
        ),
        page(
            "network: foreign signed agreement",
            lambda w: f"/network/agreements/documents/{x('foreign_document')(w).pk}/",
            COORD,
        ),
        api(
            "network: own agreement (API)",
            lambda w: f"/api/network/agreements/{x('agreement')(w).pk}/",
            COORD | HOTLINE,
        ),
        api(
            "network: foreign agreement (API)",
            lambda w: f"/api/network/agreements/{x('foreign_agreement')(w).pk}/",
            COORD,
        ),
        api(
            "network: foreign agreement in the list (API)",
            lambda w: "/api/network/agreements/",
            COORD,
            marker=lambda w: f'"id":{x("foreign_agreement")(w).pk},',
        ),
        # The liaison officers' directory: police, centres and the coordinators.
        page(
            "network: liaison officers",
            lambda w: "/network/liaison-officers/?q=djordjevic",
            COORD | PERSONAL,
            marker=lambda w: "Ђорђевић",
        ),
        page("network: new liaison officer", lambda w: "/network/liaison-officers/new/", COORD),
        page(
            "network: edit liaison officer",
            lambda w: f"/network/liaison-officers/{x('officer')(w).pk}/edit/",
            COORD,
        ),
        api(
            "network: liaison officers (API)",
            lambda w: "/api/network/liaison-officers/?q=Djordjevic",
            COORD | PERSONAL,
            marker=lambda w: "Ђорђевић",
        ),
        # The action plan: coordinators write; analysts read; nobody else.
        page("network: action plans", lambda w: "/network/plans/", ANALYSTS),
        page("network: action plan", lambda w: f"/network/plans/{x('plan')(w).pk}/", ANALYSTS),
        page(
            "network: add to a plan",
            lambda w: f"/network/plans/{x('plan')(w).pk}/add/objective/",
            COORD,
        ),
        page(
            "network: new monthly review",
            lambda w: f"/network/plans/{x('plan')(w).pk}/reviews/new/",
            COORD,
        ),
        page(
            "network: new annual evaluation",
            lambda w: f"/network/plans/{x('plan')(w).pk}/evaluation/new/",
            COORD,
        ),
        page(
            "network: monthly review", lambda w: f"/network/reviews/{x('review')(w).pk}/", ANALYSTS
        ),
        page(
            "network: monthly review (PDF)",
            lambda w: f"/network/reviews/{x('review')(w).pk}/review.pdf",
            ANALYSTS,
        ),
        page(
            "network: annual evaluation (PDF)",
            lambda w: f"/network/plans/{x('plan')(w).pk}/evaluation.pdf",
            ANALYSTS,
        ),
        api("network: action plans (API)", lambda w: "/api/network/plans/", ALL),
        api(
            "network: action plan in the list (API)",
            lambda w: "/api/network/plans/",
            ANALYSTS,
            marker=lambda w: f'"id":{x("plan")(w).pk},',
        ),
        api(
            "network: action plan (API)",
            lambda w: f"/api/network/plans/{x('plan')(w).pk}/",
            ANALYSTS,
        ),
        # Service evaluations: the evaluated service's supervisors and the coordinators;
        # analysts read the region's summary.
        page("network: evaluations", lambda w: "/network/evaluations/", ANALYSTS | SUPERVISORS),
        page(
            "network: own evaluation in the list",
            lambda w: "/network/evaluations/",
            COORD | SUPERVISORS,
            marker=lambda w: f'href="/network/evaluations/{x("evaluation")(w).pk}/"',
        ),
        page(
            "network: foreign evaluation in the list",
            lambda w: "/network/evaluations/",
            COORD,
            marker=lambda w: f'href="/network/evaluations/{x("foreign_evaluation")(w).pk}/"',
        ),
        page(
            "network: own evaluation",
            lambda w: f"/network/evaluations/{x('evaluation')(w).pk}/",
            COORD | SUPERVISORS,
        ),
        page(
            "network: foreign evaluation",
            lambda w: f"/network/evaluations/{x('foreign_evaluation')(w).pk}/",
            COORD,
        ),
        page("network: criteria", lambda w: f"/network/criteria/{x('catalogue')(w).pk}/", ALL),
        # Activities: the staff of the countries concerned and analysts; participants (personal
        # data) the coordinators alone.
        page("network: activities", lambda w: "/network/activities/", ALL),
        page(
            "network: own country's activity",
            lambda w: f"/network/activities/{x('activity')(w).pk}/",
            ANALYSTS | PERSONAL,
        ),
        page(
            "network: foreign activity",
            lambda w: f"/network/activities/{x('foreign_activity')(w).pk}/",
            ANALYSTS,
        ),
        page(
            "network: participants' names",
            lambda w: f"/network/activities/{x('activity')(w).pk}/",
            COORD,
            marker=lambda w: "Participant Eleni",
        ),
        page(
            "network: foreign activity in the list",
            lambda w: "/network/activities/",
            ANALYSTS,
            marker=lambda w: f'href="/network/activities/{x("foreign_activity")(w).pk}/"',
        ),
        page("network: new activity", lambda w: "/network/activities/new/", COORD),
        page(
            "network: edit activity",
            lambda w: f"/network/activities/{x('activity')(w).pk}/edit/",
            COORD,
        ),
        page(
            "network: certificates (PDF)",
            lambda w: f"/network/activities/{x('activity')(w).pk}/certificates.pdf",
            COORD,
        ),
        # Info-desks: the host's staff (who log), coordinators and analysts.
        page("network: info-desks", lambda w: "/network/info-desks/", ALL),
        page(
            "network: own info-desk",
            lambda w: f"/network/info-desks/{x('desk')(w).pk}/",
            ANALYSTS | HOTLINE,
        ),
        page(
            "network: foreign info-desk",
            lambda w: f"/network/info-desks/{x('foreign_desk')(w).pk}/",
            ANALYSTS,
        ),
        page("network: new info-desk", lambda w: "/network/info-desks/new/", COORD),
        page(
            "network: edit info-desk",
            lambda w: f"/network/info-desks/{x('desk')(w).pk}/edit/",
            COORD,
        ),
        # Projects and funding proposals: the coordinators.
        page("network: projects", lambda w: "/network/projects/", COORD),
        page("network: new project", lambda w: "/network/projects/new/", COORD),
        page("network: project", lambda w: f"/network/projects/{x('project')(w).pk}/", COORD),
        page(
            "network: edit project",
            lambda w: f"/network/projects/{x('project')(w).pk}/edit/",
            COORD,
        ),
        api(
            "network: own evaluation (API)",
            lambda w: f"/api/network/evaluations/{x('evaluation')(w).pk}/",
            COORD | SUPERVISORS,
        ),
        api(
            "network: foreign evaluation (API)",
            lambda w: f"/api/network/evaluations/{x('foreign_evaluation')(w).pk}/",
            COORD,
        ),
        api(
            "network: foreign evaluation in the list (API)",
            lambda w: "/api/network/evaluations/",
            COORD,
            marker=lambda w: f'"id":{x("foreign_evaluation")(w).pk},',
        ),
        api("network: indicators (API)", lambda w: "/api/network/indicators/", ALL),
        api(
            "network: own country's activity (API)",
            lambda w: f"/api/network/activities/{x('activity')(w).pk}/",
            ANALYSTS | PERSONAL,
        ),
        api(
            "network: foreign activity (API)",
            lambda w: f"/api/network/activities/{x('foreign_activity')(w).pk}/",
            ANALYSTS,
        ),
        api(
            "network: no participant's name in the API",
            lambda w: "/api/network/activities/",
            NOBODY,
            marker=lambda w: "Participant Eleni",
        ),
    ]


# Named routes covered by the checks above, or by tests of their own (POST-only steps).
ROUTES = {
    "network:home",
    "network:map-svg",
    "network:country",
    "network:country-facts",
    "network:fact-new",
    "network:gap-new",
    "network:partners",
    "network:partner-new",
    "network:partner",
    "network:partner-edit",
    "network:agreements",
    "network:agreement-new",
    "network:agreement",
    "network:agreement-edit",
    "network:agreement-document",
    "network:directory",
    "network:officer-new",
    "network:officer-edit",
    "network-profiles",
    "network-profile",
    "network-hotline-directory",
    "network-agreement-list",
    "network-agreement-detail",
    "liaison-officer-list",
    "network:plans",
    "network:plan",
    "network:plan-part",
    "network:review-new",
    "network:evaluation-new",
    "network:review",
    "network:review-pdf",
    "network:evaluation-pdf",
    "action-plan-list",
    "network:evaluations",
    "network:evaluation",
    "network:catalogue",
    "network:evaluation-step",
    "network:activities",
    "network:activity",
    "network:activity-new",
    "network:activity-edit",
    "network:certificates-pdf",
    "network:desks",
    "network:desk",
    "network:desk-new",
    "network:desk-edit",
    "network:projects",
    "network:project",
    "network:project-new",
    "network:project-edit",
    "network:certificates-issue",
    "network:follow-up",
    "service-evaluation-list",
    "service-evaluation-detail",
    "network-indicators",
    "network-activity-list",
    "network-activity-detail",
    "action-plan-detail",
    # POST-only: seec/network/tests/test_network_steps_refused.py tries each as every role.
    "network:fact-withdraw",
    "network:agreement-terminate",
    "network-facts",
}


def build(region) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from seec.network import models as m
    from seec.network import services

    coordinator = region.users[RoleCode.REGIONAL_COORDINATOR]
    origin = Origin(coordinator)
    region_countries = {c.code: c for c in Country.objects.filter(in_region=True)}

    def partner(name, organisation, code):
        return services.save_record(
            m.Partner(),
            origin=origin,
            data={"name": name, "kind": "ngo", "country_id": code, "organisation": organisation},
        )

    gr_partner = partner("Greek hotline (partner)", region.gr_hotline, "GR")
    rs_partner = partner("Serbian hotline (partner)", region.rs_hotline, "RS")
    mce = partner("Missing Children Europe", None, None)
    services.save_record(
        m.PartnerPerson(partner=gr_partner),
        origin=origin,
        data={"name": "Eleni", "email": "person.gr@partner.invalid"},
    )

    def agreement(title, parties):
        return services.save_agreement(
            None,
            origin=origin,
            data={
                "title": title,
                "kind": "mou",
                "scope": "x",
                "valid_from": datetime.date(2024, 1, 1),
            },
            parties=parties,
        )

    own = agreement("GR–MCE memorandum", [gr_partner, mce])
    foreign = agreement("RS–MCE memorandum", [rs_partner, mce])
    pdf = b"%PDF-1.4\n%%EOF\n"

    def document(on):
        return services.add_agreement_document(
            on, origin=origin, upload=SimpleUploadedFile("a.pdf", pdf)
        )

    officer = services.save_record(
        m.LiaisonOfficer(),
        origin=origin,
        data={
            "name": "Јелена Ђорђевић",
            "institution": "Border police",
            "country": region_countries["RS"],
            "phone_24_7": "+381113061000",
            "email": "j@example.org",
            "appointed_on": datetime.date(2024, 1, 1),
        },
    )
    plan = services.save_record(
        m.ActionPlan(), origin=origin, data={"year": 2015, "title": "Action Plan 2015"}
    )
    activity = services.save_record(
        m.PlannedActivity(plan=plan), origin=origin, data={"number": "1", "title": "Visits"}
    )
    review = services.record_monthly_review(
        plan,
        origin=origin,
        data={"month": datetime.date(2015, 1, 1), "held_on": datetime.date(2015, 1, 30)},
        progress=[{"activity": activity, "status": "on_track", "progress": 10}],
    )
    services.evaluate_plan(
        plan,
        origin=origin,
        data={"evaluated_on": datetime.date(2016, 1, 10), "summary": "Done"},
        ratings=[{"activity": activity, "rating": "achieved"}],
    )
    catalogue = m.CriteriaCatalogue.objects.get(kind="decision_116000", version=1)

    def evaluation(organisation):
        return services.start_evaluation(
            origin=origin, organisation=organisation, catalogue=catalogue, year=2024
        )

    def activity(code):
        found = services.save_record(
            m.Activity(created_by=coordinator),
            origin=origin,
            data={
                "kind": "training",
                "title": f"Training {code}",
                "starts_on": datetime.date(2024, 3, 1),
                "ends_on": datetime.date(2024, 3, 2),
            },
            m2m={"countries": [region_countries[code]]},
        )
        services.save_record(
            m.Participant(activity=found),
            origin=origin,
            data={"name": f"Participant Eleni {code}", "organisation_name": "x",
                  "sector": "ngo", "country": region_countries[code], "completed": True},
        )  # fmt: skip
        services.issue_certificates(found, origin=origin)
        return found

    def desk(host, code):
        return services.save_record(
            m.InfoDesk(),
            origin=origin,
            data={"name": f"Desk {code}", "host": host, "country": region_countries[code],
                  "place": "x", "opens_on": datetime.date(2024, 1, 1)},
        )  # fmt: skip

    own_activity = activity("GR")
    recommendation = services.save_record(
        m.Recommendation(activity=own_activity), origin=origin, data={"number": 1, "text": "x"}
    )
    return {
        "activity": own_activity,
        "recommendation": recommendation,
        "foreign_activity": activity("RS"),
        "desk": desk(gr_partner, "GR"),
        "foreign_desk": desk(rs_partner, "RS"),
        "project": services.save_record(
            m.Project(),
            origin=origin,
            data={"title": "VICTOR", "donor": "EU", "role": "Partner", "status": "running"},
        ),
        "catalogue": catalogue,
        "evaluation": evaluation(region.gr_hotline),
        "foreign_evaluation": evaluation(region.rs_hotline),
        "plan": plan,
        "review": review,
        "gr_partner": gr_partner,
        "rs_partner": rs_partner,
        "agreement": own,
        "foreign_agreement": foreign,
        "document": document(own),
        "foreign_document": document(foreign),
        "officer": officer,
    }
