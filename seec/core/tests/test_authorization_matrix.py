"""The authorisation matrix: every role × every page and API endpoint, against its own and
another organisation's objects. The count of reads that succeed without being allowed is 0.

Each app adds its endpoints to MATRIX (and to the URL names below); the last test fails when
a named URL exists that the matrix does not cover, so no endpoint escapes it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from seec.core import audit
from seec.core.audit import Action, Origin
from seec.core.models import RoleCode
from seec.core.tests.factories import make_user
from seec.network.tests import matrix as network_matrix

ALL = frozenset([*RoleCode.values, "no_role"])
DIRECTORY = frozenset({RoleCode.REGIONAL_COORDINATOR, RoleCode.ADMINISTRATOR})
AUDIT_BROWSERS = frozenset({RoleCode.SUPERVISOR, RoleCode.ADMINISTRATOR})
ADMINS = frozenset({RoleCode.ADMINISTRATOR})
PERSONAL = frozenset(
    {
        RoleCode.HOTLINE_OPERATOR,
        RoleCode.CASE_MANAGER,
        RoleCode.SUPERVISOR,
        RoleCode.ALERT_AUTHORITY,
        RoleCode.LIAISON_OFFICER,
    }
)
# The Greek hotline's staff (the owners of the Greek cases below).
HOTLINE = frozenset({RoleCode.HOTLINE_OPERATOR, RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR})
# The Greek police: they see a hotline case only once it is shared with them.
POLICE = frozenset({RoleCode.ALERT_AUTHORITY, RoleCode.LIAISON_OFFICER})
NOBODY = frozenset()
# Who runs linkage and reviews its pairs (case managers and liaison officers).
LINKERS = frozenset({RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR, RoleCode.LIAISON_OFFICER})
# Aggregate figures: the regional centre for every country, a supervisor for their own.
AGGREGATES = frozenset({RoleCode.SUPERVISOR, RoleCode.REGIONAL_COORDINATOR, RoleCode.ANALYST})
REGIONAL = frozenset({RoleCode.REGIONAL_COORDINATOR, RoleCode.ANALYST})
SUPERVISORS = frozenset({RoleCode.SUPERVISOR})


@dataclass
class World:
    """What one role's user looks at: their colleague, a foreign user, audit events."""

    user: object
    colleague: object
    foreign: object
    own_event: object
    colleague_event: object
    foreign_event: object
    foreign_org: object
    extras: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """One request and which roles may read what it returns.

    `url` builds the path from the World. `marker` (optional) builds a string that appears in
    the response only if the protected object was shown: for lists, where a 200 alone proves
    nothing about what the list contained.
    """

    name: str
    url: object
    allowed: frozenset
    marker: object = None
    api: bool = True


