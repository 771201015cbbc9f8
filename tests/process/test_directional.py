"""Directional checks that follow from the model, paired on common random numbers.

Each compares two policies over the same replications (same seeds, so the
same first contacts) and asserts the sign of the paired difference with its
95 % confidence interval excluding zero.
"""

from __future__ import annotations

import copy
from typing import Any

import simcc
from simcc.analysis.stats import paired_difference

CENTRE: dict[str, Any] = {
    "horizon": "6h",
    "warmup": "30m",
    "call_types": {"billing": {"arrivals": {"rate": "120/h"}, "path": ["front", "desk"]}},
    "customers": {
        "patience": {"dist": "exponential", "mean": "4m"},
        "hold_patience": {"dist": "exponential", "mean": "15m"},
        "transfer_patience": {"dist": "exponential", "mean": "3m"},
    },
    "pools": {
        "front": {
            "agents": 14,
            "handle_time": {"dist": "exponential", "mean": "5m"},
            "wrap_up": "30s",
            "resolve": 0.6,
        },
        "desk": {
            "tier": 2,
            "agents": 9,
            "handle_time": {"dist": "exponential", "mean": "8m"},
            "wrap_up": "30s",
            "resolve": 0.95,
        },
    },
    "transfer": {
        "cold": {
            "transfer_time": "15s",
            "rediscovery_time": {"dist": "exponential", "mean": "90s"},
            "misroute_probability": 0.1,
        },
        "warm": {
            "consult_time": {"dist": "exponential", "mean": "45s"},
            "conference_time": {"dist": "exponential", "mean": "30s"},
        },
        "callback": {"transfer_time": "20s", "priority": 5, "context_factor": 0.5},
        "false_resolution": {"cold": 0.08, "warm": 0.02, "callback": 0.04},
    },
    "sla": {"escalation": {"desk": "10m"}},
}


def paired(policy_a: str, policy_b: str, metric: str, seed: int, n: int = 12, **changes: Any):
    data = copy.deepcopy(CENTRE)
    scenario = simcc.scenario_from_dict(data)
    if changes:
        scenario = scenario.with_changes(changes)
    a = simcc.replicate(scenario.with_policy(policy_a), n, seed, jobs=2).table[metric]
    b = simcc.replicate(scenario.with_policy(policy_b), n, seed, jobs=2).table[metric]
    return paired_difference(a.to_numpy(), b.to_numpy())


IDLE_SPECIALISTS = {
    "pools.desk.agents": 14,  # desk occupancy about 45 %: a specialist is nearly always free
    "pools.front.agents": 18,  # and the front line has slack for the consults
    "customers.hold_patience": {"dist": "exponential", "mean": "30m"},
    "customers.transfer_patience": {"dist": "exponential", "mean": "1m"},
}


def test_warm_beats_cold_with_idle_specialists(seed: int) -> None:
    for metric in ("fcr", "abandonment_transfer_rate", "customer_effort"):
        d = paired("cold", "warm", metric, seed, n=16, **IDLE_SPECIALISTS)  # warm − cold
        if metric == "fcr":
            assert d.ci_low > 0, (metric, d)
        else:
            assert d.ci_high < 0, (metric, d)


def test_warm_costs_front_line_time_when_specialists_are_saturated(seed: int) -> None:
    changes = {"pools.desk.agents": 5, "transfer.warm.max_consult_wait": "1m"}
    d = paired("cold", "warm", "transfer_time_share_front", seed, **changes)
    assert d.ci_low > 0, d
    d = paired("cold", "warm", "occupancy_front", seed, **changes)
    assert d.ci_low > 0, d


def test_callback_never_holds_and_misses_escalation_sla_when_queue_is_long(seed: int) -> None:
    changes = {"pools.desk.agents": 6}
    data = simcc.scenario_from_dict(copy.deepcopy(CENTRE)).with_changes(changes)
    reps = simcc.replicate(data.with_policy("callback"), 6, seed, jobs=2)
    assert (reps.table["abandonment_hold_rate"] == 0).all()
    assert (reps.table["abandonment_transfer_rate"] == 0).all()
    d = paired("cold", "callback", "escalation_sla_rate", seed, **changes)
    assert d.ci_high < 0, d
