"""Three and more real nodes: the regional centre's directory vouches for nodes, and a
revoked key is refused from then on."""

import time

import pytest

KEYS_REMEMBERED_FOR = 1.2

pytestmark = pytest.mark.nodes


def test_the_regional_directory_introduces_nodes_and_a_revoked_key_is_refused(
    two_nodes, regional_and_macedonian_nodes
):
    gr, rs = two_nodes
    seec, mk = regional_and_macedonian_nodes
    # The regional centre confirms each national node out of band...
    for node in (gr, rs, mk):
        seec.call("add_peer", url=node.url, fingerprint=node.call("readable_fingerprint"))
    # ...and each national node confirms the regional centre once.
    for node in (gr, mk):
        node.call("add_peer", url=seec.url, fingerprint=seec.call("readable_fingerprint"))
    # North Macedonia learns Greece and Serbia from the directory, Greece learns North
    # Macedonia: no other fingerprint read out.
    assert mk.call("import_directory", node_id="seec-node") == ["gr-node", "rs-node"]
    assert gr.call("import_directory", node_id="seec-node") == ["mk-node"]

    to_greece = mk.call("ping", to="Hellenic Police", note="from Skopje")
    mk.wait_for("outbox", lambda m: m["state"] == "delivered", distribution_id=to_greece)
    back = gr.call("ping", to="116 000 North Macedonia", note="from Athens")
    gr.wait_for("outbox", lambda m: m["state"] == "delivered", distribution_id=back)

    # Greece revokes North Macedonia's signing key (reported stolen): refused from now on.
    gr.call("revoke_peer_signing_key", node_id="mk-node")
    # Greece's server remembers a peer's keys for a second (seec/exchange/briefly.py): the
    # revocation holds from then on.
    time.sleep(KEYS_REMEMBERED_FOR)
    refused = mk.call("ping", to="Hellenic Police", note="after revocation")
    dead = mk.wait_for("outbox", lambda m: m["state"] == "dead", distribution_id=refused)
    assert "unknown_node" in dead["error"]
    assert gr.call("refusals")[-1]["code"] == "unknown_node"