MATRIX = [
    # Reference data and the directory of bodies: every signed-in role.
    Check("country detail", lambda w: "/api/countries/RS/", ALL),
    Check("country list", lambda w: "/api/countries/?region=true", ALL),
    Check("organisation detail (other)", lambda w: f"/api/organisations/{w.foreign_org.pk}/", ALL),
    Check("organisation list", lambda w: "/api/organisations/", ALL),
    Check("me", lambda w: "/api/me/", ALL),
    Check("schema", lambda w: "/api/schema/", ALL),
    Check("swagger docs", lambda w: "/api/docs/", ALL),
    Check("redoc", lambda w: "/api/redoc/", ALL),
    Check("api root", lambda w: "/api/", ALL),
    # Staff: colleagues see each other; only the directory roles see other organisations.
    Check("colleague detail", lambda w: f"/api/users/{w.colleague.pk}/", ALL),
    Check("foreign user detail", lambda w: f"/api/users/{w.foreign.pk}/", DIRECTORY),
    Check(
        "foreign user in list",
        lambda w: "/api/users/",
        DIRECTORY,
        marker=lambda w: f'"username":"{w.foreign.username}"',
    ),
    # Audit trail: own events; the organisation's for supervisors; all for administrators.
    Check("own audit event", lambda w: f"/api/audit-events/{w.own_event.pk}/", ALL),
    Check(
        "colleague's audit event",
        lambda w: f"/api/audit-events/{w.colleague_event.pk}/",
        AUDIT_BROWSERS,
    ),
    Check("foreign audit event", lambda w: f"/api/audit-events/{w.foreign_event.pk}/", ADMINS),
    Check(
        "foreign audit event in list",
        lambda w: "/api/audit-events/",
        ADMINS,
        marker=lambda w: f'"hash":"{w.foreign_event.hash}"',
    ),
    # Pages.
    Check("dashboard", lambda w: "/", ALL, api=False),
    Check("account page", lambda w: "/accounts/", ALL, api=False),
    Check("confirm it's you", lambda w: "/accounts/confirm/", ALL, api=False),
    # The credential pages (setting up a factor, password, e-mail) open only after a fresh
    # proof, for every role alike, and act on the user's own account (no object in the URL):
    # seec/core/tests/test_account_security.py. Revoking a token is the owner's alone (a
    # foreign token is a 404): the same file.
    Check("audit trail page", lambda w: "/audit/", AUDIT_BROWSERS, api=False),
    Check(
        "foreign event on the audit page",
        lambda w: "/audit/",
        ADMINS,
        marker=lambda w: f"<td>{w.foreign_event.sequence}</td>",
        api=False,
    ),
    Check("admin index", lambda w: "/admin/", ADMINS, api=False),
    Check(
        "admin: foreign user",
        lambda w: f"/admin/core/user/{w.foreign.pk}/change/",
        ADMINS,
        api=False,
    ),
    Check("admin: audit events", lambda w: "/admin/core/auditevent/", ADMINS, api=False),
    # Cases: the owning hotline; the police through a share; another country's never.
    Check("own case (API)", lambda w: f"/api/cases/{w.extras['case'].pk}/", HOTLINE),
    Check("foreign case (API)", lambda w: f"/api/cases/{w.extras['foreign_case'].pk}/", NOBODY),
    Check(
        "shared case (API)",
        lambda w: f"/api/cases/{w.extras['shared_case'].pk}/",
        HOTLINE | POLICE,
    ),
    Check(
        "own case in list (API)",
        lambda w: "/api/cases/",
        HOTLINE,
        marker=lambda w: w.extras["case"].number,
    ),
    Check(
        "foreign case in list (API)",
        lambda w: "/api/cases/",
        NOBODY,
        marker=lambda w: w.extras["foreign_case"].number,
    ),
    Check(
        "own case in search (API)",
        lambda w: "/api/cases/search/?q=Marija%20Djordjevic",
        HOTLINE,
        marker=lambda w: w.extras["case"].number,
    ),
    Check(
        "foreign case in search (API)",
        lambda w: "/api/cases/search/?q=Nikola%20Petrovic",
        NOBODY,
        marker=lambda w: w.extras["foreign_case"].number,
    ),
    Check("own contact (API)", lambda w: f"/api/contacts/{w.extras['contact'].pk}/", HOTLINE),
    Check(
        "foreign contact (API)",
        lambda w: f"/api/contacts/{w.extras['foreign_contact'].pk}/",
        NOBODY,
    ),
    Check(
        "contacts list (API)",
        lambda w: "/api/contacts/",
        HOTLINE,
        marker=lambda w: f'"id":{w.extras["contact"].pk},',
    ),
    Check("case list page", lambda w: "/cases/", PERSONAL, api=False),
    Check(
        "own case on the list page",
        lambda w: "/cases/",
        HOTLINE,
        api=False,
        marker=lambda w: w.extras["case"].number,
    ),
    Check("own case page", lambda w: f"/cases/{w.extras['case'].pk}/", HOTLINE, api=False),
    Check(
        "shared case page",
        lambda w: f"/cases/{w.extras['shared_case'].pk}/",
        HOTLINE | POLICE,
        api=False,
    ),
    Check(
        "foreign case page",
        lambda w: f"/cases/{w.extras['foreign_case'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "own case edit page", lambda w: f"/cases/{w.extras['case'].pk}/edit/", HOTLINE, api=False
    ),
    Check(
        "shared case edit page",
        lambda w: f"/cases/{w.extras['shared_case'].pk}/edit/",
        HOTLINE,
        api=False,
    ),
    Check(
        "search page",
        lambda w: "/cases/search/?q=Marija%20Djordjevic",
        HOTLINE,
        api=False,
        marker=lambda w: w.extras["case"].number,
    ),
    Check(
        "foreign case on the search page",
        lambda w: "/cases/search/?q=Nikola%20Petrovic",
        NOBODY,
        api=False,
        marker=lambda w: w.extras["foreign_case"].number,
    ),
    Check(
        "duplicate check",
        lambda w: "/cases/duplicates/?given_names=Marija&family_name=Djordjevic",
        HOTLINE,
        api=False,
        marker=lambda w: w.extras["case"].number,
    ),
    Check("own case photo", lambda w: f"/cases/files/{w.extras['photo'].pk}/", HOTLINE, api=False),
    Check(
        "shared case photo",
        lambda w: f"/cases/files/{w.extras['shared_photo'].pk}/",
        HOTLINE | POLICE,
        api=False,
    ),
    Check(
        "foreign case photo",
        lambda w: f"/cases/files/{w.extras['foreign_photo'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "foreign case photo (API)",
        lambda w: f"/api/case-files/{w.extras['foreign_photo'].pk}/content/",
        NOBODY,
    ),
    Check(
        "own case photo (API)",
        lambda w: f"/api/case-files/{w.extras['photo'].pk}/content/",
        HOTLINE,
    ),
    # /cases/contact/ leads to the contact centre's one screen (checked below).
    Check(
        "follow-up contact on a case",
        lambda w: f"/contact-centre/call/?case={w.extras['case'].number}",
        HOTLINE,
        api=False,
        marker=lambda w: w.extras["case"].number,
    ),
    Check("open case page", lambda w: "/cases/new/", HOTLINE, api=False),
    Check("my tasks", lambda w: "/cases/tasks/", PERSONAL, api=False),
    Check("team board", lambda w: "/cases/board/", {RoleCode.SUPERVISOR}, api=False),
    Check(
        "own case on the board",
        lambda w: "/cases/board/",
        {RoleCode.SUPERVISOR},
        api=False,
        marker=lambda w: w.extras["case"].number,
    ),
    # Child alerts: the owning hotline and its country's alert authority, nobody else.
    Check("alert list page", lambda w: "/alerts/manage/", PERSONAL, api=False),
    Check(
        "own alert on the list page",
        lambda w: "/alerts/manage/",
        HOTLINE | {RoleCode.ALERT_AUTHORITY},
        api=False,
        marker=lambda w: w.extras["alert"].reference,
    ),
    Check(
        "own alert",
        lambda w: f"/alerts/manage/{w.extras['alert'].pk}/",
        HOTLINE | {RoleCode.ALERT_AUTHORITY},
        api=False,
    ),
    Check(
        "foreign alert",
        lambda w: f"/alerts/manage/{w.extras['foreign_alert'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "own alert (API)",
        lambda w: f"/api/alerts/{w.extras['alert'].pk}/",
        HOTLINE | {RoleCode.ALERT_AUTHORITY},
    ),
    Check("foreign alert (API)", lambda w: f"/api/alerts/{w.extras['foreign_alert'].pk}/", NOBODY),
    Check(
        "alerts list (API)",
        lambda w: "/api/alerts/",
        HOTLINE | {RoleCode.ALERT_AUTHORITY},
        marker=lambda w: w.extras["alert"].reference,
    ),
    Check(
        "alert request page",
        lambda w: f"/alerts/request/{w.extras['case'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
    ),
    # Record linkage: runs over one's own country, pairs involving one's own organisation's
    # cases, for those who manage cases or liaise; never another country's.
    Check("linkage runs page", lambda w: "/linkage/", LINKERS, api=False),
    Check(
        "own country's run", lambda w: f"/linkage/runs/{w.extras['run'].pk}/", LINKERS, api=False
    ),
    Check(
        "foreign run", lambda w: f"/linkage/runs/{w.extras['foreign_run'].pk}/", NOBODY, api=False
    ),
    Check("review queue", lambda w: "/linkage/review/", LINKERS, api=False),
    Check(
        "own pair in the review queue",
        lambda w: "/linkage/review/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
        marker=lambda w: w.extras["shared_case"].number,
    ),
    Check(
        "own pair",
        lambda w: f"/linkage/pairs/{w.extras['pair'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
    ),
    Check(
        "foreign pair",
        lambda w: f"/linkage/pairs/{w.extras['foreign_pair'].pk}/",
        NOBODY,
        api=False,
    ),
    Check("own country's run (API)", lambda w: f"/api/linkage/runs/{w.extras['run'].pk}/", LINKERS),
    Check(
        "foreign run (API)", lambda w: f"/api/linkage/runs/{w.extras['foreign_run'].pk}/", NOBODY
    ),
    Check(
        "own country's run in the list (API)",
        lambda w: "/api/linkage/runs/",
        LINKERS,
        marker=lambda w: f'"id":{w.extras["run"].pk},"kind"',
    ),
    Check(
        "foreign run in the list (API)",
        lambda w: "/api/linkage/runs/",
        NOBODY,
        marker=lambda w: f'"id":{w.extras["foreign_run"].pk},"kind"',
    ),
    Check(
        "own pair (API)",
        lambda w: f"/api/linkage/pairs/{w.extras['pair'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
    ),
    Check(
        "foreign pair (API)", lambda w: f"/api/linkage/pairs/{w.extras['foreign_pair'].pk}/", NOBODY
    ),
    Check(
        "own pair in the list (API)",
        lambda w: "/api/linkage/pairs/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        marker=lambda w: f'"{w.extras["shared_case"].number}"',
    ),
    Check(
        "foreign pair in the list (API)",
        lambda w: "/api/linkage/pairs/",
        NOBODY,
        marker=lambda w: f'"{w.extras["foreign_case"].number}"',
    ),
    # Partners' lists: the uploading organisation's linkers alone (here the Greek hotline's),
    # never another organisation, not even the police of the same country.
    Check("partner lists page", lambda w: "/linkage/lists/", LINKERS, api=False),
    Check("partner list upload page", lambda w: "/linkage/lists/upload/", LINKERS, api=False),
    Check(
        "own partner list",
        lambda w: f"/linkage/lists/{w.extras['partner_list'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
    ),
    Check(
        "own partner list in the lists page",
        lambda w: "/linkage/lists/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
        marker=lambda w: w.extras["partner_list"].name,
    ),
    Check(
        "foreign partner list",
        lambda w: f"/linkage/lists/{w.extras['foreign_partner_list'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "foreign partner list in the lists page",
        lambda w: "/linkage/lists/",
        NOBODY,
        api=False,
        marker=lambda w: w.extras["foreign_partner_list"].name,
    ),
    Check(
        "own pair of a case and a partner's row",
        lambda w: f"/linkage/pairs/{w.extras['partner_pair'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
    ),
    Check(
        "foreign pair of a case and a partner's row",
        lambda w: f"/linkage/pairs/{w.extras['foreign_partner_pair'].pk}/",
        NOBODY,
        api=False,
    ),
    # Privacy-preserving matching: an agreement, its comparisons and matches are its
    # organisation's alone (the Greek hotline's linkers here), never another's.
    Check("private matching page", lambda w: "/linkage/private/", LINKERS, api=False),
    Check("new matching agreement page", lambda w: "/linkage/private/new/", LINKERS, api=False),
    Check(
        "own agreement in the list",
        lambda w: "/linkage/private/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
        marker=lambda w: f'href="/linkage/private/{w.extras["agreement"].pk}/"',
    ),
    Check(
        "foreign agreement in the list",
        lambda w: "/linkage/private/",
        NOBODY,
        api=False,
        marker=lambda w: f'href="/linkage/private/{w.extras["foreign_agreement"].pk}/"',
    ),
    Check(
        "own agreement",
        lambda w: f"/linkage/private/{w.extras['agreement'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
    ),
    Check(
        "foreign agreement",
        lambda w: f"/linkage/private/{w.extras['foreign_agreement'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "own comparison",
        lambda w: f"/linkage/private/exchanges/{w.extras['exchange'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
        marker=lambda w: w.extras["case"].number,
    ),
    Check(
        "foreign comparison",
        lambda w: f"/linkage/private/exchanges/{w.extras['foreign_exchange'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "own private match",
        lambda w: f"/linkage/private/matches/{w.extras['private_match'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
    ),
    Check(
        "foreign private match",
        lambda w: f"/linkage/private/matches/{w.extras['foreign_private_match'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "own agreement (API)",
        lambda w: f"/api/linkage/agreements/{w.extras['agreement'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
    ),
    Check(
        "foreign agreement (API)",
        lambda w: f"/api/linkage/agreements/{w.extras['foreign_agreement'].pk}/",
        NOBODY,
    ),
    Check(
        "own agreement in the list (API)",
        lambda w: "/api/linkage/agreements/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        marker=lambda w: f'"key_fingerprint":"{w.extras["agreement"].key_fingerprint}"',
    ),
    Check(
        "foreign agreement in the list (API)",
        lambda w: "/api/linkage/agreements/",
        NOBODY,
        marker=lambda w: f'"key_fingerprint":"{w.extras["foreign_agreement"].key_fingerprint}"',
    ),
    Check(
        "own private match (API)",
        lambda w: f"/api/linkage/private-matches/{w.extras['private_match'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
    ),
    Check(
        "foreign private match (API)",
        lambda w: f"/api/linkage/private-matches/{w.extras['foreign_private_match'].pk}/",
        NOBODY,
    ),
    Check(
        "own private match in the list (API)",
        lambda w: "/api/linkage/private-matches/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        marker=lambda w: f'"case_number":"{w.extras["case"].number}"',
    ),
    Check(
        "foreign private match in the list (API)",
        lambda w: "/api/linkage/private-matches/",
        NOBODY,
        marker=lambda w: f'"case_number":"{w.extras["foreign_case"].number}"',
    ),
    # Exchange between installations: nodes for administrators; referrals and requests for
    # cooperation for their own side's staff who share records.
    Check("exchange nodes", lambda w: "/exchange/nodes/", ADMINS, api=False),
    Check("exchange node", lambda w: f"/exchange/nodes/{w.extras['peer'].pk}/", ADMINS, api=False),
    Check("exchange node adding", lambda w: "/exchange/nodes/add/", ADMINS, api=False),
    Check("exchange messages", lambda w: "/exchange/messages/?box=outbox", ADMINS, api=False),
    Check("referrals", lambda w: "/exchange/referrals/", LINKERS, api=False),
    Check(
        "own referral",
        lambda w: f"/exchange/referrals/{w.extras['referral'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
    ),
    Check(
        "own referral in the list",
        lambda w: "/exchange/referrals/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        marker=lambda w: f'href="/exchange/referrals/{w.extras["referral"].pk}/"',
        api=False,
    ),
    Check(
        "foreign referral",
        lambda w: f"/exchange/referrals/{w.extras['foreign_referral'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "referring an own case",
        lambda w: f"/exchange/referrals/new/{w.extras['case'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
        api=False,
    ),
    Check(
        "referring a foreign case",
        lambda w: f"/exchange/referrals/new/{w.extras['foreign_case'].pk}/",
        NOBODY,
        api=False,
    ),
    Check("requesting cooperation", lambda w: "/exchange/cooperation/new/", LINKERS, api=False),
    Check("encodings through the exchange", lambda w: "/exchange/encodings/", LINKERS, api=False),
    Check("PFIF import and export", lambda w: "/exchange/pfif/", LINKERS, api=False),
    Check(
        "own referral (API)",
        lambda w: f"/api/exchange/referrals/{w.extras['referral'].pk}/",
        {RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR},
    ),
    Check(
        "foreign referral (API)",
        lambda w: f"/api/exchange/referrals/{w.extras['foreign_referral'].pk}/",
        NOBODY,
    ),
    Check(
        "foreign referral in the list (API)",
        lambda w: "/api/exchange/referrals/",
        NOBODY,
        marker=lambda w: (
            f'"conversation":"{w.extras["foreign_referral"].conversation}","side":"received"'
        ),
    ),
    Check(
        "own request for cooperation (API)",
        lambda w: f"/api/exchange/cooperation/{w.extras['cooperation'].pk}/",
        {RoleCode.LIAISON_OFFICER},
    ),
    Check(
        "foreign request for cooperation (API)",
        lambda w: f"/api/exchange/cooperation/{w.extras['foreign_cooperation'].pk}/",
        NOBODY,
    ),
    Check("PFIF export", lambda w: "/exchange/pfif/export.xml", LINKERS, api=False),
    Check(
        "own request for cooperation",
        lambda w: f"/exchange/cooperation/{w.extras['cooperation'].pk}/",
        {RoleCode.LIAISON_OFFICER},
        api=False,
    ),
    Check(
        "foreign request for cooperation",
        lambda w: f"/exchange/cooperation/{w.extras['foreign_cooperation'].pk}/",
        NOBODY,
        api=False,
    ),
    # Statistics: aggregates only; a national supervisor sees their own country's.
    Check("statistics dashboard", lambda w: "/stats/", AGGREGATES, api=False),
    Check(
        "no child's name on the statistics dashboard",
        lambda w: "/stats/?first_year=2024&last_year=2026",
        NOBODY,
        api=False,
        marker=lambda w: w.extras["case"].given_names,
    ),
    Check("statistics table download", lambda w: "/stats/tables/countries.csv", AGGREGATES),
    Check("submissions list", lambda w: "/stats/submissions/", AGGREGATES, api=False),
    Check(
        "own country's submission",
        lambda w: f"/stats/submissions/{w.extras['submission'].pk}/",
        AGGREGATES,
        api=False,
    ),
    Check(
        "foreign submission",
        lambda w: f"/stats/submissions/{w.extras['foreign_submission'].pk}/",
        REGIONAL,
        api=False,
    ),
    Check(
        "foreign submission in the list",
        lambda w: "/stats/submissions/",
        REGIONAL,
        api=False,
        marker=lambda w: f'href="/stats/submissions/{w.extras["foreign_submission"].pk}/"',
    ),
    Check(
        "submission template",
        lambda w: f"/stats/submissions/{w.extras['submission'].pk}/template.xlsx",
        AGGREGATES,
        api=False,
    ),
    Check(
        "the platform's figures", lambda w: "/stats/computed/?period=2025", AGGREGATES, api=False
    ),
    Check(
        "own country's computed figures",
        lambda w: f"/stats/computed/{w.extras['computed_set'].pk}/",
        AGGREGATES,
        api=False,
    ),
    Check(
        "foreign computed figures",
        lambda w: f"/stats/computed/{w.extras['foreign_computed_set'].pk}/",
        REGIONAL,
        api=False,
    ),  # The contact centre: the hotline's staff who take contacts; the live queue and the call
    # metrics for its supervisors; nothing of another country's, nothing through a share.
    Check("contact centre console", lambda w: "/contact-centre/", HOTLINE, api=False),
    Check("one-screen contact", lambda w: "/contact-centre/call/", HOTLINE, api=False),
    Check(
        "own waiting conversation",
        lambda w: f"/contact-centre/conversations/{w.extras['conversation'].pk}/",
        HOTLINE,
        api=False,
        marker=lambda w: w.extras["conversation"].caller_number,
    ),
    Check(
        "foreign conversation",
        lambda w: f"/contact-centre/conversations/{w.extras['foreign_conversation'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "duplicates while typing",
        lambda w: "/contact-centre/duplicates/?given_names=Marija&family_name=Djordjevic",
        HOTLINE,
        api=False,
        marker=lambda w: w.extras["case"].number,
    ),
    Check(
        "live queue",
        lambda w: "/contact-centre/supervisor/live/",
        SUPERVISORS,
        api=False,
        marker=lambda w: w.extras["conversation"].caller_number,
    ),
    Check(
        "foreign conversation in the live queue",
        lambda w: "/contact-centre/supervisor/",
        NOBODY,
        api=False,
        marker=lambda w: w.extras["foreign_conversation"].caller_number,
    ),
    Check(
        "own conversation (API)",
        lambda w: f"/api/contact-centre/conversations/{w.extras['conversation'].pk}/",
        HOTLINE,
    ),
    Check(
        "own conversation's transcript (API)",
        lambda w: f"/api/contact-centre/conversations/{w.extras['conversation'].pk}/messages/",
        HOTLINE,
    ),
    Check(
        "foreign conversation (API)",
        lambda w: f"/api/contact-centre/conversations/{w.extras['foreign_conversation'].pk}/",
        NOBODY,
    ),
    Check(
        "foreign conversation in the list (API)",
        lambda w: "/api/contact-centre/conversations/",
        NOBODY,
        marker=lambda w: w.extras["foreign_conversation"].caller_number,
    ),
    Check(
        "own conversation in the list (API)",
        lambda w: "/api/contact-centre/conversations/",
        HOTLINE,
        marker=lambda w: w.extras["conversation"].caller_number,
    ),
    Check("new messages on me (API)", lambda w: "/api/contact-centre/messages/?after=0", ALL),
    Check(
        "call metrics (API)",
        lambda w: "/api/contact-centre/metrics/?first=2026-01-01&last=2026-01-02",
        SUPERVISORS,
    ),
    Check("call metrics", lambda w: "/contact-centre/metrics/", SUPERVISORS, api=False),
    Check("call metrics (CSV)", lambda w: "/contact-centre/metrics.csv", SUPERVISORS, api=False),
]

