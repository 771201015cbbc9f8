"""Common random numbers for MODEL.md §7: every policy sees the same needs."""

from __future__ import annotations

from typing import Any

import simcc

CENTRE: dict[str, Any] = {
    "horizon": "4h",
    "call_types": {
        "billing": {
            "arrivals": {"rate": "120/h"},
            "path": ["front", "desk"],
            "needs": {
                "routine": {"share": 0.7},
                "authority": {"share": 0.2, "path": ["front", "boss"], "detect_after": "2m"},
                "complaint": {"share": 0.1, "resolve": {"front": 0.2}, "priority": 0},
            },
        }
    },
    "customers": {
        "patience": {"dist": "exponential", "mean": "3m"},
        "recontact": {"probability": {"abandoned": 0.5}, "delay": "20m"},
    },
    "pools": {
        "front": {
            "agents": 6,
            "handle_time": {"dist": "exponential", "mean": "4m"},
            "resolve": 0.7,
        },
        "desk": {"tier": 2, "agents": 3, "handle_time": {"dist": "exponential", "mean": "8m"}},
        "boss": {"tier": 3, "agents": 1, "handle_time": {"dist": "exponential", "mean": "5m"}},
    },
    "transfer": {"cold": {"rediscovery_time": "1m"}, "warm": {"consult_time": "1m"}},
}


def needs_by_case(policy: str) -> dict[int, str]:
    s = simcc.scenario_from_dict(CENTRE).with_changes({"transfer.policy": policy})
    c = simcc.simulate(s, seed=7).contacts
    first = c[c.attempt == 1]
    return dict(zip(first.case_id, first.need.astype(str), strict=True))


def test_every_policy_sees_the_same_needs_for_the_same_cases() -> None:
    cold, warm, callback = (needs_by_case(p) for p in ("cold", "warm", "callback"))
    assert cold == warm == callback
    assert set(cold.values()) == {"routine", "authority", "complaint"}


def test_a_recontact_keeps_the_need_of_its_case() -> None:
    s = simcc.scenario_from_dict(CENTRE)
    c = simcc.simulate(s, seed=3).contacts
    first = dict(zip(c.case_id[c.attempt == 1], c.need[c.attempt == 1].astype(str), strict=True))
    again = c[c.attempt > 1]
    assert len(again) > 0
    assert all(
        first.get(case, need) == need
        for case, need in zip(again.case_id, again.need.astype(str), strict=True)
    )
