"""Exact event logs of MODEL.md §7's escalation features in tiny deterministic scenarios.

As in tests/process/test_event_sequences.py: one contact (arriving at t=100
from a replayed trace) meets a front-line agent and a desk agent with
deterministic times; each test asserts who is busy with what, when, and the
hand-off's ``reason``.
"""

from __future__ import annotations

import copy
from typing import Any

import simcc
from tests.process.test_event_sequences import log

BASE: dict[str, Any] = {
    "horizon": "1h",
    "call_types": {"billing": {"arrivals": {"times": [100]}, "path": ["front", "desk"]}},
    "pools": {
        "front": {"agents": 1, "handle_time": 60, "wrap_up": 10, "resolve": 1.0},
        "desk": {"tier": 2, "agents": 1, "handle_time": 120, "wrap_up": 20, "resolve": 1.0},
        "boss": {"tier": 3, "agents": 1, "handle_time": 200, "resolve": 1.0},
    },
    "transfer": {"policy": "cold", "cold": {"transfer_time": 15, "rediscovery_time": 30}},
}


def centre(**changes: Any) -> simcc.Scenario:
    data = copy.deepcopy(BASE)
    s = simcc.scenario_from_dict(data)
    return s.with_changes(changes) if changes else s


def test_a_need_with_detect_after_escalates_on_its_own_path_with_reason_need() -> None:
    needs = {"authority": {"share": 1.0, "path": ["front", "boss"], "detect_after": 20}}
    r = simcc.simulate(centre(**{"call_types.billing.needs": needs}))
    assert log(r) == [
        ("front", 0, "handle", 100, 120),  # the agent sees at 20 s that it needs authority
        ("front", 0, "transfer", 120, 135),
        ("boss", 0, "rediscovery", 135, 165),
        ("front", 0, "wrap_up", 135, 145),
        ("boss", 0, "handle", 165, 365),
    ]
    c = r.contacts.iloc[0]
    assert (c.need, c.outcome, c.pools) == ("authority", "resolved", "front>boss")
    leg = r.transfers.iloc[0]
    assert (leg.reason, leg.to_pool) == ("need", "boss")


def test_a_need_unresolvable_at_a_pool_goes_on_after_the_full_handle_with_reason_need() -> None:
    needs = {"special": {"share": 1.0, "resolve": {"front": 0}}}
    r = simcc.simulate(centre(**{"call_types.billing.needs": needs}))
    assert log(r)[:2] == [("front", 0, "handle", 100, 160), ("front", 0, "transfer", 160, 175)]
    assert r.transfers.iloc[0].reason == "need"
    assert r.contacts.iloc[0].need == "special"


def test_a_call_type_without_needs_records_an_empty_need() -> None:
    r = simcc.simulate(centre())
    assert r.contacts.iloc[0].need == ""
    assert len(r.transfers) == 0


def test_a_complaint_at_the_first_answer_sends_the_contact_to_the_complaint_pool() -> None:
    complaint = {"base": 1.0, "to": "boss"}  # certain: every answered customer complains
    r = simcc.simulate(centre(**{"customers.complaint": complaint}))
    assert log(r) == [
        ("front", 0, "handle", 100, 160),  # the agent handles, then hands the complaint on
        ("front", 0, "transfer", 160, 175),
        ("boss", 0, "rediscovery", 175, 205),
        ("front", 0, "wrap_up", 175, 185),
        ("boss", 0, "handle", 205, 405),
    ]
    leg = r.transfers.iloc[0]
    assert (leg.reason, leg.from_pool, leg.to_pool) == ("complaint", "front", "boss")
    c = r.contacts.iloc[0]
    assert (c.outcome, c.pools, c.escalations) == ("resolved", "front>boss", 1)