# Protection: a child victim's record and what hangs off it are the recording organisation's
# (here the Greek hotline's staff with personal data); the shelter sees its referral alone;
# persons of interest and identifiers are the Greek police's law-enforcement staff's only.
PROTECTION_OWN = HOTLINE
ANY_ROLE = ALL - {"no_role"}
MATRIX += [
    Check("child victims page", lambda w: "/protection/", PERSONAL, api=False),
    Check(
        "own child victim on the list page",
        lambda w: "/protection/",
        PROTECTION_OWN,
        api=False,
        marker=lambda w: w.extras["victim"].reference,
    ),
    Check(
        "foreign child victim on the list page",
        lambda w: "/protection/",
        NOBODY,
        api=False,
        marker=lambda w: w.extras["foreign_victim"].reference,
    ),
    Check("record a child page", lambda w: "/protection/victims/new/", PERSONAL, api=False),
    Check(
        "own child victim",
        lambda w: f"/protection/victims/{w.extras['victim'].pk}/",
        PROTECTION_OWN,
        api=False,
    ),
    Check(
        "foreign child victim",
        lambda w: f"/protection/victims/{w.extras['foreign_victim'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "own child victim (API)",
        lambda w: f"/api/protection/victims/{w.extras['victim'].pk}/",
        PROTECTION_OWN,
    ),
    Check(
        "foreign child victim (API)",
        lambda w: f"/api/protection/victims/{w.extras['foreign_victim'].pk}/",
        NOBODY,
    ),
    Check(
        "own child victim in the list (API)",
        lambda w: "/api/protection/victims/",
        PROTECTION_OWN,
        marker=lambda w: w.extras["victim"].reference,
    ),
    Check(
        "foreign child victim in the list (API)",
        lambda w: "/api/protection/victims/",
        NOBODY,
        marker=lambda w: w.extras["foreign_victim"].reference,
    ),
    Check(
        "own referral",
        lambda w: f"/protection/referrals/{w.extras['protection_referral'].pk}/",
        PROTECTION_OWN,
        api=False,
    ),
    Check(
        "own referral (API)",
        lambda w: f"/api/protection/referrals/{w.extras['protection_referral'].pk}/",
        PROTECTION_OWN,
    ),
    Check(
        "foreign referral (API)",
        lambda w: f"/api/protection/referrals/{w.extras['foreign_protection_referral'].pk}/",
        NOBODY,
    ),
    Check(
        "foreign referral in the list (API)",
        lambda w: "/api/protection/referrals/",
        NOBODY,
        marker=lambda w: f'"id":{w.extras["foreign_protection_referral"].pk},',
    ),
    Check(
        "own repatriation plan",
        lambda w: f"/protection/plans/{w.extras['plan'].pk}/",
        PROTECTION_OWN,
        api=False,
    ),
    Check(
        "foreign repatriation plan",
        lambda w: f"/protection/plans/{w.extras['foreign_plan'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "own repatriation plan (API)",
        lambda w: f"/api/protection/plans/{w.extras['plan'].pk}/",
        PROTECTION_OWN,
    ),
    Check(
        "foreign repatriation plan (API)",
        lambda w: f"/api/protection/plans/{w.extras['foreign_plan'].pk}/",
        NOBODY,
    ),
    Check(
        "foreign repatriation plan in the list (API)",
        lambda w: "/api/protection/plans/",
        NOBODY,
        marker=lambda w: f'"id":{w.extras["foreign_plan"].pk},',
    ),
    # A step asked of the Greek police (the escort): its staff answer it.
    Check("steps asked of us", lambda w: "/protection/assignments/", PERSONAL, api=False),
    Check(
        "step asked of own organisation",
        lambda w: f"/protection/assignments/{w.extras['assignment'].pk}/",
        POLICE,
        api=False,
    ),
    Check(
        "step asked of own organisation (API)",
        lambda w: f"/api/protection/assignments/{w.extras['assignment'].pk}/",
        POLICE,
    ),
    Check(
        "steps asked of own organisation in the list (API)",
        lambda w: "/api/protection/assignments/",
        POLICE,
        marker=lambda w: f'"id":{w.extras["assignment"].pk},',
    ),
    Check("service providers page", lambda w: "/protection/providers/", ANY_ROLE, api=False),
    Check(
        "service providers (API)",
        lambda w: "/api/protection/providers/",
        ANY_ROLE,
        marker=lambda w: w.extras["provider"].name,
    ),
    Check(
        "service provider (API)",
        lambda w: f"/api/protection/providers/{w.extras['provider'].pk}/",
        ANY_ROLE,
    ),
    Check(
        "add a provider page",
        lambda w: "/protection/providers/new/",
        {RoleCode.SUPERVISOR, RoleCode.REGIONAL_COORDINATOR, RoleCode.ADMINISTRATOR},
        api=False,
    ),
    Check("indicators' catalogue", lambda w: "/protection/indicators/", ANY_ROLE, api=False),
    Check(
        "an indicators' catalogue version",
        lambda w: f"/protection/indicators/{w.extras['victim'].catalogue_id}/",
        ANY_ROLE,
        api=False,
    ),
    Check("persons of interest page", lambda w: "/protection/persons/", POLICE, api=False),
    Check("record a person page", lambda w: "/protection/persons/new/", POLICE, api=False),
    Check(
        "own person of interest",
        lambda w: f"/protection/persons/{w.extras['person'].pk}/",
        POLICE,
        api=False,
    ),
    Check(
        "foreign person of interest",
        lambda w: f"/protection/persons/{w.extras['foreign_person'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "own person of interest (API)",
        lambda w: f"/api/protection/persons/{w.extras['person'].pk}/",
        POLICE,
    ),
    Check(
        "foreign person of interest (API)",
        lambda w: f"/api/protection/persons/{w.extras['foreign_person'].pk}/",
        NOBODY,
    ),
    Check(
        "own person in the list (API)",
        lambda w: "/api/protection/persons/",
        POLICE,
        marker=lambda w: w.extras["person"].reference,
    ),
    Check(
        "foreign person in the list (API)",
        lambda w: "/api/protection/persons/",
        NOBODY,
        marker=lambda w: w.extras["foreign_person"].reference,
    ),
    Check(
        "own identifier",
        lambda w: f"/protection/identifiers/{w.extras['identifier'].pk}/",
        POLICE,
        api=False,
    ),
    Check(
        "foreign identifier",
        lambda w: f"/protection/identifiers/{w.extras['foreign_identifier'].pk}/",
        NOBODY,
        api=False,
    ),
    Check(
        "own identifier (API)",
        lambda w: f"/api/protection/identifiers/{w.extras['identifier'].pk}/",
        POLICE,
    ),
    Check(
        "foreign identifier (API)",
        lambda w: f"/api/protection/identifiers/{w.extras['foreign_identifier'].pk}/",
        NOBODY,
    ),
    Check(
        "foreign identifier in the list (API)",
        lambda w: "/api/protection/identifiers/",
        NOBODY,
        marker=lambda w: f'"id":{w.extras["foreign_identifier"].pk},',
    ),
]
PROTECTION_ROUTES = {
    "protection:victims",
    "protection:victim-new",
    "protection:victim",
    "protection:referral",
    "protection:plan",
    "protection:assignments",
    "protection:assignment",
    "protection:providers",
    "protection:provider-new",
    "protection:catalogue",
    "protection:catalogue-version",
    "protection:persons",
    "protection:person-new",
    "protection:person",
    "protection:identifier",
    "child-victim-list",
    "child-victim-detail",
    "service-provider-list",
    "service-provider-detail",
    "protection-referral-list",
    "protection-referral-detail",
    "repatriation-plan-list",
    "repatriation-plan-detail",
    "step-assignment-list",
    "step-assignment-detail",
    "person-of-interest-list",
    "person-of-interest-detail",
    "trace-identifier-list",
    "trace-identifier-detail",
}
# Protection's POST-only steps: seec/protection/tests/test_steps_refused.py tries each as every
# role that may not take it, on the Greek records above.
PROTECTION_POST_ROUTES = {
    "protection:victim-indicators": "/protection/victims/{victim}/indicators/",
    "protection:victim-age": "/protection/victims/{victim}/age/",
    "protection:victim-guardian": "/protection/victims/{victim}/guardian/",
    "protection:victim-identification": "/protection/victims/{victim}/identification/",
    "protection:victim-refer": "/protection/victims/{victim}/refer/",
    "protection:victim-plan": "/protection/victims/{victim}/plan/",
    "protection:referral-answer": "/protection/referrals/{referral}/answer/",
    "protection:referral-close": "/protection/referrals/{referral}/close/",
    "protection:plan-update": "/protection/plans/{plan}/update/",
    "protection:plan-step": "/protection/plans/{plan}/steps/",
    "protection:plan-follow-ups": "/protection/plans/{plan}/follow-ups/",
    "protection:plan-decide": "/protection/plans/{plan}/decide/",
    "protection:step-request": "/protection/steps/{step}/request/",
    "protection:step-answer": "/protection/steps/{step}/answer/",
    "protection:assignment-answer": "/protection/assignments/{assignment}/answer/",
    "protection:person-item": "/protection/persons/{person}/items/",
    "protection:person-share": "/protection/persons/{person}/share/",
    "protection:person-identifier": "/protection/persons/{person}/identifiers/",
    "protection:identifiers-send": (
        "/protection/identifiers/agreements/{identifier_agreement}/send/"
    ),
    "protection-referral-answer": "/api/protection/referrals/{referral}/answer/",
    "step-assignment-answer": "/api/protection/assignments/{assignment}/answer/",
}


