"""Today's cross-border child alert request, between two nodes, with CAP 1.2 inside."""

import pytest

pytestmark = pytest.mark.nodes


def test_a_cross_border_alert_accepted_there_and_cancelled_here(two_nodes):
    gr, rs = two_nodes
    original = gr.call("issue_alert", manager="manager.gr", authority="police.gr")
    conversation = gr.call("alert_across", username="police.gr", reference=original,
                           country="RS")  # fmt: skip
    theirs = rs.wait_for("crossborder", lambda a: a is not None, conversation=conversation)
    assert theirs["alert_status"] == "requested" and theirs["their_cap"]
    assert theirs["child"] == "Ελένη"

    rs.call("decide_alert", username="police.rs", reference=theirs["alert"])
    ours = gr.wait_for("crossborder", lambda a: a["status"] == "issued",
                       conversation=conversation)  # fmt: skip
    assert ours["their_cap"]  # the Serbian alert's own CAP message came back

    gr.call("cancel_alert", username="police.gr", reference=original)
    assert gr.call("audit_actions", prefix="exchange.sent")
    rs.wait_for("audit_actions", lambda actions: "alert_across.updated" in actions,
                prefix="alert_across.")  # fmt: skip


def test_a_request_not_yet_decided_is_withdrawn_when_the_original_ends(two_nodes):
    gr, rs = two_nodes
    original = gr.call("issue_alert", manager="manager.gr", authority="police.gr")
    conversation = gr.call("alert_across", username="police.gr", reference=original,
                           country="RS")  # fmt: skip
    rs.wait_for("crossborder", lambda a: a is not None, conversation=conversation)
    gr.call("cancel_alert", username="police.gr", reference=original)
    ended = rs.wait_for("crossborder", lambda a: a["status"] == "ended",
                        conversation=conversation)  # fmt: skip
    assert ended["alert_status"] == "withdrawn"