def test_the_complaint_probability_grows_with_minutes_waited() -> None:
    # 1.0 per minute waited: the first caller never waited (p = 0); the second waits until
    # the front agent is free at 170 (70 s: p > 1, certain)
    complaint = {"per_wait_minute": 1.0, "to": "boss"}
    s = centre(
        **{"customers.complaint": complaint, "call_types.billing.arrivals.times": [100, 100]}
    )
    r = simcc.simulate(s)
    reasons = dict(zip(r.transfers.contact_id, r.transfers.reason.astype(str), strict=True))
    assert reasons == {1: "complaint"}


def test_repeat_contact_skips_the_front_line_with_reason_repeat_contact() -> None:
    s = centre(
        **{
            "pools.front.resolve": 0.0,
            "call_types.billing.path": ["front"],
            "customers.recontact": {"probability": {"unresolved": 1.0}, "delay": 1000},
            "escalation.repeat_contact": {"attempt": 2, "to": "desk"},
        }
    )
    r = simcc.simulate(s)
    again = r.contacts[r.contacts.attempt == 2].iloc[0]
    # the first contact ends unresolved at 160; the second calls at 1160, straight to the desk
    assert (again.arrival, again.entry_pool, again.answer, again.pools) == (
        1160,
        "desk",
        1160,
        "desk",
    )
    assert log(r, contact=int(again.contact_id)) == [
        ("desk", 0, "handle", 1160, 1280),
        ("desk", 0, "wrap_up", 1280, 1300),
    ]
    leg = r.transfers[r.transfers.contact_id == again.contact_id].iloc[0]
    assert (leg.reason, leg.policy, leg.from_pool, leg.to_pool) == (
        "repeat_contact",
        "",
        "front",
        "desk",
    )
    assert (leg.handoff, leg.engaged, again.outcome) == (1160, 1160, "resolved")
    assert len(r.contacts) == 2  # resolved at the desk: no third contact


def test_case_age_sends_an_old_case_straight_to_its_pool() -> None:
    s = centre(
        **{
            "pools.front.resolve": 0.0,
            "call_types.billing.path": ["front"],
            "customers.recontact": {"probability": {"unresolved": 1.0}, "delay": 1000},
            "escalation.case_age": {"after": "15m", "to": "boss"},
        }
    )
    r = simcc.simulate(s)
    c = r.contacts.sort_values("arrival")
    # attempt 2 at 1160 (case 1060 s old, 15 min = 900 s): straight to the boss, resolved
    assert list(c.attempt) == [1, 2]
    assert (c.iloc[1].entry_pool, c.iloc[1].outcome) == ("boss", "resolved")
    assert r.transfers.iloc[0].reason == "case_age"
    assert log(r, contact=int(c.iloc[1].contact_id)) == [("boss", 0, "handle", 1160, 1360)]


def memory(context: str) -> simcc.Scenario:
    """The desk leaves the case unresolved at 325; the customer calls again 1000 s later."""
    return centre(
        **{
            "pools.front.resolve": 0.0,
            "pools.desk.resolve": {"billing": 0.0},
            "call_types.billing.path": ["front", "desk"],
            "customers.recontact": {
                "probability": {"unresolved": 1.0},
                "delay": 1000,
                "route": "last_pool",
                "context": context,
            },
            "horizon": 1500,
        }
    )


def test_case_memory_sends_a_recontact_back_to_its_last_pool_where_it_retells() -> None:
    r = simcc.simulate(memory("lost"))
    c = r.contacts.sort_values("arrival")
    again = c.iloc[1]
    # first contact: front 100-160, cold 160-175, desk retells 175-205, handles 205-325
    assert (c.iloc[0].end, again.arrival) == (325, 1325)
    assert (again.entry_pool, again.pools, again.escalations) == ("desk", "desk", 0)
    assert log(r, contact=int(again.contact_id)) == [
        ("desk", 0, "rediscovery", 1325, 1355),  # the case notes did not travel
        ("desk", 0, "handle", 1355, 1475),
        ("desk", 0, "wrap_up", 1475, 1495),
    ]
    assert again.rediscoveries == 1
    assert list(r.transfers.contact_id) == [c.iloc[0].contact_id]  # no hand-off: its owner