def build_protection(region, case) -> dict:
    """A Greek victim (the hotline's) with a referral and a plan whose escort step is asked of
    the Greek police; a Serbian victim with the same; a Greek and a Serbian person of
    interest, each with an identifier."""
    from seec.protection.tests.fixtures import protection_world

    # The exchange's referrals are "referral" in this world; protection's go by their own name.
    world = protection_world(region)
    world["protection_referral"] = world.pop("referral")
    world["foreign_protection_referral"] = world.pop("foreign_referral")
    return world


# The regional network's checks live beside its code (seec/network/tests/matrix.py).
MATRIX += network_matrix.checks(Check)

# The public site's triage queue: the Greek hotline's case managers and supervisors triage the
# reports from the public it is responsible for; the alert authority opens the queue for the
# sightings about its country's alerts (seec/portal/tests/test_triage.py), not a suspicion.
TRIAGERS = frozenset({RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR})
MATRIX += [
    Check(
        "triage queue", lambda w: "/portal/triage/", TRIAGERS | {RoleCode.ALERT_AUTHORITY},
        api=False,
    ),
    Check(
        "report from the public in the triage queue", lambda w: "/portal/triage/?status=all",
        TRIAGERS, marker=lambda w: w.extras["public_report"].reference, api=False,
    ),
    Check(
        "foreign report from the public in the triage queue",
        lambda w: "/portal/triage/?status=all", NOBODY,
        marker=lambda w: w.extras["foreign_public_report"].reference, api=False,
    ),
    Check(
        "report from the public",
        lambda w: f"/portal/triage/{w.extras['public_report'].pk}/", TRIAGERS, api=False,
    ),
    Check(
        "foreign report from the public",
        lambda w: f"/portal/triage/{w.extras['foreign_public_report'].pk}/", NOBODY, api=False,
    ),
    Check(
        "photo of a report from the public",
        lambda w: f"/portal/triage/{w.extras['public_report'].pk}/photo.jpg", TRIAGERS,
        api=False,
    ),
    Check(
        "publishing a case on the public site",
        lambda w: f"/portal/publish/{w.extras['case'].pk}/", TRIAGERS, api=False,
    ),
    Check(
        "publishing a foreign case on the public site",
        lambda w: f"/portal/publish/{w.extras['foreign_case'].pk}/", NOBODY, api=False,
    ),
    Check(
        "photo of a foreign report from the public",
        lambda w: f"/portal/triage/{w.extras['foreign_public_report'].pk}/photo.jpg", NOBODY,
        api=False,
    ),
]  # fmt: skip

