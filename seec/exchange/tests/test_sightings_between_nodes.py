"""A sighting reported by the public on one node about an alert that began on another: it
reaches the triage queue of the centre responsible for the case there, with a notice, and
comes back acknowledged; what the reporter adds later follows. Bad sightings from the other
node are refused naming the field, nothing stored."""

import re

import httpx
import pytest

from seec.cases.tests.test_case_files import photo_with_gps
from seec.portal import proof_of_work

pytestmark = pytest.mark.nodes


def _form(browser: httpx.Client, path: str) -> str:
    page = browser.get(path)
    assert page.status_code == 200, page.text[:500]
    return page.text


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def report_sighting(browser: httpx.Client, alert_reference: str, **fields) -> tuple[str, str]:
    """As a phone would: the report page, its proof of work solved, the form sent."""
    page = _form(browser, f"/portal/report/?alert={alert_reference}")
    assert alert_reference in page  # the alert is live on this node's public site
    challenge = proof_of_work.Challenge(
        salt=re.search(r'data-pow-salt="([^"]+)"', page).group(1),
        bits=int(re.search(r'data-pow-bits="(\d+)"', page).group(1)),
        token=re.search(r'name="pow_token" value="([^"]+)"', page).group(1),
    )
    response = browser.post(
        "/portal/report/",
        data={
            "csrfmiddlewaretoken": _csrf(page), "kind": "sighting", "alert": alert_reference,
            "what_was_seen": "A girl in a red coat with a tall man, boarding the bus to Belgrade.",
            "place": "Niš bus station", "pow_token": challenge.token,
            "pow_solution": str(proof_of_work.solve(challenge)), **fields,
        },
        files={"photo": ("seen.jpg", photo_with_gps(), "image/jpeg")},
    )  # fmt: skip
    assert response.status_code == 201, response.text[:2000]
    return (
        re.search(r'id="report-reference">([^<]+)<', response.text).group(1),
        re.search(r'id="report-secret">([^<]+)<', response.text).group(1),
    )


def test_a_sighting_on_one_nodes_site_reaches_the_triage_queue_where_the_alert_began(two_nodes):
    gr, rs = two_nodes
    original = gr.call("issue_alert", manager="manager.gr", authority="police.gr")
    conversation = gr.call("alert_across", username="police.gr", reference=original,
                           country="RS")  # fmt: skip
    rs.wait_for("crossborder", lambda a: a is not None, conversation=conversation)
    serbian = rs.call("live_alert_of", reference=original)
    rs.call("decide_alert", username="police.rs", reference=serbian)

    with httpx.Client(base_url=rs.url, timeout=60) as phone:
        reference, secret = report_sighting(
            phone, serbian, contact_email="jelena@example.org", contact_may_be_passed_on="on"
        )

        # Greece: in the case's triage queue, on the original alert, with the photo (it came
        # in the encrypted payload and was checked again here).
        [there] = gr.wait_for("triage_queue", lambda q: len(q) == 1, username="manager.gr")
        assert there["alert"] == original and there["place"] == "Niš bus station"
        assert there["side"] == "received" and there["their_reference"] == reference
        assert there["contact"] == "jelena@example.org"
        assert there["photo_here"] and not there["photo_there"]
        # The alert authority sees it too, and both were told.
        assert gr.call("triage_queue", username="police.gr") == [there]
        told = {n["user"] for n in gr.call("notices_given") if "/portal/triage/" in n["link"]}
        assert {"manager.gr", "police.gr"} <= told
        assert "sighting_across.received" in gr.call("audit_actions", prefix="sighting_across.")

        # Serbia: triaged here too, marked forwarded, and the answer names Greece's reference.
        [here] = rs.wait_for("triage_queue", lambda q: q and q[0]["their_reference"],
                             username="police.rs")  # fmt: skip
        assert here["reference"] == reference and here["alert"] == serbian
        assert here["side"] == "sent" and here["their_reference"] == there["reference"]
        assert there["reference"] in here["delivery"]
        assert {"sighting_across.forwarded", "sighting_across.acknowledged"} <= set(
            rs.call("audit_actions", prefix="sighting_across.")
        )

        # The reporter adds something with the reference: it follows to Greece.
        page = _form(phone, "/portal/report/add/")
        added = phone.post("/portal/report/add/", data={
            "csrfmiddlewaretoken": _csrf(page), "reference": reference, "secret": secret,
            "text": "He wore a green cap; the bus left at 18:05.",
        })  # fmt: skip
        assert added.status_code == 200, added.text[:2000]
    [there] = gr.wait_for("triage_queue", lambda q: q[0]["additions"], username="manager.gr")
    assert there["additions"] == ["He wore a green cap; the bus left at 18:05."]


def test_bad_sightings_from_the_other_node_are_refused_naming_the_field(two_nodes):
    gr, rs = two_nodes
    original = gr.call("issue_alert", manager="manager.gr", authority="police.gr")
    conversation = gr.call("alert_across", username="police.gr", reference=original,
                           country="RS")  # fmt: skip
    rs.wait_for("crossborder", lambda a: a is not None, conversation=conversation)
    before = len(gr.call("triage_queue", username="manager.gr"))

    [unknown] = rs.call("attack", kind="sighting_unknown_alert", to="Hellenic Police")
    assert (unknown["status"], unknown["error"]) == (422, "not_applicable"), unknown
    assert unknown["message"].startswith("alert_reference: No alert GR-FFFFFF")

    [schema] = rs.call("attack", kind="sighting_schema", to="Hellenic Police")
    assert (schema["status"], schema["error"]) == (422, "schema"), schema
    for field in ("place:", "reference:", "photo: 'iVBORw0KGgo=' is not of type 'object'"):
        assert field in schema["message"], schema

    script, email = rs.call("attack", kind="sighting_markup", to="Hellenic Police")
    assert (script["status"], script["error"]) == (422, "not_applicable"), script
    assert script["message"].startswith("what_was_seen: "), script
    assert email["message"].startswith("contact/email: "), email

    assert len(gr.call("triage_queue", username="manager.gr")) == before
    assert [r["code"] for r in gr.call("refusals")[-4:]] == [
        "not_applicable",
        "schema",
        "not_applicable",
        "not_applicable",
    ]
