"""What a new user broke in the hotline (issue 16): a contact opened two cases, a height of
99,999 cm was taken, and ticking a task off redirected wherever `next` pointed."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from seec.cases import services
from seec.cases.models import Case, Contact
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin


@pytest.fixture
def reference_data(transactional_db):
    """Countries back in place: an earlier transactional test emptied every table."""
    from importlib import import_module

    from django.apps import apps

    from seec.core.models import Country

    if not Country.objects.exists():
        import_module("seec.core.migrations.0002_reference_data").load(apps, None)


def form_data(**overrides):
    fields = case_fields(**overrides)
    data = {k: v for k, v in fields.items() if k not in {"date_of_birth", "last_seen_at"}}
    data["date_of_birth"] = fields["date_of_birth"].isoformat()
    data["last_seen_at"] = timezone.localtime(fields["last_seen_at"]).strftime("%Y-%m-%dT%H:%M")
    data["confirm_new"] = "yes"
    return data


@pytest.fixture
def new_disappearance(operator):
    return services.record_contact(
        origin=Origin(operator), data={"channel": "call", "subject": "new_disappearance"}
    )


def test_a_resubmitted_case_form_opens_no_second_case(client, operator, new_disappearance):
    client.force_login(operator)
    url = f"{reverse('cases:open')}?contact={new_disappearance.pk}"
    first = client.post(url, form_data())
    assert first.status_code == 302
    case = Case.objects.get()

    again = client.post(url, form_data())  # Back and submit, or a second click
    assert again.status_code == 409
    page = again.content.decode()
    assert "already opened from this contact" in page
    assert reverse("cases:detail", args=[case.pk]) in page
    assert Case.objects.count() == 1
    new_disappearance.refresh_from_db()
    assert new_disappearance.case_id == case.pk
    # Opening the form again from the contact says the same before anything is typed.
    assert client.get(url).status_code == 409


def test_the_service_opens_one_case_per_contact(operator, new_disappearance):
    first = services.open_case(
        origin=Origin(operator), fields=case_fields(), contact=new_disappearance
    )
    with pytest.raises(services.CaseAlreadyOpened) as refused:
        services.open_case(origin=Origin(operator), fields=case_fields(), contact=new_disappearance)
    assert refused.value.case == first
    assert "contact" in refused.value.message_dict
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_open_one_case(reference_data, region):
    """A double click: two requests at once, each in its own connection."""
    from seec.core.models import RoleCode

    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    contact = services.record_contact(
        origin=Origin(operator), data={"channel": "call", "subject": "new_disappearance"}
    )
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is one connection: nothing runs at once")
    outcomes, start = [], threading.Barrier(2)

    def submit():
        start.wait()
        try:
            services.open_case(origin=Origin(operator), fields=case_fields(), contact=contact)
            outcomes.append("opened")
        except services.CaseAlreadyOpened:
            outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["opened", "refused"]
    assert Case.objects.count() == 1
    assert Contact.objects.get(pk=contact.pk).case_id == Case.objects.get().pk


@pytest.mark.parametrize("height", [99_999, 1000, 250, 5])
def test_an_impossible_height_is_refused_with_a_clear_message(client, operator, height):
    client.force_login(operator)
    page = client.post(reverse("cases:open"), form_data(height_cm=height))
    assert page.status_code == 200
    assert "between 30 and 220 cm" in page.content.decode()
    api = APIClient()
    api.force_authenticate(operator)
    fields = case_fields(height_cm=height)
    response = api.post("/api/cases/", fields, format="json")
    assert response.status_code == 400
    assert "between 30 and 220 cm" in str(response.json())
    assert Case.objects.count() == 0


def test_a_childs_height_is_taken(operator):
    case = services.open_case(origin=Origin(operator), fields=case_fields(height_cm=152))
    assert case.height_cm == 152


def test_the_importer_refuses_an_impossible_height(db):
    from seec.cases.rows import CaseRowReader

    reader = CaseRowReader(["height_cm"])
    _case, errors = reader.read({"height_cm": "99999"})
    assert "between 30 and 220 cm" in errors["height_cm"]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http://evil.example", "/\\evil"]
)
def test_ticking_a_task_off_never_redirects_to_another_site(client, manager, open_case, target):
    case = open_case()
    task = services.add_task(
        case, origin=Origin(manager), title="Call the school", due_at=timezone.now()
    )
    client.force_login(manager)
    response = client.post(reverse("cases:task-done", args=[task.pk]), {"next": target})
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])


def test_ticking_a_task_off_returns_to_the_page_it_was_on(client, manager, open_case):
    case = open_case()
    task = services.add_task(
        case, origin=Origin(manager), title="Call the school", due_at=timezone.now()
    )
    client.force_login(manager)
    response = client.post(reverse("cases:task-done", args=[task.pk]), {"next": "/cases/tasks/"})
    assert response.url == "/cases/tasks/"
