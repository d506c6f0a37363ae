"""A request for cooperation from Greece's liaison officer to the Serbian police, over HTTP."""

import pytest

pytestmark = pytest.mark.nodes


def test_a_request_answered_across_nodes(two_nodes):
    gr, rs = two_nodes
    conversation = gr.call("request_cooperation", username="police.gr", to="Police of Serbia")
    received = rs.wait_for("cooperation_request", lambda r: r is not None,
                           conversation=conversation)  # fmt: skip
    assert (received["handling"], received["reliability"], received["accuracy"]) == (
        "H1", "B", "2")  # fmt: skip
    assert received["facts"]["child"]["name"] == "Марија Ђорђевић"
    rs.call("answer_cooperation", username="police.rs", conversation=conversation,
            answer="She entered at Preševo on 29 November.")  # fmt: skip
    answered = gr.wait_for("cooperation_request", lambda r: r["status"] == "answered",
                           conversation=conversation)  # fmt: skip
    assert "Preševo" in answered["answer"]


def test_an_unanswered_request_escalates_on_both_nodes(two_nodes):
    gr, rs = two_nodes
    conversation = gr.call("request_cooperation", username="police.gr", to="Police of Serbia",
                           deadline_hours=1)  # fmt: skip
    rs.wait_for("cooperation_request", lambda r: r is not None, conversation=conversation)
    assert gr.call("escalate_overdue", hours_ahead=2) >= 1
    assert rs.wait_for("cooperation_request", lambda r: r["status"] == "escalated",
                       conversation=conversation)  # fmt: skip
