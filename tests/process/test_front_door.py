"""Exact event logs before the queue (MODEL.md §8): the front door and virtual hold.

Tiny deterministic scenarios: contacts arrive from a replayed trace, the front
door takes a fixed time, and the tests assert when each contact reaches the
queue, who is busy with what, and how it ends.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

import simcc
from tests.process.test_event_sequences import log

BASE: dict[str, Any] = {
    "horizon": "1h",
    "call_types": {
        "billing": {
            "arrivals": {"times": [100]},
            "path": ["front"],
            "front_door": {"time": 40, "containment": 0.0, "context": "kept"},
        }
    },
    "pools": {"front": {"agents": 1, "handle_time": 60, "wrap_up": 10, "resolve": 1.0}},
    "transfer": {"cold": {"rediscovery_time": 30}},
}


def run(*changes: tuple[str, Any], seed: int = 0, door: bool = True) -> simcc.Result:
    data = copy.deepcopy(BASE)
    if not door:
        del data["call_types"]["billing"]["front_door"]
    s = simcc.scenario_from_dict(data)
    if changes:
        s = s.with_changes(dict(changes))
    return simcc.simulate(s, seed=seed)


def test_a_contained_contact_ends_self_served_at_the_end_of_its_door_time_with_no_agent():
    r = run(("call_types.billing.front_door.containment", 1.0))
    c = r.contacts.iloc[0]
    assert c["outcome"] == "self_served"
    assert (c["arrival"], c["end"]) == (100, 140)
    assert math.isnan(c["queued"]) and math.isnan(c["answer"])
    assert c["pools"] == "" and c["rediscoveries"] == 0
    assert r.agents.empty


def test_a_contact_the_door_lets_through_queues_when_it_leaves_the_door():
    r = run()
    c = r.contacts.iloc[0]
    assert (c["arrival"], c["queued"], c["answer"], c["wait"]) == (100, 140, 140, 0)
    assert c["outcome"] == "resolved"
    assert log(r) == [("front", 0, "handle", 140, 200), ("front", 0, "wrap_up", 200, 210)]


def test_patience_runs_from_the_queue_not_from_the_door():
    # the agent is busy with an earlier caller (no door for it) until 100 + 60 + 10 = 170;
    # the billing caller leaves the door at 140 and hangs up 20 s later, at 160
    r = run(
        ("call_types.billing.arrivals.times", [100]),
        ("call_types.early", {"arrivals": {"times": [100]}, "path": ["front"]}),
        ("customers.patience", 20),
    )
    c = r.contacts.set_index("call_type").loc["billing"]
    assert c["outcome"] == "abandoned_queue"
    assert (c["queued"], c["wait"], c["end"]) == (140, 20, 160)


def test_a_lost_context_costs_the_first_agent_one_retelling():
    r = run(("call_types.billing.front_door.context", "lost"))
    c = r.contacts.iloc[0]
    assert c["rediscoveries"] == 1
    assert log(r) == [
        ("front", 0, "rediscovery", 140, 170),  # transfer.cold.rediscovery_time
        ("front", 0, "handle", 170, 230),
        ("front", 0, "wrap_up", 230, 240),
    ]
    assert r.metrics()["customer_effort"] == 2.0


def test_a_kept_context_costs_no_retelling():
    r = run()
    assert r.contacts.iloc[0]["rediscoveries"] == 0
    assert r.metrics()["customer_effort"] == 1.0


def test_self_served_contacts_are_arrived_not_offered_and_count_as_resolved_first_contacts():
    times = [10.0 * i for i in range(1, 41)]
    r = run(
        ("call_types.billing.arrivals.times", times),
        ("call_types.billing.front_door.containment", 0.5),
        ("pools.front.agents", 40),
        ("pools.front.cost_per_hour", 36),
    )
    outcome = r.contacts["outcome"]
    door = int((outcome == "self_served").sum())
    assert 0 < door < 40
    m = r.metrics()
    assert m["arrived"] == 40 and m["offered"] == 40 - door
    assert m["containment_rate"] == door / 40
    assert m["fcr"] == 1.0  # every case resolved at its first contact, by the door or an agent
    assert m["first_touch_resolution"] == 1.0  # over the offered only
    assert m["service_level"] == 1.0 and m["asa"] == 0.0  # the agents', not the door's
    assert m["cost_per_resolved_case"] == m["cost_per_contact"] * (40 - door) / 40


def test_self_served_customers_never_call_again():
    r = run(
        ("call_types.billing.front_door.containment", 1.0),
        ("customers.recontact", {"probability": {"unresolved": 1.0, "abandoned": 1.0}}),
    )
    assert len(r.contacts) == 1


def test_the_door_draws_do_not_depend_on_the_policy():
    changes = (
        ("call_types.billing.arrivals.times", [10.0 * i for i in range(1, 61)]),
        ("call_types.billing.front_door.containment", 0.4),
        ("call_types.billing.front_door.time", {"dist": "exponential", "mean": 30}),
        ("call_types.billing.path", ["front", "desk"]),
        ("pools.front.resolve", 0.5),
        ("pools.desk", {"tier": 2, "agents": 1, "handle_time": 200}),
    )
    cold, warm = (
        run(*changes, ("transfer.policy", policy), seed=5).contacts.set_index("contact_id")
        for policy in ("cold", "warm")
    )
    warm = warm.loc[cold.index]
    assert 0 < (cold["outcome"] == "self_served").sum() < len(cold)
    assert ((cold["outcome"] == "self_served") == (warm["outcome"] == "self_served")).all()
    assert cold["queued"].fillna(-1).tolist() == warm["queued"].fillna(-1).tolist()


# ---------------------------------------------------------------------------- virtual hold

HOLD: tuple[tuple[str, Any], ...] = (
    ("call_types.billing.arrivals.times", [0, 30]),  # the second caller finds the agent busy
    ("call_types.billing.virtual_hold", {"offer_when_wait_over": 0, "accept": 1.0}),
    ("customers.patience", 5),  # it would hang up long before the agent frees
    ("transfer.callback", {"dial_time": 15}),
)


def test_an_accepted_call_back_keeps_its_place_without_patience_and_is_dialled():
    r = run(*HOLD, door=False)
    c = r.contacts.set_index("contact_id").loc[1]
    assert bool(c["virtual_hold"]) and c["outcome"] == "resolved"
    assert log(r, 1) == [
        ("front", 0, "dial", 70, 85),  # the agent is free at 0 + 60 + 10
        ("front", 0, "handle", 85, 145),
        ("front", 0, "wrap_up", 145, 155),
    ]
    assert (c["answer"], c["wait"]) == (85, 55)  # reached at 85, in the queue from 30
    assert r.metrics()["virtual_hold_rate"] == 0.5


def test_an_unreached_call_back_is_retried_then_ends_callback_unreached():
    r = run(
        *HOLD,
        (
            "transfer.callback",
            {"dial_time": 15, "reach_probability": 0.0, "max_attempts": 2, "retry_delay": 100},
        ),
        door=False,
    )
    c = r.contacts.set_index("contact_id").loc[1]
    assert c["outcome"] == "callback_unreached"
    assert log(r, 1) == [("front", 0, "dial", 70, 85), ("front", 0, "dial", 185, 200)]
    assert c["end"] == 200


@pytest.mark.parametrize("accept", [0.0, 1.0])
def test_no_call_back_is_offered_while_the_expected_wait_is_under_the_threshold(accept: float):
    r = run(
        *HOLD[:-1],
        ("call_types.billing.virtual_hold", {"offer_when_wait_over": "1h", "accept": accept}),
        door=False,
    )
    assert not r.contacts["virtual_hold"].any()
    assert r.contacts.set_index("contact_id").loc[1, "outcome"] == "abandoned_queue"


def test_a_self_served_contact_is_a_true_resolution_for_the_resolution_times():
    r = run(("call_types.billing.front_door.containment", 1.0))
    m = r.metrics()
    assert (m["arrived"], m["offered"], m["containment_rate"], m["fcr"]) == (1, 0, 1.0, 1.0)
    assert m["resolution_time"] == m["case_resolution_time"] == 40.0  # its time in the door
    assert math.isnan(m["asa"]) and math.isnan(m["first_touch_resolution"])  # no agent metric
