"""The regional network's part of the authorisation matrix
(seec/core/tests/test_authorization_matrix.py imports CHECKS, ROUTES and build).

The world: the Greek hotline is a party to one agreement, hosts an info-desk and is evaluated;
a Serbian agreement, desk and evaluation are foreign to every Greek user. Activities: one in
Greece, one in Serbia, each with a participant."""

import datetime

from seec.core.audit import Origin
from seec.core.models import Country, RoleCode
from seec.network.tests.test_agreements import a_pdf

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
        # Criteria catalogues: a published version every signed-in user reads; a draft, and
        # every change, the coordinators alone (a draft is hidden from others: 404).
        page("network: criteria catalogues", lambda w: "/network/criteria/", ALL),
        page(
            "network: draft catalogue in the list",
            lambda w: "/network/criteria/",
            COORD,
            marker=lambda w: f'href="/network/criteria/{x("draft")(w).pk}/"',
        ),
        page(
            "network: published catalogue",
            lambda w: f"/network/criteria/{x('published_catalogue')(w).pk}/",
            ALL,
        ),
        page("network: draft catalogue", lambda w: f"/network/criteria/{x('draft')(w).pk}/", COORD),
        page(
            "network: new criterion",
            lambda w: f"/network/criteria/{x('draft')(w).pk}/criteria/new/",
            COORD,
        ),
        page(
            "network: edit criterion",
            lambda w: f"/network/criteria/criterion/{x('criterion')(w).pk}/edit/",
            COORD,
        ),
        api("network: criteria catalogues (API)", lambda w: "/api/network/catalogues/", ALL),
        api(
            "network: draft catalogue in the list (API)",
            lambda w: "/api/network/catalogues/",
            COORD,
            marker=lambda w: '"kind":"minimum_standards","version":2,',
        ),
        api(
            "network: published catalogue (API)",
            lambda w: f"/api/network/catalogues/{x('published_catalogue')(w).pk}/",
            ALL,
        ),
        api(
            "network: draft catalogue (API)",
            lambda w: f"/api/network/catalogues/{x('draft')(w).pk}/",
            COORD,
        ),
        api(
            "network: published criterion (API)",
            lambda w: f"/api/network/criteria/{x('published_criterion')(w).pk}/",
            ALL,
        ),
        api(
            "network: draft's criterion (API)",
            lambda w: f"/api/network/criteria/{x('criterion')(w).pk}/",
            COORD,
        ),
        # Model protocols: the region's reference; the coordinators enter and change them.
        page("network: model protocols", lambda w: "/network/protocols/", ALL),
        page(
            "network: model protocol", lambda w: f"/network/protocols/{x('protocol')(w).pk}/", ALL
        ),
        page("network: new model protocol", lambda w: "/network/protocols/new/", COORD),
        page(
            "network: edit model protocol",
            lambda w: f"/network/protocols/{x('protocol')(w).pk}/edit/",
            COORD,
        ),
        api("network: model protocols (API)", lambda w: "/api/network/protocols/", ALL),
        api(
            "network: model protocol (API)",
            lambda w: f"/api/network/protocols/{x('protocol')(w).pk}/",
            ALL,
        ),
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
        # The coordinators' own records through the API: reminders, participants, certificates.
        api(
            "network: agreement reminders (API)",
            lambda w: "/api/network/agreement-reminders/",
            COORD,
        ),
        api(
            "network: participants (API)",
            lambda w: f"/api/network/activities/{x('activity')(w).pk}/participants/",
            COORD,
            marker=lambda w: "Participant Eleni",
        ),
        api(
            "network: foreign participants (API)",
            lambda w: f"/api/network/activities/{x('foreign_activity')(w).pk}/participants/",
            COORD,
        ),
        api(
            "network: certificates (API, PDF)",
            lambda w: f"/api/network/activities/{x('activity')(w).pk}/certificates.pdf",
            COORD,
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
    "network-agreement-reminders",
    "network-activity-participants",
    "network-activity-certificates",
    "network:catalogues",
    "network:criterion-new",
    "network:criterion-edit",
    "network:protocols",
    "network:protocol",
    "network:protocol-new",
    "network:protocol-edit",
    "criteria-catalogue-list",
    "criteria-catalogue-detail",
    "criterion-detail",
    "model-protocol-list",
    "model-protocol-detail",
    # POST-only, tried as every role by the writes below (NETWORK_WRITES).
    "network:catalogue-step",
    "network:criterion-remove",
    "criteria-catalogue-new-version",
    "criteria-catalogue-publish",
    "criteria-catalogue-discard",
    "criteria-catalogue-criteria",
    "model-protocol-adoptions",
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
    pdf = a_pdf()

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

    # Criteria catalogues: the hotline minimum standards published (version 1, one criterion)
    # and version 2 a draft with three; a CHI catalogue a draft of its first version.
    published = services.create_catalogue(
        origin=origin, kind="minimum_standards", title="Hotline minimum standards"
    )

    def criterion(on, code):
        return services.save_criterion(
            m.Criterion(catalogue=on), origin=origin,
            data={"code": code, "text": f"Criterion {code}", "weight": 1},
        )  # fmt: skip

    published_criterion = criterion(published, "MS1")
    published = services.publish_catalogue(published, origin=origin, on=datetime.date(2024, 1, 1))
    draft = services.new_catalogue_version(published, origin=origin)
    chi_draft = services.create_catalogue(origin=origin, kind="chi", title="CHI standards")
    criterion(chi_draft, "CHI1")
    protocol = services.save_record(
        m.ModelProtocol(),
        origin=origin,
        data={"code": "border-control", "title": "Border-control protocol", "topic": "x"},
    )

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
        "published_catalogue": published,
        "published_criterion": published_criterion,
        "draft": draft,
        "criterion": draft.criteria.get(code="MS1"),
        "criterion_to_remove": criterion(draft, "MS2"),
        "criterion_to_delete": criterion(draft, "MS3"),
        "chi_draft": chi_draft,
        "protocol": protocol,
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


# --- Writes --------------------------------------------------------------------------------------
#
# Every write method of the network's pages and API, tried by every role of the demo: a role
# outside `writers` is refused (a signed-in user 403, or 404 where the object is hidden, or 405
# where the endpoint takes no write; anonymous a redirect to sign in, or 401/403 from the API)
# and nothing is written. A role in `writers` is not refused. The API is read-only except for
# the facts' POST, the criteria catalogues and the model protocols (the coordinators): no role
# may write through the other endpoints, the coordinator included.
# POST-only steps are tried in seec/network/tests/test_network_steps_refused.py.

API_READ_ONLY = NOBODY
LOGGERS = COORD | HOTLINE  # an info-desk's host's staff log its daily counts


def writes(Write):
    """The writes, built with the matrix's own Write class."""

    def post(name, url, data, writers, multipart=False):
        return Write(name, "post", url, data, frozenset(writers), api=False, multipart=multipart)

    def api(name, method, url, writers=API_READ_ONLY, data=None):
        return Write(name, method, url, data or (lambda w: {"title": "x"}), frozenset(writers))

    def x(key):
        return lambda w: w.extras["network"][key]

    def body(**fields):
        return lambda w: {k: v(w) if callable(v) else v for k, v in fields.items()}

    def pk(key):
        return lambda w: x(key)(w).pk

    def criteria(w, prefix, score):
        rows = x(prefix[1])(w).assessments.all()
        return {f"{prefix[0]}{r.criterion_id}-score": score for r in rows}

    found = [
        # Country profiles.
        post(
            "network: record a fact",
            lambda w: "/network/countries/RS/facts/new/hotline/",
            body(effective_from="2015-02-01", stage="none"),
            COORD,
        ),
        post(
            "network: record a gap",
            lambda w: "/network/countries/RS/gaps/new/",
            body(
                topic="Child alerts",
                title="A gap",
                status="identified",
                effective_from="2015-02-01",
            ),
            COORD,
        ),
        # Partners and agreements: read by the parties' staff, written by the coordinators.
        post(
            "network: new partner",
            lambda w: "/network/partners/new/",
            body(name="A new partner", kind="ngo"),
            COORD,
        ),
        post(
            "network: edit partner",
            lambda w: f"/network/partners/{pk('gr_partner')(w)}/edit/",
            body(name="Renamed partner", kind="ngo"),
            COORD,
        ),
        post(
            "network: add a partner's contact person",
            lambda w: f"/network/partners/{pk('gr_partner')(w)}/",
            body(name="Intruding contact"),
            COORD,
        ),
        post(
            "network: new agreement",
            lambda w: "/network/agreements/new/",
            body(
                title="A new agreement",
                kind="mou",
                scope="x",
                valid_from="2024-01-01",
                parties=lambda w: [pk("gr_partner")(w), pk("rs_partner")(w)],
            ),
            COORD,
        ),
        post(
            "network: edit agreement",
            lambda w: f"/network/agreements/{pk('agreement')(w)}/edit/",
            body(
                title="Renamed agreement",
                kind="mou",
                scope="x",
                valid_from="2024-01-01",
                parties=lambda w: [pk("gr_partner")(w), pk("rs_partner")(w)],
            ),
            COORD,
        ),
        post(
            "network: upload a signed agreement",
            lambda w: f"/network/agreements/{pk('agreement')(w)}/",
            lambda w: {"file": w.extras["network"]["upload"](), "description": "x"},
            COORD,
            multipart=True,
        ),
        # The liaison officers' directory: read by police and centres.
        post(
            "network: new liaison officer",
            lambda w: "/network/liaison-officers/new/",
            body(
                name="New officer",
                institution="x",
                country=lambda w: "RS",
                phone_24_7="+381113061000",
                email="n@example.org",
                appointed_on="2024-01-01",
            ),
            COORD,
        ),
        post(
            "network: edit liaison officer",
            lambda w: f"/network/liaison-officers/{pk('officer')(w)}/edit/",
            body(
                name="Renamed officer",
                institution="x",
                country="RS",
                phone_24_7="+381113061000",
                email="n@example.org",
                appointed_on="2024-01-01",
            ),
            COORD,
        ),
        # The action plan: read by analysts.
        post(
            "network: new action plan",
            lambda w: "/network/plans/",
            body(year=2031, title="Plan 2031", status="draft"),
            COORD,
        ),
        post(
            "network: add an objective",
            lambda w: f"/network/plans/{pk('plan')(w)}/add/objective/",
            body(number=9, text="An objective"),
            COORD,
        ),
        post(
            "network: record a monthly review",
            lambda w: f"/network/plans/{pk('open_plan')(w)}/reviews/new/",
            lambda w: {
                "review-month": "2016-02",
                "review-held_on": "2016-02-27",
                f"a{pk('open_activity')(w)}-status": "on_track",
                f"a{pk('open_activity')(w)}-progress": 10,
            },
            COORD,
        ),
        post(
            "network: evaluate a plan",
            lambda w: f"/network/plans/{pk('open_plan')(w)}/evaluation/new/",
            lambda w: {
                "evaluation-evaluated_on": "2017-01-10",
                "evaluation-summary": "x",
                f"a{pk('open_activity')(w)}-rating": "partly",
            },
            COORD,
        ),
        # Service evaluations: the evaluated service's supervisors self-assess, the centre
        # reviews; analysts read the region's summary.
        post(
            "network: start an evaluation",
            lambda w: "/network/evaluations/",
            body(
                organisation=lambda w: w.extras["network"]["gr_hotline"].pk,
                catalogue=pk("catalogue"),
                year=2030,
            ),
            COORD,
        ),
        post(
            "network: self-assess",
            lambda w: f"/network/evaluations/{pk('evaluation')(w)}/",
            lambda w: {"self": "save", **criteria(w, ("c", "evaluation"), 2)},
            SUPERVISORS,
        ),
        post(
            "network: review an evaluation",
            lambda w: f"/network/evaluations/{pk('under_review')(w)}/",
            lambda w: {"review": "1", **criteria(w, ("r", "under_review"), 2)},
            COORD,
        ),
        # The Serbian hotline has no supervisor on the platform: the coordinator self-assesses
        # on its behalf (rules.without_supervisor); a Greek supervisor may not.
        post(
            "network: self-assess a foreign service",
            lambda w: f"/network/evaluations/{pk('foreign_evaluation')(w)}/",
            lambda w: {"self": "save", **criteria(w, ("c", "foreign_evaluation"), 2)},
            COORD,
        ),
        post(
            "network: new criteria version",
            lambda w: f"/network/criteria/{pk('catalogue')(w)}/",
            # A body (an empty POST leaves the form unbound): the title, or empty for the same.
            body(title="116 000 conditions, revised"),
            COORD,
        ),
        # Activities: read by the countries' staff and analysts.
        post(
            "network: new activity",
            lambda w: "/network/activities/new/",
            body(kind="forum", title="A forum", starts_on="2024-05-01", ends_on="2024-05-02"),
            COORD,
        ),
        post(
            "network: edit activity",
            lambda w: f"/network/activities/{pk('activity')(w)}/edit/",
            body(
                kind="training",
                title="Renamed training",
                starts_on="2024-03-01",
                ends_on="2024-03-02",
            ),
            COORD,
        ),
        post(
            "network: add a participant",
            lambda w: f"/network/activities/{pk('activity')(w)}/",
            body(
                **{
                    "action": "participant",
                    "p-name": "Intruder",
                    "p-organisation_name": "x",
                    "p-sector": "ngo",
                    "p-country": "GR",
                }
            ),
            COORD,
        ),
        post(
            "network: add a recommendation",
            lambda w: f"/network/activities/{pk('activity')(w)}/",
            body(**{"action": "recommendation", "r-number": 2, "r-text": "x"}),
            COORD,
        ),
        # Info-desks: the host's staff log; analysts read.
        post(
            "network: new info-desk",
            lambda w: "/network/info-desks/new/",
            body(
                name="New desk",
                host=pk("gr_partner"),
                country="GR",
                place="x",
                opens_on="2024-01-01",
            ),
            COORD,
        ),
        post(
            "network: edit info-desk",
            lambda w: f"/network/info-desks/{pk('desk')(w)}/edit/",
            body(
                name="Renamed desk",
                host=pk("gr_partner"),
                country="GR",
                place="x",
                opens_on="2024-01-01",
            ),
            COORD,
        ),
        post(
            "network: log an info-desk's contacts",
            lambda w: f"/network/info-desks/{pk('desk')(w)}/",
            body(day="2024-02-01", kind="information", count=3),
            LOGGERS,
        ),
        post(
            "network: log a foreign info-desk's contacts",
            lambda w: f"/network/info-desks/{pk('foreign_desk')(w)}/",
            body(day="2024-02-01", kind="information", count=3),
            COORD,
        ),
        # Projects: the coordinators alone.
        post(
            "network: new project",
            lambda w: "/network/projects/new/",
            body(title="P", donor="EU", role="Partner", status="planned", currency="EUR"),
            COORD,
        ),
        post(
            "network: edit project",
            lambda w: f"/network/projects/{pk('project')(w)}/edit/",
            body(title="Renamed", donor="EU", role="Partner", status="running", currency="EUR"),
            COORD,
        ),
        post(
            "network: add a project report",
            lambda w: f"/network/projects/{pk('project')(w)}/",
            body(title="Interim report", due_on="2025-01-31"),
            COORD,
        ),
    ]
    for name, collection, item in [
        (
            "agreements",
            "/api/network/agreements/",
            lambda w: f"/api/network/agreements/{pk('agreement')(w)}/",
        ),
        ("action plans", "/api/network/plans/", lambda w: f"/api/network/plans/{pk('plan')(w)}/"),
        (
            "evaluations",
            "/api/network/evaluations/",
            lambda w: f"/api/network/evaluations/{pk('evaluation')(w)}/",
        ),
        (
            "activities",
            "/api/network/activities/",
            lambda w: f"/api/network/activities/{pk('activity')(w)}/",
        ),
        ("profiles", "/api/network/profiles/", lambda w: "/api/network/profiles/RS/"),
    ]:
        found.append(api(f"network: create in {name} (API)", "post", lambda w, c=collection: c))
        for method in ("put", "patch", "delete"):
            found.append(api(f"network: {method} one of {name} (API)", method, item))
    for name, url in [
        ("liaison officers", lambda w: "/api/network/liaison-officers/"),
        ("hotline directory", lambda w: "/api/network/hotline-directory/"),
        ("indicators", lambda w: "/api/network/indicators/"),
        ("agreement reminders", lambda w: "/api/network/agreement-reminders/"),
        ("participants", lambda w: f"/api/network/activities/{pk('activity')(w)}/participants/"),
        ("certificates", lambda w: f"/api/network/activities/{pk('activity')(w)}/certificates.pdf"),
        ("facts", lambda w: "/api/network/facts/"),
    ]:
        methods = ("put", "patch", "delete") if name == "facts" else ("post", "put", "delete")
        for method in methods:
            found.append(api(f"network: {method} {name} (API)", method, url))
    found += catalogue_and_protocol_writes(post, api, pk, body)
    return found  # fmt: skip


def catalogue_and_protocol_writes(post, api, pk, body):
    """Criteria catalogues and model protocols: the coordinators write, on the pages and through
    the API; nobody else. In this order, each coordinator's write finds what it needs: the
    draft's criteria are changed before it is published; the CHI draft of the world is
    discarded so that the API can start that catalogue again, and the API's is discarded so
    that the page can."""
    from seec.network import models as m

    def latest(kind):
        return lambda w: m.CriteriaCatalogue.objects.filter(kind=kind).order_by("-version")[0].pk

    draft = pk("draft")
    return [
        post(
            "network: add a criterion to a draft",
            lambda w: f"/network/criteria/{draft(w)}/criteria/new/",
            body(code="NEW1", text="A new criterion", weight=1),
            COORD,
        ),
        post(
            "network: edit a draft's criterion",
            lambda w: f"/network/criteria/criterion/{pk('criterion')(w)}/edit/",
            body(code="MS1", text="Edited on the page", weight=2),
            COORD,
        ),
        post(
            "network: remove a draft's criterion",
            lambda w: f"/network/criteria/criterion/{pk('criterion_to_remove')(w)}/remove/",
            body(),
            COORD,
        ),
        api(
            "network: add a criterion to a draft (API)",
            "post",
            lambda w: f"/api/network/catalogues/{draft(w)}/criteria/",
            COORD,
            body(code="API1", text="Through the API"),
        ),
        api(
            "network: put a draft's criterion (API)",
            "put",
            lambda w: f"/api/network/criteria/{pk('criterion')(w)}/",
            COORD,
            body(code="MS1", text="Put through the API"),
        ),
        api(
            "network: patch a draft's criterion (API)",
            "patch",
            lambda w: f"/api/network/criteria/{pk('criterion')(w)}/",
            COORD,
            body(text="Patched through the API"),
        ),
        api(
            "network: delete a draft's criterion (API)",
            "delete",
            lambda w: f"/api/network/criteria/{pk('criterion_to_delete')(w)}/",
            COORD,
        ),
        *[
            api(f"network: {method} a catalogue (API)", method,
                lambda w: f"/api/network/catalogues/{draft(w)}/")
            for method in ("put", "patch", "delete")
        ],
        post(
            "network: discard a draft catalogue",
            lambda w: f"/network/criteria/{pk('chi_draft')(w)}/discard/",
            body(reason="Entered by mistake"),
            COORD,
        ),
        api(
            "network: start a catalogue (API)",
            "post",
            lambda w: "/api/network/catalogues/",
            COORD,
            body(kind="chi", title="CHI quality standards"),
        ),
        api(
            "network: discard a draft catalogue (API)",
            "post",
            lambda w: f"/api/network/catalogues/{latest('chi')(w)}/discard/",
            COORD,
            body(reason="Entered by mistake"),
        ),
        post(
            "network: start a catalogue",
            lambda w: "/network/criteria/",
            body(kind="chi", title="CHI quality standards"),
            COORD,
        ),
        post(
            "network: publish a draft catalogue",
            lambda w: f"/network/criteria/{draft(w)}/publish/",
            body(),
            COORD,
        ),
        # The draft is published (for the coordinator; still a draft for the others).
        api(
            "network: new catalogue version (API)",
            "post",
            lambda w: f"/api/network/catalogues/{draft(w)}/new-version/",
            COORD,
        ),
        api(
            "network: publish a draft catalogue (API)",
            "post",
            lambda w: f"/api/network/catalogues/{latest('minimum_standards')(w)}/publish/",
            COORD,
            body(),
        ),
        # Model protocols and their adoption.
        post(
            "network: new model protocol",
            lambda w: "/network/protocols/new/",
            body(code="safe-return", title="Safe return", topic="Returns"),
            COORD,
        ),
        post(
            "network: edit model protocol",
            lambda w: f"/network/protocols/{pk('protocol')(w)}/edit/",
            body(code="border-control", title="Renamed protocol", topic="x"),
            COORD,
        ),
        post(
            "network: record a protocol's adoption",
            lambda w: f"/network/protocols/{pk('protocol')(w)}/",
            body(country="GR", stage="promoted", effective_from="2024-01-15"),
            COORD,
        ),
        api(
            "network: create a model protocol (API)",
            "post",
            lambda w: "/api/network/protocols/",
            COORD,
            body(code="api-protocol", title="Through the API", topic="x"),
        ),
        api(
            "network: put a model protocol (API)",
            "put",
            lambda w: f"/api/network/protocols/{pk('protocol')(w)}/",
            COORD,
            body(code="border-control", title="Put through the API", topic="x"),
        ),
        api(
            "network: patch a model protocol (API)",
            "patch",
            lambda w: f"/api/network/protocols/{pk('protocol')(w)}/",
            COORD,
            body(title="Patched through the API"),
        ),
        api(
            "network: delete a model protocol (API)",
            "delete",
            lambda w: f"/api/network/protocols/{pk('protocol')(w)}/",
        ),
        api(
            "network: record a protocol's adoption (API)",
            "post",
            lambda w: f"/api/network/protocols/{pk('protocol')(w)}/adoptions/",
            COORD,
            body(country="RS", stage="adopted", effective_from="2024-02-01"),
        ),
    ]  # fmt: skip


def build_writes(region, world: dict) -> dict:
    """What the writes need beyond the reads' world: an evaluation under review (the Greek
    hotline's of 2023, submitted), the Greek hotline, and a fresh PDF to upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from seec.network import models as m
    from seec.network import services

    coordinator = Origin(region.users[RoleCode.REGIONAL_COORDINATOR])
    under_review = services.start_evaluation(
        origin=coordinator, organisation=region.gr_hotline, catalogue=world["catalogue"],
        year=2023,
    )  # fmt: skip
    services.self_assess(
        under_review,
        origin=Origin(region.users[RoleCode.SUPERVISOR]),
        answers={a.criterion_id: {"score": 3} for a in under_review.assessments.all()},
        submit=True,
    )
    # A plan not yet evaluated, for the review and the evaluation to be written by a writer.
    open_plan = services.save_record(
        m.ActionPlan(), origin=coordinator, data={"year": 2016, "title": "Action Plan 2016"}
    )
    open_activity = services.save_record(
        m.PlannedActivity(plan=open_plan), origin=coordinator, data={"number": "1", "title": "x"}
    )
    pdf = a_pdf()
    return world | {
        "open_plan": open_plan,
        "open_activity": open_activity,
        "under_review": under_review,
        "gr_hotline": region.gr_hotline,
        "upload": lambda: SimpleUploadedFile("signed.pdf", pdf, content_type="application/pdf"),
    }
