"""Agent groups inside a pool (MODEL.md §9): exact event logs, group staffing, group metrics.

The agents of group ``g`` of a pool with ``G`` groups are numbered
``g, g + G, …``: with groups ``novice`` then ``senior``, novices have even
numbers and seniors odd ones.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import simcc
from simcc.analysis.stats import paired_difference

ONE_POOL: dict[str, Any] = {
    "horizon": "1h",
    "call_types": {"billing": {"arrivals": {"times": [100, 110, 120]}, "path": ["front"]}},
    "pools": {
        "front": {
            "handle_time": 60,
            "resolve": 0.5,
            "groups": {
                "novice": {"agents": 1, "handle_factor": 2, "resolve_factor": 0.5},
                "senior": {"agents": 2, "resolve_factor": 2},
            },
        }
    },
}


def centre(**pool: Any) -> simcc.Scenario:
    data = copy.deepcopy(ONE_POOL)
    data["pools"]["front"].update(pool)
    return simcc.scenario_from_dict(data)


def log(result: simcc.Result) -> list[tuple[int, str, str, float, float]]:
    """(agent, group, activity, start, end) of every busy interval, in time order."""
    rows = [
        (int(r.agent), str(r.group), str(r.activity), float(r.start), float(r.end))
        for r in result.agents.itertuples()
    ]
    return sorted(rows, key=lambda row: (row[3], row[0]))


def test_the_pool_agents_are_the_groups_sum_when_left_out() -> None:
    assert centre().pools["front"].agents.counts == [3]


def test_longest_idle_takes_agents_in_number_order_at_the_start() -> None:
    # ties at the start go by agent number: novice 0, senior 1, senior 3
    assert log(simcc.simulate(centre())) == [
        (0, "novice", "handle", 100, 220),  # a novice takes twice as long
        (1, "senior", "handle", 110, 170),
        (3, "senior", "handle", 120, 180),
    ]


def test_most_proficient_sends_seniors_first() -> None:
    assert log(simcc.simulate(centre(agent_selection="most_proficient"))) == [
        (1, "senior", "handle", 100, 160),
        (3, "senior", "handle", 110, 170),
        (0, "novice", "handle", 120, 240),
    ]


def test_the_group_factors_set_resolution() -> None:
    # novice resolves with 0.5 × 0.5, seniors with min(1, 0.5 × 2) = 1: every senior resolves
    r = simcc.simulate(centre(agent_selection="most_proficient"))
    outcome = r.contacts.set_index("contact_id").outcome
    assert outcome[0] == outcome[1] == "resolved"
    m = r.metrics()
    assert m["resolution_rate_front.senior"] == 1.0
    assert m["aht_front.novice"] == 120.0 and m["aht_front.senior"] == 60.0


def test_a_freed_agent_takes_the_shared_queue_whatever_its_group() -> None:
    data = copy.deepcopy(ONE_POOL)
    data["call_types"]["billing"]["arrivals"]["times"] = [100, 101, 102, 103]
    r = simcc.simulate(simcc.scenario_from_dict(data))
    # the fourth caller waits for the first agent freed: senior 1 at 161
    assert log(r)[-1] == (1, "senior", "handle", 161, 221)


def test_each_group_follows_its_own_shift_plan() -> None:
    plan = {"interval": "30m", "counts": [0, 2]}
    r = simcc.simulate(
        centre(groups={"novice": {"agents": 1}, "senior": {"agents": plan, "resolve_factor": 2}})
    )
    assert r.scenario.pools["front"].agents.counts == [1, 3]
    staffing = r.staffing
    assert staffing.scheduled.tolist() == [1, 3]
    # before 30 min only the novice works: the three callers queue for agent 0
    assert [row[0] for row in log(r)] == [0, 0, 0]


def test_random_selection_gives_work_to_idle_agents_only() -> None:
    data = copy.deepcopy(ONE_POOL)
    data["call_types"]["billing"]["arrivals"] = {"rate": "60/h"}
    data["pools"]["front"]["agent_selection"] = "random"
    r = simcc.simulate(simcc.scenario_from_dict(data), seed=3)
    for _, busy in r.agents.groupby("agent"):
        busy = busy.sort_values("start")
        assert (busy.start.to_numpy()[1:] >= busy.end.to_numpy()[:-1] - 1e-9).all()
    assert set(r.agents.agent) == {0, 1, 3}


def test_group_resolution_rates_match_their_probabilities(seed: int) -> None:
    data = copy.deepcopy(ONE_POOL)
    data["horizon"] = "8h"
    data["call_types"]["billing"]["arrivals"] = {"rate": "40/h"}
    data["pools"]["front"]["handle_time"] = {"dist": "exponential", "mean": "1m"}
    data["pools"]["front"]["resolve"] = 0.6
    data["pools"]["front"]["groups"]["senior"]["resolve_factor"] = 1.5
    rates = simcc.replicate(simcc.scenario_from_dict(data), 8, seed, jobs=1).table
    for group, p in (("novice", 0.3), ("senior", 0.9)):
        values = rates[f"resolution_rate_front.{group}"].to_numpy()
        half = 3 * values.std(ddof=1) / np.sqrt(len(values))
        assert abs(values.mean() - p) < half + 0.01, group


# ---------------------------------------------------------------------- CRN


CENTRE: dict[str, Any] = {
    "horizon": "6h",
    "warmup": "30m",
    "call_types": {"billing": {"arrivals": {"rate": "100/h"}, "path": ["front", "desk"]}},
    "customers": {"patience": {"dist": "exponential", "mean": "5m"}},
    "pools": {
        "front": {
            "handle_time": {"dist": "exponential", "mean": "5m"},
            "resolve": 0.7,
            "groups": {
                "novice": {"agents": 6, "handle_factor": 1.2, "resolve_factor": 0.8},
                "senior": {"agents": 6, "handle_factor": 0.9, "resolve_factor": 1.2},
            },
        },
        "desk": {"tier": 2, "agents": 8, "handle_time": {"dist": "exponential", "mean": "8m"}},
    },
}


@pytest.mark.parametrize("selection", ["longest_idle", "most_proficient"])
def test_moving_two_novices_to_senior_lowers_escalation(seed: int, selection: str) -> None:
    base = simcc.scenario_from_dict(copy.deepcopy(CENTRE)).with_changes(
        {"pools.front.agent_selection": selection}
    )
    trained = base.with_changes(
        {"pools.front.groups.novice.agents": 4, "pools.front.groups.senior.agents": 8}
    )
    a = simcc.replicate(base, 10, seed, jobs=1).table["escalation_rate"].to_numpy()
    b = simcc.replicate(trained, 10, seed, jobs=1).table["escalation_rate"].to_numpy()
    diff = paired_difference(a, b)
    assert diff.ci_high < 0, diff
