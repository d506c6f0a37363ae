"""What every signed-in page asks of its user (the roles, a confirmed second factor, the
unread notices) is read with the user in one query, and is as the database has it on each
request: a role taken away, a device confirmed or a notice sent counts on the next page."""

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from seec.core import notices
from seec.core.models import RoleCode


def test_a_signed_in_page_reads_the_session_and_the_user_in_two_queries(region, client):
    client.force_login(region.users[RoleCode.HOTLINE_OPERATOR])
    client.get("/notices/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/cases/tasks/").status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    assert Session._meta.db_table in statements[0]
    assert "core_user" in statements[1]
    # No further read of the roles, the devices or the notices.
    later = "\n".join(statements[2:])
    for table in ("core_user_roles", "otp_totp_totpdevice", "core_notification"):
        assert table not in later, later


def test_the_users_roles_devices_and_notices_are_current_on_each_page(region, client):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    client.force_login(operator)
    assert client.get("/cases/").status_code == 200
    assert 'class="badge"' not in client.get("/cases/").content.decode()

    notices.notify([operator], lambda: "A case was shared with you", "/cases/")
    notices.notify([operator], lambda: "Another", "/cases/")
    page = client.get("/cases/").content.decode()
    assert 'class="badge"' in page and ">2</strong>" in page
    client.post("/notices/read/")
    assert 'class="badge"' not in client.get("/cases/").content.decode()

    # A confirmed authenticator: the next page asks for its code first.
    device = TOTPDevice.objects.create(user=operator, name="phone", confirmed=True)
    assert client.get("/cases/").url.startswith("/accounts/verify/")
    device.delete()
    assert client.get("/cases/").status_code == 200

    # The role taken away: the next page is refused.
    operator.roles.clear()
    assert client.get("/cases/").status_code == 403
