"""Batches (protocol seec-exchange/2) between two real nodes: many distributions in one signed
request, each checked and answered on its own; a retried batch applies nothing twice; a node
that takes no batches is sent one distribution at a time."""

import pytest

pytestmark = pytest.mark.nodes

SERBIA = "116 000 Serbia"


def test_each_node_announces_its_batch_inbox_and_the_other_learns_it(two_nodes):
    gr, rs = two_nodes
    assert gr.call("peer_batch_inbox", node_id="rs-node") == rs.url + "/exchange/inbox/batch/"
    assert rs.call("peer_batch_inbox", node_id="gr-node") == gr.url + "/exchange/inbox/batch/"


def test_one_bad_distribution_is_refused_naming_its_field_and_the_others_are_accepted(
    two_nodes,
):
    gr, rs = two_nodes
    received_before = rs.call("inbox_count")
    refused_before = len(rs.call("refusals"))
    sent = gr.call("batch_with_one_bad", to=SERBIA, good=3, bad_at=1)
    [answer] = sent["answers"]
    assert answer["status"] == 200 and answer["protocol"] == "seec-exchange/2", answer
    results = answer["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert [r["distributionID"] for r in results] == sent["ids"]
    bad = results[1]
    assert (bad["status"], bad["error"], bad["field"]) == (422, "schema", "payload/written_at")
    assert "written_at" in bad["message"]
    for good in (results[0], results[2], results[3]):
        assert good["status"] == 200 and good["receipt"] and good["duplicate"] is False
    assert rs.call("inbox_count") == received_before + 3
    refusals = rs.call("refusals")
    assert len(refusals) == refused_before + 1 and refusals[-1]["code"] == "schema"
    assert "exchange.refused" in rs.call("audit_actions")[-2:]


def test_a_distribution_its_handler_refuses_leaves_the_rest_of_the_batch_applied(two_nodes):
    gr, rs = two_nodes
    received_before = rs.call("inbox_count")
    sent = gr.call(
        "batch_with_one_bad", to=SERBIA, good=3, bad_at=2, bad="cap", bad_to="Police of Serbia"
    )
    results = sent["answers"][0]["results"]
    bad = results[2]
    assert (bad["status"], bad["error"], bad["field"]) == (422, "not_applicable", "payload")
    assert "CAP 1.2" in bad["message"]
    assert [r["status"] for r in results] == [200, 200, 422, 200]
    assert rs.call("inbox_count") == received_before + 3
    assert rs.call("refusals")[-1]["code"] == "not_applicable"


def test_a_retried_batch_is_answered_with_the_same_receipts_and_applied_once(two_nodes):
    gr, rs = two_nodes
    received_before = rs.call("inbox_count")
    sent = gr.call("batch_with_one_bad", to=SERBIA, good=4, bad_at=4, times=2)
    first, again = sent["answers"]
    assert again["status"] == 200
    for before, after in zip(first["results"][:4], again["results"][:4], strict=True):
        assert before["duplicate"] is False and after["duplicate"] is True
        assert after["receipt"] == before["receipt"]
    assert again["results"][4]["error"] == "schema"
    assert rs.call("inbox_count") == received_before + 4


@pytest.mark.parametrize(
    ("good", "bad", "at_once"), [(3, 0, False), (0, 1, False), (2, 1, True)],
    ids=["accepted", "refused", "at-the-same-moment"],
)  # fmt: skip
def test_a_replayed_batch_request_is_refused_whole_and_applies_nothing(
    two_nodes, good, bad, at_once
):
    """The batch's signature is remembered in the transaction that stores what it carries:
    its replay, later or at the same moment, keeps nothing and is refused as a replay."""
    gr, rs = two_nodes
    received_before = rs.call("inbox_count")
    refused_before = len(rs.call("refusals"))
    sent = gr.call("replayed_batch", to=SERBIA, good=good, bad=bad, at_once=at_once)
    answers = sorted(sent["answers"], key=lambda answer: answer["status"])
    first, replay = answers
    assert first["status"] == 200, first
    assert [r["status"] for r in first["results"]] == [200] * good + [422] * bad
    assert (replay["status"], replay["error"]) == (401, "replay"), replay
    assert rs.call("inbox_count") == received_before + good
    refusals = rs.call("refusals")[refused_before:]
    assert sorted(r["code"] for r in refusals) == sorted(["replay"] + ["schema"] * bad)


def test_a_new_conversation_arriving_out_of_order_in_one_batch_is_applied_in_order(two_nodes):
    gr, rs = two_nodes
    sent = gr.call("batch_in_one_conversation", to=SERBIA, sequences=[2, 1, 4, 3])
    assert [r["status"] for r in sent["answer"]["results"]] == [200] * 4
    state = rs.call("conversation_state", conversation=sent["conversation"])
    assert state == {"last_applied": 4, "states": dict.fromkeys("1234", "applied")}


def test_a_new_conversation_whose_first_message_is_refused_waits_for_it(two_nodes):
    """Its row is made saying how far the batch would apply it: a refusal moves it back."""
    gr, rs = two_nodes
    sent = gr.call(
        "batch_in_one_conversation", to=SERBIA, sequences=[1, 2], refused_at=0,
        refused_to="Police of Serbia",
    )  # fmt: skip
    results = sent["answer"]["results"]
    assert [(r["status"], r.get("error")) for r in results] == [
        (422, "not_applicable"), (200, None),
    ]  # fmt: skip
    state = rs.call("conversation_state", conversation=sent["conversation"])
    assert state == {"last_applied": 0, "states": {"2": "held"}}


def test_a_batch_in_the_wrong_protocol_is_refused_clearly(two_nodes):
    gr, rs = two_nodes
    received_before = rs.call("inbox_count")
    alone, in_single, other = gr.call("batch_in_the_wrong_protocol", to=SERBIA)
    assert (alone["status"], alone["error"], alone["field"]) == (
        400, "wrong_protocol", "distributions",
    )  # fmt: skip
    assert (in_single["status"], in_single["error"]) == (400, "wrong_protocol")
    assert (other["status"], other["error"], other["field"]) == (400, "wrong_protocol", "protocol")
    assert rs.call("inbox_count") == received_before


def test_the_worker_sends_batches_and_one_at_a_time_to_a_node_without_them(two_nodes):
    gr, rs = two_nodes
    ids = gr.call("ping_many", to=SERBIA, count=30, note="batched-")
    gr.wait_for("delivered_count", lambda n: n == 30, ids=ids, timeout=60)
    assert any(rs.call("received_in_batch", distribution_id=i) for i in ids)
    received = rs.call("notes_received", prefix="batched-")
    assert len(received) == 30 and set(received.values()) == {1}

    batch_inbox = gr.call("peer_batch_inbox", node_id="rs-node")
    try:
        # A node of protocol 1 (its key document announces no batch inbox).
        gr.call("set_batch_inbox", node_id="rs-node", url="")
        alone = gr.call("ping", to=SERBIA, note="one-at-a-time")
        gr.wait_for("outbox", lambda m: m["state"] == "delivered", distribution_id=alone)
        assert rs.call("received_in_batch", distribution_id=alone) is False
        # A node whose batch inbox has gone: the sender falls back to one at a time.
        gr.call("set_batch_inbox", node_id="rs-node", url=rs.url + "/exchange/inbox/gone/")
        fallen_back = gr.call("ping", to=SERBIA, note="fallen-back")
        state = gr.wait_for(
            "outbox", lambda m: m["state"] == "delivered", distribution_id=fallen_back
        )
        assert state["attempts"] == 1
        assert rs.call("received_in_batch", distribution_id=fallen_back) is False
    finally:
        # A worker that starts reads again the key document of a peer that announced no batch
        # inbox (and forgets the peers it found without one).
        gr.call("set_batch_inbox", node_id="rs-node", url="")
        gr.kill_worker()
        gr.start_worker()
    gr.wait_for("peer_batch_inbox", lambda url: url == batch_inbox, node_id="rs-node", timeout=60)
