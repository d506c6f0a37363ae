"""The node-to-node inboxes are answered before the middleware that serves people (sessions,
users, CSRF tokens, languages, the sign-in gates): a peer's request is signed instead, and
the inbox still refuses and records whatever fails its checks."""

import pytest
from django.test import Client

from seec.exchange.models import RefusedMessage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", ["/exchange/inbox/", "/exchange/inbox/batch/"])
def test_an_unsigned_request_to_an_inbox_is_refused_recorded_and_touches_no_session(address):
    client = Client(HTTP_ACCEPT_LANGUAGE="sr")
    client.cookies["sessionid"] = "not-a-session"

    answer = client.post(address, b"{}", content_type="application/json")

    assert (answer.status_code, answer.json()["error"]) == (401, "unsigned")
    assert RefusedMessage.objects.get().code == "unsigned"
    # No session read or written, no language chosen from the request, no token.
    assert "Cookie" not in answer.get("Vary", "")
    assert "Content-Language" not in answer
    assert not answer.cookies
    # What is kept for every answer: SecurityMiddleware's headers.
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_an_inbox_answers_a_post_only():
    assert Client().get("/exchange/inbox/batch/").status_code == 405


def test_the_pages_beside_the_inboxes_still_pass_the_whole_stack():
    page = Client(HTTP_ACCEPT_LANGUAGE="el").get("/exchange/referrals/")

    assert page.status_code == 302  # signing in first, as for any page
    assert "/accounts/login/" in page["Location"]
    assert page["Content-Language"] == "el"
