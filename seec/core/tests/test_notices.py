"""A user's notices are theirs alone: listed, opened and marked read only by them."""

from django.test import Client

from seec.core import notices
from seec.core.models import Notification, RoleCode


def test_a_notice_reaches_only_its_addressee_who_alone_opens_it(region):
    reader = region.users[RoleCode.CASE_MANAGER]
    other = region.users[RoleCode.HOTLINE_OPERATOR]
    notices.notify([reader], lambda: "Child alert requested: GR-1", "/alerts/manage/1/")
    notice = Notification.objects.get()
    assert notice.user == reader

    browser = Client()
    browser.force_login(other)
    assert "GR-1" not in browser.get("/notices/").content.decode()
    assert browser.post(f"/notices/{notice.pk}/open/").status_code == 404
    browser.post("/notices/read/")
    notice.refresh_from_db()
    assert notice.read_at is None  # another user's "mark all read" leaves it alone

    browser.force_login(reader)
    assert "GR-1" in browser.get("/notices/").content.decode()
    assert browser.post(f"/notices/{notice.pk}/open/").url == "/alerts/manage/1/"
    assert notices.unread_count(reader) == 0


def test_a_notice_never_redirects_off_site(region):
    reader = region.users[RoleCode.CASE_MANAGER]
    notices.notify([reader], lambda: "x", "https://evil.example/")
    browser = Client()
    browser.force_login(reader)
    answer = browser.post(f"/notices/{Notification.objects.get().pk}/open/")
    assert answer.url == "/notices/"


def test_signed_out_visitors_are_sent_to_sign_in(region):
    assert Client().get("/notices/").url.startswith("/accounts/login/")


def test_a_notice_is_written_in_the_readers_language_or_their_countrys(region, mailoutbox):
    """The reader's chosen language; one who never chose reads their country's (a Serbian
    manager Serbian, in Cyrillic); an international body's staff the platform's default."""
    from django.utils import translation

    chose = region.users[RoleCode.CASE_MANAGER]
    chose.preferred_language = "uk"
    chose.save()
    serbian = region.foreign_manager
    international = region.users[RoleCode.ANALYST]

    def subject():
        return translation.get_language()

    notices.notify([chose, serbian, international], subject)
    written = dict(Notification.objects.values_list("user__username", "subject"))
    assert written == {chose.username: "uk", serbian.username: "sr", international.username: "en"}