# Named routes that need no sign-in (their content is public or is the sign-in itself).
PUBLIC_ROUTES = {
    "healthz",
    # The public face of issued alerts (each view serves only issued, unexpired alerts).
    "alerts:public_list",
    "alerts:public",
    "alerts:photo",
    "alerts:cap",
    "alerts:feed",
    # Subscribing to alerts: by the code sent to the address, ended by the message's token.
    "alerts:subscribe",
    "alerts:confirm",
    "alerts:unsubscribe",
    "public-alert-list",
    # Published statistics after disclosure control, and their definitions.
    "stats:open-data",
    "stats:open-data-csv",
    "stats:open-data-description",
    "public-indicator-list",
    "public-indicator-detail",
    "public-figure-list",
    "public-stats",
    "login",
    "logout",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "api-token",
    # Node to node: the key document and directory are public by design (keys, not data);
    # the inbox hears only requests signed by a trusted node (seec/exchange/tests).
    "exchange:inbox",
    "exchange:inbox-batch",
    "exchange-well-known",
    "exchange-directory",
    # The public web chat (a chat's key is its only access) and what the PBX and the SMS
    # gateway post, signed with their line's secret: seec/contactcentre/tests.
    "helpchat:chat",
    "helpchat:start",
    "contactcentre:pbx-webhook",
    "contactcentre:sms-inbound",
    # The public site: live alerts only, the hotline directory, the report form (proof of
    # work, rate limit) and additions by reference and secret: seec/portal/tests.
    "portal:home",
    "portal:alert",
    "portal:poster",
    "portal:hotlines",
    "portal:language",  # sets the language cookie only: seec/portal/tests/test_public_page_cache.py
    "portal:report",
    "portal:report-add",
    "portal:missing",
    "portal:missing-photo",
    "portal:about",
    # The regional centre's pages: only what a coordinator published, allow-listed fields
    # (seec/portal/tests/test_network_pages.py); a report only once released.
    "portal:partners",
    "portal:news",
    "portal:trainings",
    "portal:publications",
    "portal:annual-report",
}
# Routes covered by MATRIX above (by name) or by the admin site's own gate (namespace admin).
COVERED_ROUTES = {
    "dashboard",
    # The public site's triage queue, a report and its photo (MATRIX).
    "portal:triage",
    "portal:triage-report",
    "portal:triage-photo",
    "portal:publish",
    # Each user's own notices: seec/core/tests/test_notices.py.
    "notifications",
    "notification-open",
    "notifications-read-all",
    # Deciding on a pair (POST only): seec/linkage/tests/test_review.py; starting a run
    # through the API: seec/linkage/tests/test_runs.py.
    "linkage:decide",
    "candidate-pair-decide",
    "linkage-run-list",
    "linkage-run-detail",
    "candidate-pair-list",
    "candidate-pair-detail",
    # Steps under a matching agreement (POST only; the look-up answers with a redirect to the
    # case): seec/linkage/tests/test_private_matching.py, which tries each as an outsider.
    "linkage:agreement-encode",
    "linkage:agreement-compare",
    "linkage:agreement-end",
    "linkage:agreement-lookup",
    "linkage:private-match-decide",
    "matching-agreement-encode",
    "matching-agreement-compare",
    "private-match-decide",
    "matching-agreement-list",
    "matching-agreement-detail",
    "private-match-list",
    "private-match-detail",
    "linkage:agreements",
    "linkage:agreement-new",
    "linkage:agreement",
    "linkage:exchange",
    "linkage:private-match",
    "audit-trail",
    "otp-setup",
    # One's own time zone only (POST, no object named): seec/core/tests/test_time_zones.py.
    "set-time-zone",
    "otp-verify",
    "otp-remove",
    "password_change",
    "account",
    "confirm-identity",
    "email-change",
    "api-token-revoke",
    # Passkeys: ceremonies on the user's own account (no object in the URL), registration only
    # after a fresh proof: seec/core/tests/test_account_security.py, test_passkeys_browser.py.
    "passkey-remove",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "api-me",
    "api-schema",
    "api-docs",
    "api-redoc",
    "api-root",
    "country-list",
    "country-detail",
    "organisation-list",
    "organisation-detail",
    "user-list",
    "user-detail",
    "auditevent-list",
    "auditevent-detail",
    "case-list",
    "case-detail",
    "case-search",
    "contact-list",
    "contact-detail",
    "cases:list",
    "cases:detail",
    "cases:edit",
    "cases:search",
    "cases:duplicates",
    "cases:contact",
    "cases:open",
    "cases:my-tasks",
    "cases:board",
    "cases:file",
    "api-case-file-content",
    "alerts:list",
    "alerts:detail",
    "alert-list",
    "alert-detail",
    "alerts:request",
    "linkage:runs",
    "linkage:run",
    "linkage:review",
    "linkage:pair",
    "linkage:partner-lists",
    "linkage:partner-list",
    "linkage:partner-list-upload",
    # The mapping step and cancelling an upload act on the user's own held file only (no
    # object in the URL): seec/linkage/tests/test_partner_upload.py.
    "linkage:partner-list-map",
    "linkage:partner-list-cancel",
    "stats:dashboard",
    "stats:table",
    "stats:submissions",
    "stats:submission",
    "stats:submission-template",
    "stats:computed",
    "stats:computed-set",
    "exchange:nodes",
    "exchange:node",
    "exchange:node-add",
    "exchange:messages",
    "exchange:referrals",
    "exchange:referral",
    "exchange:refer",
    "exchange:cooperation-new",
    "exchange:cooperation",
    "exchange:encodings",
    "exchange:pfif",
    "exchange:pfif-export",
    # Publishing a case (POST only) follows the case's share right: seec/exchange/tests/
    # test_pfif.py.
    "exchange:pfif-publish",
    "referral-list",
    "referral-detail",
    "cooperation-request-list",
    "cooperation-request-detail",
    # The API's steps (POST only) call the same services as the pages: seec/exchange/tests/
    # test_api.py proves that another organisation gets 404 and changes nothing.
    "referral-answer",
    "referral-update-note",
    "referral-withdraw",
    "cooperation-request-answer",
    # POST-only: sending and comparing act on the user's own agreement and encodings:
    # seec/exchange/tests/test_private_matching_through_the_envelope.py.
    "exchange:encodings-send",
    "exchange:encodings-compare",
    # POST-only steps on nodes, keys, dead letters and referrals: refused to everyone else in
    # seec/exchange/tests/test_pages.py.
    "exchange:node-confirm",
    "exchange:node-suspend",
    "exchange:node-refresh",
    "exchange:node-ping",
    "exchange:node-directory",
    "exchange:key-revoke",
    "exchange:message-retry",
    "exchange:referral-answer",
    "exchange:referral-update",
    "exchange:referral-withdraw",
    "contactcentre:console",
    "contactcentre:call",
    "contactcentre:conversation",
    "contactcentre:duplicates",
    "contactcentre:supervisor",
    "contactcentre:supervisor-live",
    "contactcentre:metrics",
    "contactcentre:metrics-download",
    "conversation-list",
    "conversation-detail",
    "conversation-messages",
    "api-contact-centre-messages",
    "api-contact-centre-metrics",
    # Steps on a conversation (POST only): seec/contactcentre/tests/test_conversation_steps.py
    # tries each as every role outside the hotline.
    "contactcentre:presence",
    "contactcentre:take",
    "contactcentre:end",
    "contactcentre:transfer",
    "contactcentre:reply",
}
# Routes that only take POSTs (a workflow step): the matrix below proves that the roles who
# may not act get nothing done, and that no GET reads through them.
POST_ROUTES = {
    "case-assess-risk": "/api/cases/{pk}/assess-risk/",
    "case-mark-found": "/api/cases/{pk}/mark-found/",
    "case-close": "/api/cases/{pk}/close/",
    "case-reopen": "/api/cases/{pk}/reopen/",
    "case-assign": "/api/cases/{pk}/assign/",
    "case-sightings": "/api/cases/{pk}/sightings/",
    "case-notes": "/api/cases/{pk}/notes/",
    "case-tasks": "/api/cases/{pk}/tasks/",
    "cases:assess-risk": "/cases/{pk}/risk/",
    "cases:sighting": "/cases/{pk}/sighting/",
    "cases:found": "/cases/{pk}/found/",
    "cases:close": "/cases/{pk}/close/",
    "cases:reopen": "/cases/{pk}/reopen/",
    "cases:note": "/cases/{pk}/note/",
    "cases:task": "/cases/{pk}/task/",
    "cases:person": "/cases/{pk}/person/",
    "cases:assign": "/cases/{pk}/assign/",
    "cases:share": "/cases/{pk}/share/",
    "cases:task-done": "/cases/tasks/{task}/done/",
    "cases:file-add": "/cases/{pk}/files/",
    "case-files": "/api/cases/{pk}/files/",
}