def test_case_memory_with_the_context_kept_pays_no_rediscovery() -> None:
    r = simcc.simulate(memory("kept"))
    again = r.contacts.sort_values("arrival").iloc[1]
    assert log(r, contact=int(again.contact_id)) == [
        ("desk", 0, "handle", 1325, 1445),
        ("desk", 0, "wrap_up", 1445, 1465),
    ]
    assert again.rediscoveries == 0


def peer(success: float) -> simcc.Scenario:
    """Two front agents; the first contact's agent asks its idle colleague before escalating."""
    return centre(
        **{
            "pools.front.agents": 2,
            "pools.front.resolve": 0.0,
            "pools.front.peer": {"probability": 1.0, "consult_time": 45, "success": success},
        }
    )


def test_a_successful_peer_consult_keeps_the_contact_with_its_owner_who_resolves_it() -> None:
    r = simcc.simulate(peer(success=1.0))
    assert log(r) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "peer_consult", 160, 205),  # the owner asks a colleague ...
        ("front", 1, "peer_consult", 160, 205),  # ... who is busy for the consult
        ("front", 0, "wrap_up", 205, 215),  # the owner resolves it and wraps up
    ]
    c = r.contacts.iloc[0]
    assert (c.outcome, c.end, c.escalations, c.pools) == ("resolved", 205, 0, "front")
    leg = r.transfers.iloc[0]
    assert (leg.policy, leg.from_pool, leg.to_pool, leg.reason) == (
        "peer",
        "front",
        "front",
        "not_resolved",
    )
    assert (leg.handoff, leg.engaged, leg.outcome) == (160, 160, "engaged")


def test_a_failed_peer_consult_escalates_as_it_would_have() -> None:
    r = simcc.simulate(peer(success=0.0))
    assert log(r) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "peer_consult", 160, 205),
        ("front", 1, "peer_consult", 160, 205),
        ("front", 0, "transfer", 205, 220),  # then the cold transfer it would have made
        ("desk", 0, "rediscovery", 220, 250),
        ("front", 0, "wrap_up", 220, 230),
        ("desk", 0, "handle", 250, 370),
        ("desk", 0, "wrap_up", 370, 390),
    ]
    c = r.contacts.iloc[0]
    assert (c.escalations, c.first_handoff, c.pools) == (1, 205, "front>desk")
    assert list(r.transfers.policy.astype(str)) == ["peer", "cold"]
    assert r.metrics()["transfer_success_rate"] == 1.0  # the peer consult is no hand-on


def test_the_context_of_a_warm_transfer_shortens_the_receiving_agents_handling() -> None:
    s = centre(
        **{
            "pools.front.resolve": 0.0,
            "transfer.policy": "warm",
            "transfer.warm": {"consult_time": 60, "conference_time": 40},
            "transfer.context.warm": {"handle_factor": 0.5},
        }
    )
    r = simcc.simulate(s)
    assert log(r) == [
        ("front", 0, "handle", 100, 160),
        ("desk", 0, "consult", 160, 220),
        ("front", 0, "consult", 160, 220),
        ("desk", 0, "conference", 220, 260),
        ("front", 0, "conference", 220, 260),
        ("desk", 0, "handle", 260, 320),  # 120 s × 0.5: the briefing saved half the work
        ("front", 0, "wrap_up", 260, 270),
        ("desk", 0, "wrap_up", 320, 340),
    ]


def test_the_resolve_factor_of_the_policy_it_came_by_acts_on_the_receiving_agent() -> None:
    base = {"pools.front.resolve": 0.0, "pools.desk.resolve": 0.5}
    lost = centre(**base, **{"transfer.context.cold": {"resolve_factor": 0.001}})
    sure = centre(**base, **{"transfer.context.cold": {"resolve_factor": 2.0}})  # capped at 1
    assert simcc.simulate(sure).contacts.iloc[0].outcome == "resolved"
    assert simcc.simulate(lost).contacts.iloc[0].outcome == "unresolved"
