"""Which waiting contact a freed agent takes (MODEL.md §9): exact event logs.

One agent is busy with a blocker until t=200; a billing caller waits from
t=100 and a tech caller from t=150.  ``priority_fcfs`` serves billing first;
``longest_weighted_wait`` serves the larger ``weight × wait``.
"""

from __future__ import annotations

import copy
from typing import Any

import simcc

BASE: dict[str, Any] = {
    "horizon": "1h",
    "call_types": {
        "other": {"arrivals": {"times": [0]}, "path": ["front"]},
        "billing": {"arrivals": {"times": [100]}, "path": ["front"]},
        "tech": {"arrivals": {"times": [150]}, "path": ["front"]},
    },
    "pools": {"front": {"agents": 1, "handle_time": {"other": 200, "billing": 60, "tech": 60}}},
}


def served(**pool: Any) -> list[tuple[str, float, float]]:
    """(call type, start, end) of each handling, in time order."""
    data = copy.deepcopy(BASE)
    data["pools"]["front"].update(pool)
    if "groups" in pool:
        del data["pools"]["front"]["agents"]
    r = simcc.simulate(simcc.scenario_from_dict(data))
    types = r.contacts.set_index("contact_id").call_type
    rows = [(str(types[a.contact_id]), a.start, a.end) for a in r.agents.itertuples()]
    return sorted(rows, key=lambda row: row[1])


def test_priority_fcfs_serves_the_first_come() -> None:
    assert served() == [("other", 0, 200), ("billing", 200, 260), ("tech", 260, 320)]


def test_longest_weighted_wait_serves_the_larger_weighted_wait() -> None:
    # at t=200: billing 1 × 100 s, tech 3 × 50 s
    assert served(contact_selection="longest_weighted_wait", weights={"tech": 3}) == [
        ("other", 0, 200),
        ("tech", 200, 260),
        ("billing", 260, 320),
    ]


def test_longest_weighted_wait_without_weights_is_first_come() -> None:
    assert served(contact_selection="longest_weighted_wait") == served()


def test_a_tie_goes_to_the_contact_that_joined_first() -> None:
    # at t=200: billing 1 × 100 s, tech 2 × 50 s
    assert served(contact_selection="longest_weighted_wait", weights={"tech": 2}) == served()


def test_longest_weighted_wait_ignores_priority() -> None:
    data_priority = {"billing": {"priority": 5}}
    data = copy.deepcopy(BASE)
    data["call_types"]["billing"].update(data_priority["billing"])
    data["pools"]["front"].update(contact_selection="longest_weighted_wait")
    r = simcc.simulate(simcc.scenario_from_dict(data))
    c = r.contacts.set_index("call_type")
    assert c.answer["billing"] == 200 and c.answer["tech"] == 260


def test_a_caller_who_hung_up_is_not_picked() -> None:
    data = copy.deepcopy(BASE)
    data["customers"] = {"patience": 60}  # billing hangs up at 160, tech at 210
    data["pools"]["front"].update(contact_selection="longest_weighted_wait")
    r = simcc.simulate(simcc.scenario_from_dict(data))
    c = r.contacts.set_index("call_type")
    assert c.outcome["billing"] == "abandoned_queue" and c.answer["tech"] == 200


def test_agent_groups_share_the_weighted_queue() -> None:
    groups = {"novice": {"agents": 1, "handle_factor": 2}}
    log = served(contact_selection="longest_weighted_wait", weights={"tech": 3}, groups=groups)
    # the pool's one agent is a novice: handling takes twice as long
    assert log == [("other", 0, 400), ("tech", 400, 520), ("billing", 520, 640)]