def build_cases(region) -> dict:
    """A Greek hotline case, one shared with the Greek police, and a Serbian one."""
    from seec.cases import services as case_services
    from seec.cases.tests.conftest import case_fields
    from seec.core.services import grant_share

    gr_operator = region.users[RoleCode.HOTLINE_OPERATOR]
    gr_manager = region.users[RoleCode.CASE_MANAGER]
    rs = Origin(region.foreign_manager)
    contact = case_services.record_contact(
        origin=Origin(gr_operator), data={"channel": "call", "subject": "advice"}
    )
    case = case_services.open_case(origin=Origin(gr_operator), fields=case_fields())
    shared = case_services.open_case(
        origin=Origin(gr_operator), fields=case_fields(given_names="Ελένη", family_name="Νικολάου")
    )
    grant_share(shared, region.gr_police, origin=Origin(gr_manager), reason="Police search")
    task = case_services.add_task(
        case,
        origin=Origin(gr_manager),
        title="Call the school",
        due_at=timezone.now() - timedelta(hours=1),
    )
    foreign_case = case_services.open_case(
        origin=rs, fields=case_fields(given_names="Никола", family_name="Петровић", sex="male")
    )
    foreign_contact = case_services.record_contact(
        origin=rs, data={"channel": "call", "subject": "advice"}
    )

    def photo(on, origin):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from seec.cases.tests.test_case_files import photo_with_gps

        upload = SimpleUploadedFile("p.jpg", photo_with_gps())
        return case_services.add_file(on, origin=origin, upload=upload, kind="photo")

    return {
        "case": case,
        "shared_case": shared,
        "foreign_case": foreign_case,
        "task": task,
        "contact": contact,
        "foreign_contact": foreign_contact,
        "photo": photo(case, Origin(gr_operator)),
        "shared_photo": photo(shared, Origin(gr_operator)),
        "foreign_photo": photo(foreign_case, rs),
        **build_alerts(region, case, foreign_case),
        **build_exchange(region, case, foreign_case),
        **build_linkage(region, case, shared, foreign_case),
        **build_submissions(region),
        **build_protection(region, case),
        **build_contact_centre(region),
        **build_portal(region, case),
        "network": network_matrix.build(region),
    }


