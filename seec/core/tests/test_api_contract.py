"""The API matches its published schema (issue 16): schemathesis generates requests for every
operation of /api/schema/ (a fixed seed, a fixed number of examples per operation), as a case
manager and as an analyst, through the whole Django stack; no answer may be a server error or
differ from the schema (body, content type)."""

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from seec.core import services
from seec.core.audit import Origin
from seec.core.models import RoleCode

EXAMPLES_PER_OPERATION = 10
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
ROLES = [RoleCode.CASE_MANAGER, RoleCode.ANALYST]


@pytest.fixture
def app():
    # As Django's test client does: a request must not close the test's connection, which on
    # PostgreSQL holds the test's transaction (CONN_MAX_AGE 0 closes it at every request).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def token_of(user) -> str:
    raw, _token = services.issue_api_token(user, origin=Origin(user))
    return raw


def existing_records(region) -> dict[str, int]:
    """Records of the Greek hotline, so that requests reach past the 404 of a random id: the
    path's first segments → an id of that kind."""
    from seec.cases import services as case_services
    from seec.cases.tests.conftest import case_fields

    operator = Origin(region.users[RoleCode.HOTLINE_OPERATOR])
    case = case_services.open_case(origin=operator, fields=case_fields())
    contact = case_services.record_contact(
        origin=operator, data={"channel": "call", "subject": "advice"}
    )
    return {"/api/cases/": case.pk, "/api/contacts/": contact.pk}


def exercise(
    operation, user, failures: list[str], records: dict[str, int], mode: GenerationMode
) -> int:
    """Up to EXAMPLES_PER_OPERATION generated requests to one operation; returns how many
    were made, and adds each failure (its operation and the checks' report) to `failures`."""
    made = 0

    @seed(16)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def one(case):
        nonlocal made
        made += 1
        for prefix, pk in records.items():
            # Half the time an existing record, half a random id (its 404 is checked too).
            own = operation.path.startswith(prefix) and "id" in (case.path_parameters or {})
            if own and made % 2:
                case.path_parameters["id"] = pk
        # A fresh token each time: the generated requests include revoking the one in use.
        case.call_and_validate(headers={"Authorization": f"Token {token_of(user)}"}, checks=CHECKS)

    try:
        one()
    except Unsatisfiable:
        pass  # nothing invalid to send: an operation without parameters or body
    except (Exception, BaseExceptionGroup) as error:  # every operation's failures, together
        failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {error}")
    return made


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_its_schema_says(app, region, role):
    user = region.users[role]
    auth = {"Authorization": f"Token {token_of(user)}"}
    schema = openapi.from_wsgi("/api/schema/?format=json", app, headers=auth)
    failures: list[str] = []
    records = existing_records(region)
    made = sum(
        exercise(result.ok(), user, failures, records, mode)
        for result in schema.get_all_operations()
        for mode in GenerationMode
    )
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
    assert made > 100  # the schema was read and its operations exercised


def test_a_task_without_a_title_is_refused_by_name_not_a_server_error(region):
    from rest_framework.test import APIClient

    from seec.cases import services as case_services
    from seec.cases.tests.conftest import case_fields

    manager = region.users[RoleCode.CASE_MANAGER]
    case = case_services.open_case(origin=Origin(manager), fields=case_fields())
    api = APIClient()
    api.force_authenticate(manager)
    response = api.post(f"/api/cases/{case.pk}/tasks/", {"due_at": "2026-12-01T10:00:00Z"})
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    early = api.post(
        "/api/cases/", {**case_fields(), "last_seen_at": "0174-12-16T03:12:55Z"}, format="json"
    )
    assert early.status_code == 400 and "1900" in str(early.json()["errors"]["last_seen_at"])
