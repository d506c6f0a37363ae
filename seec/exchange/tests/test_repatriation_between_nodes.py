"""A child's safe return from Greece to Albania across two real nodes: the steps owned by the
Albanian social services travel to Albania's node as messages and come back confirmed; the
consulate's (off the platform) is recorded by the coordinator, the Greek police's escort is
answered on Greece's node; the plan ends completed with every step confirmed."""

import pytest

pytestmark = pytest.mark.nodes

SOCIAL = "State Social Service of Albania"


def test_a_return_from_greece_to_albania_with_every_step_confirmed(two_nodes, albanian_node):
    gr, _rs = two_nodes
    al = albanian_node
    plan = gr.call(
        "repatriation_plan", username="manager.gr", social_services=SOCIAL,
        consulate="Albanian consulate in Thessaloniki",
    )  # fmt: skip

    # The family assessment is asked of Albania's social services before the decision.
    asked = gr.call("request_step", username="manager.gr", plan=plan, kind="family_assessment")
    [held] = al.wait_for(
        "step_assignments", lambda rows: [r for r in rows if r["conversation"] == asked]
    )
    assert (held["child"], held["organisation"]) == ("Arta Hoxha", SOCIAL)
    al.call("answer_step", username="social.al", conversation=asked,
            note="Mother and grandmother in Elbasan, a safe home, a school place.")  # fmt: skip
    gr.wait_for("plan_state", lambda s: "Elbasan" in s["family_assessment"], plan=plan)
    gr.call("approve_plan", username="manager.gr", plan=plan)

    gr.call("request_step", username="manager.gr", plan=plan, kind="travel_documents")
    gr.call("record_step_answer", username="manager.gr", plan=plan, kind="travel_documents",
            by="Consul, Albanian consulate in Thessaloniki")  # fmt: skip
    for step in gr.call("plan_state", plan=plan)["steps"]:
        if step["status"] == "confirmed":
            continue
        conversation = gr.call("request_step", username="manager.gr", plan=plan, kind=step["kind"])
        node, username = (
            (gr, "police.gr") if step["owner"] == "Hellenic Police" else (al, "social.al")
        )
        node.wait_for(
            "step_assignments",
            lambda rows, c=conversation: [r for r in rows if r["conversation"] == c],
        )
        assert node.call("answer_step", username=username, conversation=conversation) == "confirmed"
        gr.wait_for(
            "plan_state",
            lambda s, k=step["kind"]: (
                next(x for x in s["steps"] if x["kind"] == k)["status"] == "confirmed"
            ),
            plan=plan,
        )

    final = gr.call("plan_state", plan=plan)
    assert final["status"] == "completed"
    assert [s["status"] for s in final["steps"]] == ["confirmed"] * len(final["steps"])
    kinds = [s["kind"] for s in final["steps"]]
    assert kinds[-4:] == ["follow_up_1", "follow_up_3", "follow_up_6", "follow_up_12"]
    # Albania's node answered every step it owned, and holds no more than it was asked.
    answered = al.call("step_assignments")
    owned = [s for s in final["steps"] if s["owner"] == SOCIAL]
    assert len(answered) == len(owned) and {a["status"] for a in answered} == {"confirmed"}