def build_portal(region, case) -> dict:
    """A suspicion reported to Greece's hotline with a photo, one to Serbia's, and the Greek
    case published on the public site."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from seec.cases.tests.test_case_files import photo_with_gps
    from seec.portal import services as portal_services

    def report(country):
        return portal_services.submit_report(
            kind="suspicion", country_id=country, what_was_seen="Children begging at night",
            place="Central station", photo=SimpleUploadedFile("p.jpg", photo_with_gps()),
        ).report  # fmt: skip

    publication = portal_services.publish_child(
        case, origin=Origin(region.users[RoleCode.CASE_MANAGER]), public_text="Seen in Athens",
        guardian_consent="Mother", consent_on=timezone.localdate(), police_approval="HP 1/2026",
        approved_on=timezone.localdate(), days=30,
    )  # fmt: skip
    return {
        "public_report": report("GR"),
        "foreign_public_report": report("RS"),
        "publication": publication,
    }


def build_linkage(region, case, shared, foreign_case) -> dict:
    """A Greek run and a Serbian one; a pair of the Greek hotline's cases, and one of two
    Serbian cases."""
    from seec.cases import services as case_services
    from seec.cases.tests.conftest import case_fields
    from seec.linkage.models import CandidatePair, LinkageRun, PartnerList, PartnerRecord

    other_foreign = case_services.open_case(
        origin=Origin(region.foreign_manager),
        fields=case_fields(given_names="Никола", family_name="Петровић", sex="male"),
    )
    run = LinkageRun.objects.create(
        kind="within", countries="GR", started_by=region.users[RoleCode.CASE_MANAGER]
    )
    foreign_run = LinkageRun.objects.create(
        kind="within", countries="RS", started_by=region.foreign_manager
    )

    def pair(one, other, on):
        left, right = sorted((one, other), key=lambda c: c.pk)
        return CandidatePair.objects.create(
            left=left, right=right, run=on, probability=0.9, weight=5.0
        )

    def partner_pair(on_case, user, name):
        partner_list = PartnerList.objects.create(
            name=name,
            kind="migrant_minors",
            organisation=user.organisation,
            uploaded_by=user,
            country=user.organisation.country,
            filename="list.csv",
            mapping={"given_name": "Name"},
            date_format="%Y-%m-%d",
            rows=1,
            retention_days=30,
            delete_after=timezone.localdate() + timedelta(days=30),
        )
        record = PartnerRecord.objects.create(
            partner_list=partner_list, row_number=2, given_name="Ана", age_estimate=12
        )
        against = LinkageRun.objects.create(
            kind="against",
            countries=on_case.country_id,
            started_by=user,
            partner_list=partner_list,
        )
        found = CandidatePair.objects.create(
            left=on_case, partner_record=record, run=against, probability=0.9, weight=5.0
        )
        return partner_list, found

    gr_list, gr_pair = partner_pair(
        case, region.users[RoleCode.CASE_MANAGER], "Greek reception register"
    )
    rs_list, rs_pair = partner_pair(foreign_case, region.foreign_manager, "Serbian shelter list")
    return {
        "run": run,
        "foreign_run": foreign_run,
        "pair": pair(case, shared, run),
        "foreign_pair": pair(foreign_case, other_foreign, foreign_run),
        "partner_list": gr_list,
        "partner_pair": gr_pair,
        "foreign_partner_list": rs_list,
        "foreign_partner_pair": rs_pair,
        **build_private_matching(region, case, foreign_case),
    }


def build_private_matching(region, case, foreign_case) -> dict:
    """A Greek agreement with a comparison that matched the Greek case, and the same in Serbia."""
    from seec.linkage import services as linkage_services
    from seec.linkage.models import EncodedExchange, PrivateMatch

    def agreement_with_match(user, partner, on_case):
        agreement, _key = linkage_services.create_agreement(
            origin=Origin(user),
            partner_organisation=partner,
            partner_name="",
            partner_country="",
            purpose="Cross-border search",
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() + timedelta(days=30),
        )
        exchange = EncodedExchange.objects.create(
            agreement=agreement,
            compared_by=user,
            our_records=1,
            partner_records=1,
            threshold=0.75,
            partner_file_sha256="0" * 64,
            candidates=1,
        )
        match = PrivateMatch.objects.create(
            agreement=agreement,
            exchange=exchange,
            case=on_case,
            partner_record_id="a1b2c3d4e5f6a7b8c9d0",
            score=0.9,
            field_scores={"name": 0.9},
        )
        return agreement, exchange, match

    gr = agreement_with_match(region.users[RoleCode.CASE_MANAGER], region.rs_hotline, case)
    rs = agreement_with_match(region.foreign_manager, region.gr_hotline, foreign_case)
    return {
        "agreement": gr[0],
        "exchange": gr[1],
        "private_match": gr[2],
        "foreign_agreement": rs[0],
        "foreign_exchange": rs[1],
        "foreign_private_match": rs[2],
    }


def build_contact_centre(region) -> dict:
    """A call waiting at the Greek hotline and one at the Serbian hotline."""
    from seec.contactcentre import services as cc_services

    def waiting(organisation, number):
        conversation, _created = cc_services.contact_arrived(
            organisation=organisation, channel="call", caller_number=number
        )
        return conversation

    return {
        "conversation": waiting(region.gr_hotline, "+306900116000"),
        "foreign_conversation": waiting(region.rs_hotline, "+381600116000"),
    }


def build_submissions(region) -> dict:
    """A Greek trafficking submission (started by the Greek supervisor) and a Serbian one."""
    from seec.stats import services as stats_services
    from seec.stats.models import Submission
    from seec.stats.periods import parse as parse_period

    greek = stats_services.start_submission(
        origin=Origin(region.users[RoleCode.SUPERVISOR]),
        country="GR",
        family="trafficking",
        period="2025",
    )
    serbian = Submission.objects.create(
        country_id="RS", family="trafficking", period="2025", created_by=region.foreign_manager
    )
    greek_set, serbian_set = stats_services.compute_figures(["GR", "RS"], [parse_period("2025")])
    return {
        "submission": greek,
        "foreign_submission": serbian,
        "computed_set": greek_set,
        "foreign_computed_set": serbian_set,
    }


def build_exchange(region, case, foreign_case) -> dict:
    """A Greek referral to Serbia (both sides on this node), a Serbian one to Greece's police,
    a Greek police request for cooperation, and a peer node."""
    from seec.core.tests.factories import make_organisation
    from seec.exchange import cooperation, referrals
    from seec.exchange.models import Peer
    from seec.exchange.tests.test_cooperation_on_one_node import YELLOW

    consent = {"reason": "Seen in Belgrade.", "consent_basis": "parent", "consent_note": "Yes."}
    sent = referrals.refer_case(
        case, region.rs_hotline, origin=Origin(region.users[RoleCode.CASE_MANAGER]),
        mode="copy", pseudonymise=False, **consent,
    )  # fmt: skip
    foreign = referrals.refer_case(
        foreign_case, region.gr_police, origin=Origin(region.foreign_manager),
        mode="copy", pseudonymise=False, **consent,
    )  # fmt: skip
    rs_police = make_organisation("RS", "police", name="Police of Serbia")
    request = cooperation.request_cooperation(
        rs_police, origin=Origin(region.users[RoleCode.LIAISON_OFFICER]), kind="yellow_notice",
        question="Did she cross?", facts=YELLOW, handling="H2", reliability="B", accuracy="2",
        deadline=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    peer = Peer.objects.create(
        node_id="rs-node", name="Serbia", base_url="http://127.0.0.1:9", fingerprint="AAAA"
    )
    return {
        "referral": sent,
        "foreign_referral": foreign.__class__.objects.get(
            conversation=sent.conversation, side="received"
        ),
        "cooperation": request,
        "foreign_cooperation": request.__class__.objects.get(
            conversation=request.conversation, side="received"
        ),
        "peer": peer,
    }


def build_alerts(region, case, foreign_case) -> dict:
    """A Greek alert request on the Greek case, and a Serbian one on the Serbian case."""
    from seec.alerts import services as alert_services
    from seec.alerts.tests.conftest import AREA, all_met

    gr = Origin(region.users[RoleCode.CASE_MANAGER])
    return {
        "alert": alert_services.request_alert(case, origin=gr, answers=all_met(), **AREA),
        "foreign_alert": alert_services.request_alert(
            foreign_case, origin=Origin(region.foreign_manager), answers=all_met(), **AREA
        ),
    }


def build_world(region, role, cases) -> World:
    user = region.users[role]
    colleague = make_user(user.organisation, RoleCode.HOTLINE_OPERATOR)
    foreign = region.foreign_manager
    return World(
        user=user,
        colleague=colleague,
        foreign=foreign,
        own_event=audit.record(Action.VIEW, origin=Origin(user), obj=user),
        colleague_event=audit.record(Action.VIEW, origin=Origin(colleague), obj=colleague),
        foreign_event=audit.record(Action.VIEW, origin=Origin(foreign), obj=foreign),
        foreign_org=region.rs_hotline,
        extras=cases,
    )


def outcome(client, check: Check, world: World) -> bool:
    """Did the request read what it asked for? (A redirect, to sign-in say, is no read.)"""
    response = client.get(check.url(world))
    if response.status_code != 200:
        return False
    if check.marker is None:
        return True
    return check.marker(world) in response.content.decode().replace(": ", ":")


@pytest.fixture
def cases(region, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_cases(region)


@pytest.mark.parametrize("role", sorted(ALL))
def test_no_role_reads_what_it_may_not(region, cases, role):
    world = build_world(region, role, cases)
    client = APIClient()
    client.force_login(world.user)
    unauthorised, refused = [], []
    for check in MATRIX:
        read = outcome(client, check, world)
        if read and role not in check.allowed:
            unauthorised.append(check.name)
        if not read and role in check.allowed:
            refused.append(check.name)
    assert unauthorised == [], f"{role} read what it may not: {unauthorised}"
    assert refused == [], f"{role} was refused what it may read: {refused}"


def test_anonymous_reads_nothing(region, cases):
    world = build_world(region, RoleCode.ADMINISTRATOR, cases)
    client = APIClient()
    read = [check.name for check in MATRIX if outcome(client, check, world)]
    assert read == []


def test_hidden_objects_answer_404_not_403(region, cases):
    world = build_world(region, RoleCode.HOTLINE_OPERATOR, cases)
    client = APIClient()
    client.force_login(world.user)
    assert client.get(f"/api/users/{world.foreign.pk}/").status_code == 404
    assert client.get(f"/api/audit-events/{world.foreign_event.pk}/").status_code == 404
    assert client.get("/api/audit-events/999999999/").status_code == 404
    assert client.get(f"/api/cases/{cases['foreign_case'].pk}/").status_code == 404
    assert client.get(f"/cases/{cases['foreign_case'].pk}/").status_code == 404


@pytest.mark.parametrize("role", sorted(ALL - HOTLINE))
def test_workflow_steps_change_nothing_for_roles_that_may_not(region, cases, role):
    """Every POST-only step, tried by a role outside the owning hotline, on the owned case:
    refused (403/404/405), and the case, its tasks and the audit trail unchanged."""
    from seec.cases.models import Case, CaseTask
    from seec.core.models import AuditEvent

    user = region.users[role]
    client = APIClient()
    client.force_login(user)
    case = cases["case"]
    before = (
        Case.objects.filter(pk=case.pk).values().get(),
        CaseTask.objects.count(),
        AuditEvent.objects.exclude(action__in=[Action.VIEW, "auth.sign_in"]).count(),
    )
    for url in POST_ROUTES.values():
        path = url.format(pk=case.pk, task=cases["task"].pk)
        assert client.get(path).status_code in (403, 404, 405), path
        response = client.post(path, {"reason": "x", "text": "x", "outcome": "closed_other"})
        assert response.status_code in (400, 403, 404), (path, response.status_code)
    after = (
        Case.objects.filter(pk=case.pk).values().get(),
        CaseTask.objects.count(),
        AuditEvent.objects.exclude(action__in=[Action.VIEW, "auth.sign_in"]).count(),
    )
    assert after == before


def named_routes(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


# Decisions on an alert: the Greek alert authority's alone (and never the requester's).
ALERT_POST_ROUTES = {
    "alerts:approve": "/alerts/manage/{pk}/approve/",
    "alerts:reject": "/alerts/manage/{pk}/reject/",
    "alerts:update": "/alerts/manage/{pk}/update/",
    "alerts:extend": "/alerts/manage/{pk}/extend/",
    "alerts:cancel": "/alerts/manage/{pk}/cancel/",
    "alerts:withdraw": "/alerts/manage/{pk}/withdraw/",
    "alerts:cross-border": "/alerts/manage/{pk}/cross-border/",
}


@pytest.mark.parametrize("role", sorted(ALL - {RoleCode.ALERT_AUTHORITY}))
def test_alert_decisions_change_nothing_for_roles_that_may_not(region, cases, role):
    """Every decision on the Greek alert request, tried by every other role: refused, and the
    alert unchanged, no CAP message issued. (Withdrawing is the case managers': tried on the
    Serbian alert, which is not theirs.)"""
    from seec.alerts.models import Alert, CapMessage

    client = APIClient()
    client.force_login(region.users[role])
    before = list(Alert.objects.order_by("pk").values())
    for name, url in ALERT_POST_ROUTES.items():
        alert = cases["foreign_alert"] if name == "alerts:withdraw" else cases["alert"]
        path = url.format(pk=alert.pk)
        assert client.get(path).status_code in (403, 404, 405), path
        response = client.post(path, {"reason": "x", "hours": 6, "override_reason": "x"})
        assert response.status_code in (400, 403, 404), (path, response.status_code)
    assert list(Alert.objects.order_by("pk").values()) == before
    assert not CapMessage.objects.exists()


# Steps of a national submission: the country's focal point (a supervisor of that country)
# and the regional coordinators; tried here by every other role on the Greek submission.
STATS_POST_ROUTES = {
    "stats:upload": "/stats/submissions/{pk}/upload/",
    "stats:submit": "/stats/submissions/{pk}/submit/",
    "stats:validate": "/stats/submissions/{pk}/validate/",
    "stats:publish": "/stats/submissions/{pk}/publish/",
    "stats:return": "/stats/submissions/{pk}/return/",
    "stats:comment": "/stats/submissions/{pk}/comment/",
    "stats:new-version": "/stats/submissions/{pk}/new-version/",
}


@pytest.mark.parametrize(
    "role",
    sorted(ALL - {RoleCode.SUPERVISOR, RoleCode.CASE_MANAGER, RoleCode.REGIONAL_COORDINATOR}),
)
def test_submission_steps_change_nothing_for_roles_that_may_not(region, cases, role):
    """Upload, submit, validate, publish, return, comment, new version: refused (or, for the
    analyst, who reads the submission but takes no step, refused as forbidden), and the
    submission, its comments and the publications unchanged."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from seec.stats.models import Publication, Submission, SubmissionComment

    client = APIClient()
    client.force_login(region.users[role])
    submission = cases["submission"]
    before = (
        list(Submission.objects.order_by("pk").values()),
        SubmissionComment.objects.count(),
        Publication.objects.count(),
    )
    for url in STATS_POST_ROUTES.values():
        path = url.format(pk=submission.pk)
        assert client.get(path).status_code in (403, 404, 405), path
        upload = SimpleUploadedFile("t.csv", b"family,country\n")
        response = client.post(path, {"reason": "x", "text": "x", "file": upload})
        assert response.status_code in (400, 403, 404), (path, response.status_code)
    after = (
        list(Submission.objects.order_by("pk").values()),
        SubmissionComment.objects.count(),
        Publication.objects.count(),
    )
    assert after == before


