"""A case referred from Greece (SQLite node) to Serbia (PostgreSQL node), over HTTP."""

import pytest

pytestmark = pytest.mark.nodes


def test_a_referral_accepted_updated_both_ways_and_withdrawn(two_nodes):
    gr, rs = two_nodes
    number = gr.call("open_case", username="manager.gr")
    conversation = gr.call("refer", username="manager.gr", case_number=number,
                           to="116 000 Serbia")  # fmt: skip
    offer = rs.wait_for("referral", lambda r: r is not None, conversation=conversation)
    assert offer["status"] == "offered" and offer["copy"] == {}
    assert offer["preview"]["category"] == "runaway" and "given_names" not in offer["preview"]

    rs.call("answer_referral", username="manager.rs", conversation=conversation)
    copy = rs.wait_for("referral", lambda r: r["copy"], conversation=conversation)
    assert copy["copy"]["given_names"] == "Марија" and copy["copy"]["number"] == number
    assert gr.wait_for("referral", lambda r: r["status"] == "accepted",
                       conversation=conversation)  # fmt: skip

    rs.call("update_referral", username="manager.rs", conversation=conversation,
            note="Seen near the Belgrade bus station.")  # fmt: skip
    sent = gr.wait_for("referral", lambda r: r["updates"], conversation=conversation)
    assert sent["updates"] == [[False, "Seen near the Belgrade bus station."]]
    gr.call("update_referral", username="manager.gr", conversation=conversation,
            note="Her phone was switched on in Niš.", include_case=True)  # fmt: skip
    rs.wait_for("referral", lambda r: len(r["updates"]) == 2, conversation=conversation)

    gr.call("withdraw_referral", username="manager.gr", conversation=conversation,
            reason="The child came home.")  # fmt: skip
    sealed = rs.wait_for("referral", lambda r: r["sealed"], conversation=conversation)
    assert sealed["copy"] == {}


def test_a_hand_over_moves_the_case_to_the_other_node(two_nodes):
    gr, rs = two_nodes
    number = gr.call("open_case", username="manager.gr", given_names="Ελένη",
                     family_name="Παπαδοπούλου")  # fmt: skip
    conversation = gr.call("refer", username="manager.gr", case_number=number,
                           to="116 000 Serbia", mode="handover")  # fmt: skip
    rs.wait_for("referral", lambda r: r is not None, conversation=conversation)
    rs.call("answer_referral", username="manager.rs", conversation=conversation)
    theirs = rs.wait_for("referral", lambda r: r["case"], conversation=conversation)
    assert theirs["case"].startswith("RS-")
    assert gr.wait_for("referral", lambda r: r["case_status"] == "closed",
                       conversation=conversation)  # fmt: skip


def test_a_declined_referral_says_why(two_nodes):
    gr, rs = two_nodes
    number = gr.call("open_case", username="manager.gr")
    conversation = gr.call("refer", username="manager.gr", case_number=number,
                           to="116 000 Serbia")  # fmt: skip
    rs.wait_for("referral", lambda r: r is not None, conversation=conversation)
    rs.call("answer_referral", username="manager.rs", conversation=conversation,
            accept=False, reason="already_known")  # fmt: skip
    assert gr.wait_for("referral", lambda r: r["status"] == "declined",
                       conversation=conversation)  # fmt: skip
