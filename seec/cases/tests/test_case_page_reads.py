"""The case page reads without queueing: its read is staged (no lock on the audit chain) and
it is served in a bounded number of queries whatever the case holds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from seec.cases import services
from seec.core.audit import Origin, chain_staged_reads
from seec.core.models import AuditEvent, StagedRead

from .conftest import case_fields

CASE_PAGE_QUERY_LIMIT = 15


def test_a_case_page_takes_no_lock_on_the_audit_chain_and_few_queries(
    open_case, manager, operator, client
):
    case = open_case()
    services.assign_case(case, manager, origin=Origin(manager))
    services.add_note(case, origin=Origin(manager), text="Called the school.")
    for number in range(3):
        services.add_person(
            case, origin=Origin(manager), data={"role": "parent", "name": f"Parent {number}"}
        )
    client.force_login(manager)
    client.get(f"/cases/{case.pk}/")  # the session's first request sets it up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    assert len(statements) <= CASE_PAGE_QUERY_LIMIT, "\n".join(statements)
    assert not [sql for sql in statements if "core_auditchainhead" in sql]
    assert StagedRead.objects.filter(actor=manager, object_id=str(case.pk)).count() == 2

    chain_staged_reads()
    assert AuditEvent.objects.filter(action="case.view", actor=manager).count() == 2
    # Reads stay off the case's timeline.
    assert "case.view" not in response.content.decode()


def test_the_case_page_query_count_does_not_grow_with_the_case(open_case, manager, client):
    small, big = open_case(), open_case(**case_fields(given_names="Јована"))
    for number in range(10):
        services.add_note(big, origin=Origin(manager), text=f"Note {number}")
        services.add_person(
            big, origin=Origin(manager), data={"role": "witness", "name": f"Witness {number}"}
        )
    client.force_login(manager)
    counts = []
    for case in (small, big, small):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/cases/{case.pk}/").status_code == 200
        counts.append(len(captured))
    assert counts[1] == counts[2]


def test_the_case_pages_blank_forms_are_in_the_readers_language_and_zone(
    open_case, manager, client
):
    """The blank forms are rendered once per language and day: each reader still gets them in
    their own language, with the hint's example date in their own format."""
    from django.utils import translation

    from seec.cases.forms import RiskForm, TaskForm

    case = open_case()
    client.force_login(manager)
    pages = {}
    for language in ("en", "el", "sr"):
        manager.preferred_language = language
        manager.save(update_fields=["preferred_language"])
        pages[language] = client.get(f"/cases/{case.pk}/").content.decode()
    for language, page in pages.items():
        with translation.override(language):
            assert str(RiskForm().fields["rationale"].label) in page
            assert str(TaskForm().fields["due_at"].help_text) in page
    assert len(set(pages.values())) == 3
