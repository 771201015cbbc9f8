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
