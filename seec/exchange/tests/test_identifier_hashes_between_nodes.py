"""Payment and online identifiers compared between two real nodes (Greece on SQLite, Serbia on
PostgreSQL) by keyed hashes only, under a matching agreement of their police units: a match
tells the police units of both and no one else, and neither learns the other's record."""

import pytest

pytestmark = pytest.mark.nodes

IBAN = "AL47 2121 1009 0000 0002 3569 8741"


def test_an_identifier_seen_in_two_countries_tells_both_police_units_and_no_one_else(two_nodes):
    gr, rs = two_nodes
    greek = gr.call("police_agreement", username="police.gr", partner="Police of Serbia")
    serbian = rs.call(
        "police_agreement", username="police.rs", partner="Hellenic Police", key=greek["key"]
    )
    ours = gr.call(
        "record_trace", username="police.gr", kind="iban", value=IBAN, person_name="Lefteris"
    )
    gr.call(
        "record_trace", username="police.gr", kind="phone", value="+30 691 234 5678",
        person_name="Lefteris's driver",
    )  # fmt: skip
    theirs = rs.call(
        "record_trace", username="police.rs", kind="iban", value=IBAN.replace(" ", "").lower(),
        person_name="Dragan",
    )  # fmt: skip
    assert ours["key_hash"] == theirs["key_hash"]  # the installations share the identifier key
    notices_before = {"gr": len(gr.call("notices_given")), "rs": len(rs.call("notices_given"))}

    assert gr.call("send_traces", username="police.gr", agreement=greek["pk"]) == 2
    rs.wait_for("remote_identifier_matches", lambda ids: ids == [theirs["pk"]], timeout=60)
    gr.wait_for("remote_identifier_matches", lambda ids: ids == [ours["pk"]], timeout=60)

    [hashes] = rs.call("payloads_received", payload_type="protection.identifier_hashes")
    [matched] = gr.call("payloads_received", payload_type="protection.identifier_matched")
    for received in (hashes, matched):
        assert received["state"] == "applied", received
        for secret in ("AL47", "2121", "691", ours["key_hash"], "Lefteris", "Dragan"):
            assert secret not in received["payload"]

    told_gr = gr.call("notices_given")[notices_before["gr"] :]
    told_rs = rs.call("notices_given")[notices_before["rs"] :]
    # Each node's police unit (one officer each here), on their own identifier, and no one else:
    # not the hotlines' staff, not the administrators.
    assert [(n["user"], n["link"]) for n in told_gr] == [
        ("police.gr", f"/protection/identifiers/{ours['pk']}/")
    ]
    assert [(n["user"], n["link"]) for n in told_rs] == [
        ("police.rs", f"/protection/identifiers/{theirs['pk']}/")
    ]
    assert "Police of Serbia" in told_gr[0]["subject"]
    assert "Hellenic Police" in told_rs[0]["subject"]
    assert theirs["person"] not in told_gr[0]["subject"]
    assert ours["person"] not in told_rs[0]["subject"]
    assert serbian["key"] is None  # the Serbian unit entered the Greek key, made none
