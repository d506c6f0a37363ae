"""The envelope between two real nodes (Greece on SQLite, Serbia on PostgreSQL), over HTTP."""

import pytest

pytestmark = pytest.mark.nodes


def test_a_message_is_delivered_once_and_the_signed_receipt_is_kept(two_nodes):
    gr, rs = two_nodes
    distribution = gr.call("ping", to="116 000 Serbia", note="hello Belgrade")
    assert distribution.startswith("gr-node_")
    state = gr.wait_for("outbox", lambda m: m["state"] == "delivered", distribution_id=distribution)
    assert state["receipt"] and state["attempts"] == 1
    assert "hello Belgrade" in rs.call("inbox_notes")
    assert "exchange.sent" in gr.call("audit_actions")
    assert "exchange.delivered" in gr.call("audit_actions")
    assert "exchange.received" in rs.call("audit_actions")


def test_each_node_knows_the_organisations_the_other_hosts(two_nodes):
    gr, rs = two_nodes
    assert "rs-node:116 000 Serbia" in gr.call("remote_organisations")
    assert "gr-node:Hellenic Police" in rs.call("remote_organisations")
