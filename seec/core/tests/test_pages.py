"""The page shell: health, dashboard, navigation by role, error pages that leak nothing."""

import pytest

from seec.core.models import RoleCode


def sign_in(client, user):
    client.force_login(user)


def test_healthz_reports_database_and_task_queue(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["tasks"]["ok"] is True


def test_dashboard_shows_organisation_and_roles(client, region):
    manager = region.users[RoleCode.CASE_MANAGER]
    sign_in(client, manager)
    page = client.get("/").content.decode()
    assert "116 000 Greece" in page
    assert "Case manager" in page


@pytest.mark.parametrize(
    ("role", "sees_audit", "sees_admin"),
    [
        (RoleCode.HOTLINE_OPERATOR, False, False),
        (RoleCode.SUPERVISOR, True, False),
        (RoleCode.ADMINISTRATOR, True, True),
        (RoleCode.ANALYST, False, False),
    ],
)
def test_navigation_follows_the_role(client, region, role, sees_audit, sees_admin):
    sign_in(client, region.users[role])
    page = client.get("/").content.decode()
    assert ('href="/audit/"' in page) == sees_audit
    assert ('href="/admin/"' in page) == sees_admin


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_not_found_page_reveals_nothing(client, region):
    sign_in(client, region.users[RoleCode.HOTLINE_OPERATOR])
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body
    assert "Traceback" not in body and "urlpatterns" not in body


def test_server_error_page_reveals_nothing(client, db):
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "Something went wrong" in body
    assert "Traceback" not in body


def test_admin_refuses_non_administrators_without_a_redirect_loop(client, region):
    sign_in(client, region.users[RoleCode.SUPERVISOR])
    assert client.get("/admin/", follow=True).status_code == 403
    client.logout()
    sign_in(client, region.users[RoleCode.ADMINISTRATOR])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/user/").status_code == 200


def test_static_assets_are_served_by_the_app(client, db):
    from django.contrib.staticfiles import finders

    assert finders.find("htmx/htmx.min.js")
    assert finders.find("core/seec.css")