@pytest.mark.parametrize("role", sorted(ALL))
def test_only_the_centres_triagers_triage_its_reports_from_the_public(region, cases, role):
    """Marking a report from the public triaged: the Greek report by every role but its
    centre's case managers and supervisors, and the Serbian one by everyone here: refused,
    the reports unchanged."""
    from seec.portal.models import PublicReport

    client = APIClient()
    client.force_login(region.users[role])
    before = list(PublicReport.objects.order_by("pk").values())
    targets = [cases["foreign_public_report"]]
    if role not in TRIAGERS:
        targets.append(cases["public_report"])
    for report in targets:
        path = f"/portal/triage/{report.pk}/triage/"
        assert client.get(path).status_code in (403, 404, 405), path
        response = client.post(path, {"note": "Passed to the police"})
        assert response.status_code in (403, 404), (path, response.status_code)
    assert list(PublicReport.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("role", sorted(ALL - TRIAGERS))
def test_only_the_cases_managers_withdraw_its_publication(region, cases, role):
    """Withdrawing the Greek case's publication from the public site, by every role but the
    case's managers: refused, the publication still live."""
    publication = cases["publication"]
    client = APIClient()
    client.force_login(region.users[role])
    path = f"/portal/publish/withdraw/{publication.pk}/"
    assert client.get(path).status_code in (403, 404, 405), path
    assert client.post(path, {"reason": "x"}).status_code in (403, 404)
    publication.refresh_from_db()
    assert publication.withdrawn_at is None


@pytest.mark.parametrize("role", sorted(ALL - {RoleCode.REGIONAL_COORDINATOR}))
def test_only_a_coordinator_publishes_the_platforms_figures(region, cases, role):
    from seec.stats.models import Publication

    client = APIClient()
    client.force_login(region.users[role])
    for figure_set in (cases["computed_set"], cases["foreign_computed_set"]):
        path = f"/stats/computed/{figure_set.pk}/publish/"
        assert client.get(path).status_code in (302, 403, 404, 405), path
        assert client.post(path).status_code in (302, 403, 404), path
    assert not Publication.objects.exists()


@pytest.mark.parametrize("role", sorted(ALL - {RoleCode.REGIONAL_COORDINATOR}))
def test_only_a_coordinator_publishes_on_the_regional_centres_pages(region, role):
    """The public site's network pages: publishing a record or news, and taking one off, by
    every role but the regional coordinator: refused, nothing changed."""
    from seec.network.models import Partner, PartnerKind
    from seec.portal import services as portal_services
    from seec.portal.models import NetworkPublication

    coordinator = region.users[RoleCode.REGIONAL_COORDINATOR]
    news = portal_services.publish_network_item(
        origin=Origin(coordinator), kind="news", title="News", public_text="Text"
    )
    partner = Partner.objects.create(name="A partner", kind=PartnerKind.NGO)
    before = list(NetworkPublication.objects.order_by("pk").values())
    client = APIClient()
    client.force_login(region.users[role])
    assert client.get("/portal/network/").status_code == 403
    answers = [
        client.post("/portal/network/", {"kind": "partner", "partner-record": partner.pk}),
        client.post(
            "/portal/network/", {"kind": "news", "news-title": "x", "news-public_text": "y"}
        ),
        client.post(f"/portal/network/{news.pk}/withdraw/"),
    ]
    assert [answer.status_code for answer in answers] == [403, 403, 403]
    assert list(NetworkPublication.objects.order_by("pk").values()) == before


def test_every_route_is_in_the_matrix_or_public():
    uncovered = {
        name
        for name in named_routes()
        if not name.startswith("admin:")
        and name
        not in PUBLIC_ROUTES
        | COVERED_ROUTES
        | set(POST_ROUTES)
        | set(ALERT_POST_ROUTES)
        | set(STATS_POST_ROUTES)
        | {"stats:publish-computed"}
        | {"portal:triage-decide", "portal:withdraw"}
        | {"portal:network-publish", "portal:network-withdraw"}
        | PROTECTION_ROUTES
        | set(PROTECTION_POST_ROUTES)
        | network_matrix.ROUTES
    }
    assert uncovered == set(), "add these routes to the authorisation matrix"


# --- Writes: every write method of the network's pages and API, as every role ---------------


@dataclass(frozen=True)
class Write:
    """One write request and which roles may make it (`writers`); `data` builds the body."""

    name: str
    method: str
    url: object
    data: object
    writers: frozenset
    api: bool = True
    multipart: bool = False


NETWORK_WRITES = network_matrix.writes(Write)


def written_state() -> dict:
    """Every network record, the notices, and the audit trail's writes: what a refused write
    must leave as it was."""
    from django.apps import apps

    from seec.core.models import AuditEvent, Notification

    state = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("network").get_models()
    }
    state["notices"] = Notification.objects.count()
    state["audit"] = AuditEvent.objects.exclude(action__in=[Action.VIEW, "auth.sign_in"]).count()
    return state


def send(client, write: Write, world: World):
    data = write.data(world)
    call = getattr(client, write.method)
    if write.multipart:
        return call(write.url(world), data, format="multipart")
    if write.api:
        return call(write.url(world), data, format="json")
    return call(write.url(world), data)


REFUSED_SIGNED_IN = {403, 404, 405}


@pytest.fixture
def network_world(region, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = network_matrix.build(region)
    return network_matrix.build_writes(region, world)


@pytest.mark.parametrize("role", sorted(ALL))
def test_no_role_writes_what_it_may_not_in_the_network(region, network_world, role):
    """Each write by a role outside its writers: 403/404/405 and nothing written (checked
    after every request); by a writer: accepted, and written."""
    world = build_world(region, role, {"network": network_world})
    client = APIClient()
    client.force_login(world.user)
    wrote, refused = [], []
    for write in NETWORK_WRITES:
        before = written_state()
        response = send(client, write, world)
        if role in write.writers:
            # A writer's write goes through (so a refusal above is the rule's, not the body's).
            if response.status_code in REFUSED_SIGNED_IN | {401} or written_state() == before:
                refused.append((write.name, response.status_code))
            continue
        if response.status_code not in REFUSED_SIGNED_IN or written_state() != before:
            wrote.append((write.name, response.status_code))
    assert wrote == [], f"{role} wrote (or was not refused) where it may not: {wrote}"
    assert refused == [], f"{role} was refused a write it may make: {refused}"


def test_anonymous_writes_nothing_in_the_network(region, network_world):
    world = build_world(region, RoleCode.ADMINISTRATOR, {"network": network_world})
    client = APIClient()
    before = written_state()
    for write in NETWORK_WRITES:
        response = send(client, write, world)
        if write.api:
            assert response.status_code in (401, 403), (write.name, response.status_code)
        else:
            assert response.status_code == 302, (write.name, response.status_code)
            assert response["Location"].startswith("/accounts/login/"), write.name
    assert written_state() == before


def test_the_network_writes_cover_every_page_that_takes_a_write():
    """The pages with a form (every network route but the reads-only, the PDFs and the
    POST-only steps tried in seec/network/tests/test_network_steps_refused.py) each have a
    write here, so a new form cannot escape the matrix."""
    from django.urls import resolve

    tried = {
        resolve(write.url(_AnyWorld()).split("?")[0]).view_name
        for write in NETWORK_WRITES
        if not write.api
    }
    forms = {
        "network:fact-new", "network:gap-new", "network:partner-new", "network:partner-edit",
        "network:partner", "network:agreement-new", "network:agreement-edit",
        "network:agreement", "network:officer-new", "network:officer-edit", "network:plans",
        "network:plan-part", "network:review-new", "network:evaluation-new",
        "network:evaluations", "network:evaluation", "network:catalogue",
        "network:activity-new", "network:activity-edit", "network:activity", "network:desk-new",
        "network:desk-edit", "network:desk", "network:project-new", "network:project-edit",
        "network:project", "network:catalogues", "network:catalogue-step",
        "network:criterion-new", "network:criterion-edit", "network:criterion-remove",
        "network:protocol-new", "network:protocol-edit", "network:protocol",
    }  # fmt: skip
    assert forms - tried == set()


class _AnyWorld:
    """Stands for a world when only the shape of the URLs is wanted."""

    class _Any:
        pk = 1

    extras = {
        "network": type("AnyExtras", (dict,), {"__missing__": lambda self, k: _AnyWorld._Any()})()
    }
