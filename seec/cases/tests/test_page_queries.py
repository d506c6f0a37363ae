"""The hotline's busiest pages (the case list, search, the team board, the contact screen) are
served in a fixed number of queries however many cases, tasks and shares there are: each row
shown costs no query of its own (bench/web_load.py measures them under load)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seec.cases import services
from seec.core import services as core_services
from seec.core.audit import Origin
from seec.core.models import RoleCode

from .conftest import case_fields

# What a signed-in page costs before its own reads: the session and the user (with its
# organisation, roles, second factors and unread notices, seec/core/backends.py).
SIGNED_IN = 2
PAGES = {
    "/cases/": SIGNED_IN + 2,  # the organisation's own cases and those shared with it
    "/cases/?status=open_any&page=2": SIGNED_IN + 2,
    "/cases/search/?q=Марија Ђорђевић": SIGNED_IN + 6,
    "/cases/board/": SIGNED_IN + 5,
    "/contact-centre/call/": SIGNED_IN,  # the nationality list from the cache
}


def grow(region, manager, operator, cases: int) -> None:
    """`cases` more cases, each with a task overdue, half of them high-risk and assigned, and
    one of another country's hotline shared with the user's."""
    for number in range(cases):
        case = services.open_case(
            origin=Origin(operator),
            fields=case_fields(given_names=f"Марија {number}", other_names=f"Mara{number}"),
        )
        services.add_task(
            case,
            origin=Origin(manager),
            title=f"Call the school {number}",
            due_at=timezone.now() - timedelta(hours=1),
            assigned_to=manager,
        )
        if number % 2:
            services.assign_case(case, manager, origin=Origin(manager))
            services.assess_risk(
                case, origin=Origin(manager), factors={"under_13": True}, rationale="Young",
                level="high",
            )  # fmt: skip
    foreign_operator = region.foreign_manager
    foreign = services.open_case(
        origin=Origin(foreign_operator), fields=case_fields(given_names="Марија", sex="female")
    )
    core_services.grant_share(
        foreign, region.gr_hotline, origin=Origin(foreign_operator), reason="Seen in Greece"
    )


def queries_of(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return [query["sql"] for query in captured.captured_queries]


def test_the_hotlines_pages_do_not_grow_with_the_rows(region, client):
    supervisor = region.users[RoleCode.SUPERVISOR]
    manager = region.users[RoleCode.CASE_MANAGER]
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    grow(region, manager, operator, 2)
    client.force_login(supervisor)
    for path in PAGES:  # the session's first request sets it up; each page's caches filled
        client.get(path)
    before = {path: queries_of(client, path) for path in PAGES}
    grow(region, manager, operator, 12)
    after = {path: queries_of(client, path) for path in PAGES}
    for path, limit in PAGES.items():
        assert len(after[path]) == len(before[path]), "\n".join(after[path])
        assert len(after[path]) <= limit, "\n".join(after[path])
