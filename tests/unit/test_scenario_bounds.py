"""Every number of a scenario is bounded to what the samplers and the records handle.

Each bound is tried at its edge (accepted, and the sampler draws finite
values) and just past it (refused with a message at the YAML path); names
that would put control characters on a terminal are refused.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

from simcc.dists import MAX_CV, MAX_SECONDS, MIN_CV
from simcc.scenario import Scenario, ScenarioError, scenario_from_dict
from simcc.scenario.limits import (
    MAX_COST_PER_HOUR,
    MAX_FACTOR,
    MAX_PRIORITY,
    MAX_RATE_PER_HOUR,
    MAX_TIER,
)

BASE: dict[str, Any] = {
    "horizon": "2h",
    "call_types": {"billing": {"arrivals": {"rate": "60/h"}, "path": ["front", "desk"]}},
    "pools": {
        "front": {"agents": 5, "handle_time": {"dist": "exponential", "mean": "4m"}},
        "desk": {"tier": 2, "agents": 2, "handle_time": "6m"},
    },
}


def with_value(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return data


def refused(path: str, value: Any) -> str:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(with_value(path, value))
    return str(caught.value)


def accepted(path: str, value: Any) -> Scenario:
    return scenario_from_dict(with_value(path, value))


def draws(dist: Any, n: int = 2000) -> np.ndarray:
    sample = dist.sampler(np.random.default_rng(1))
    return np.array([sample() for _ in range(n)])


@pytest.mark.parametrize("name", ["gamma", "lognormal"])
def test_a_cv_at_the_smallest_bound_draws_close_to_the_mean(name: str) -> None:
    dist = accepted("pools.front.handle_time", {"dist": name, "mean": "4m", "cv": MIN_CV})
    values = draws(dist.pools["front"].handle_time["*"])
    assert np.all(np.isfinite(values))
    assert np.allclose(values, 240, rtol=1e-4)


@pytest.mark.parametrize("name", ["gamma", "lognormal"])
@pytest.mark.parametrize("cv", [MIN_CV * 0.99, 1e-160, 1e-300])
def test_a_cv_below_the_smallest_bound_is_refused(name: str, cv: float) -> None:
    message = refused("pools.front.handle_time", {"dist": name, "mean": "4m", "cv": cv})
    assert "pools.front.handle_time" in message
    assert "write the mean as a bare duration" in message


@pytest.mark.parametrize("name", ["gamma", "lognormal"])
def test_a_cv_at_the_largest_bound_draws_finite_values_and_past_it_is_refused(name: str) -> None:
    dist = accepted("pools.front.handle_time", {"dist": name, "mean": MAX_SECONDS, "cv": MAX_CV})
    assert np.all(np.isfinite(draws(dist.pools["front"].handle_time["*"], 20_000)))
    message = refused("pools.front.handle_time", {"dist": name, "mean": "4m", "cv": MAX_CV * 1.01})
    assert "must be ≤ 100" in message


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "exponential", "mean": "{}"},
        {"dist": "erlang", "mean": "{}", "k": 3},
        {"dist": "deterministic", "value": "{}"},
        {"dist": "uniform", "low": 0, "high": "{}"},
        {"dist": "triangular", "low": 0, "mode": 1, "high": "{}"},
        {"dist": "empirical", "values": [1, "{}"]},
    ],
    ids=lambda spec: spec["dist"],
)
def test_durations_are_at_most_the_longest_and_past_it_refused(spec: dict[str, Any]) -> None:
    def filled(value: float) -> dict[str, Any]:
        return {
            k: (
                [value if x == "{}" else x for x in v]
                if isinstance(v, list)
                else (value if v == "{}" else v)
            )
            for k, v in spec.items()
        }

    dist = accepted("pools.front.handle_time", filled(MAX_SECONDS))
    assert np.all(np.isfinite(draws(dist.pools["front"].handle_time["*"], 200)))
    message = refused("pools.front.handle_time", filled(MAX_SECONDS * 1.01))
    assert "pools.front.handle_time" in message
    assert "at most 1e9 s" in message


@pytest.mark.parametrize("value", ["1e300", 1e300])
def test_a_patience_longer_than_the_longest_duration_is_refused_but_inf_is_not(
    value: Any,
) -> None:
    assert math.isinf(accepted("customers.patience", "inf").customers.patience.mean)
    assert "write inf" in refused("customers.patience", value)


def test_the_horizon_is_at_most_the_longest_duration() -> None:
    assert accepted("horizon", MAX_SECONDS).horizon == MAX_SECONDS
    assert "horizon: must be at most 1e9 s" in refused("horizon", MAX_SECONDS * 2)


def test_a_replayed_arrival_time_must_be_finite() -> None:
    assert "must be a finite number" in refused(
        "call_types.billing.arrivals", {"times": [0, "inf"]}
    )


@pytest.mark.parametrize(
    "path",
    ["call_types.billing.priority", "segments.standard.priority"],
)
def test_priorities_are_bounded_either_way(path: str) -> None:
    for edge in (MAX_PRIORITY, -MAX_PRIORITY):
        data = with_value(path, edge)
        data.setdefault("segments", {}).setdefault("standard", {}).setdefault("share", 1)
        scenario_from_dict(data)
    for past in (MAX_PRIORITY + 1, -MAX_PRIORITY - 1, 2**64):
        data = with_value(path, past)
        data.setdefault("segments", {}).setdefault("standard", {}).setdefault("share", 1)
        with pytest.raises(ScenarioError, match=path.replace(".", r"\.") + r": must be [≤≥]"):
            scenario_from_dict(data)


@pytest.mark.parametrize("policy", ["callback", "email"])
def test_hand_off_priorities_are_bounded(policy: str) -> None:
    accepted(f"transfer.{policy}", {"priority": MAX_PRIORITY})
    assert "must be ≤ 1,000,000" in refused(f"transfer.{policy}", {"priority": MAX_PRIORITY + 1})


def test_a_priority_at_the_bound_runs() -> None:
    from simcc.runner import simulate

    data = with_value("call_types.billing.priority", -MAX_PRIORITY)
    data["horizon"] = "10m"
    assert simulate(scenario_from_dict(data)).metrics()["offered"] > 0


@pytest.mark.parametrize("rate", [MAX_RATE_PER_HOUR, f"{MAX_RATE_PER_HOUR}/h"])
def test_an_arrival_rate_at_the_bound_is_accepted(rate: Any) -> None:
    scenario = accepted("call_types.billing.arrivals", {"rate": rate})
    assert scenario.call_types["billing"].arrivals.rate == pytest.approx(MAX_RATE_PER_HOUR / 3600)


@pytest.mark.parametrize("arrivals", [{"rate": "1e300/h"}, {"interval": "1h", "rates": [1, 2e7]}])
def test_an_arrival_rate_past_the_bound_is_refused(arrivals: dict[str, Any]) -> None:
    assert "must be at most 10,000,000/h" in refused("call_types.billing.arrivals", arrivals)


@pytest.mark.parametrize(
    ("path", "edge", "past", "fragment"),
    [
        ("pools.desk.tier", MAX_TIER, MAX_TIER + 1, "must be ≤ 1000"),
        ("pools.desk.cost_per_hour", MAX_COST_PER_HOUR, MAX_COST_PER_HOUR * 2, "must be ≤ 1e+09"),
        ("transfer.email.work_factor", MAX_FACTOR, MAX_FACTOR * 2, "must be ≤ 1000"),
        ("transfer.email.context_factor", MAX_FACTOR, MAX_FACTOR * 2, "must be ≤ 1000"),
        ("transfer.callback.context_factor", MAX_FACTOR, MAX_FACTOR * 2, "must be ≤ 1000"),
        ("pools.desk.agents", 100_000, 100_001, "must be ≤ 100000"),
        ("pools.desk.queue_capacity", 10_000_000, 10_000_001, "must be ≤ 10,000,000"),
        ("replications", 100_000, 100_001, "must be ≤ 100000"),
        ("transfer.callback.max_attempts", 100, 101, "must be ≤ 100"),
        ("pools.front.handle_time.k", 10_000, 10_001, "must be ≤ 10000"),
    ],
)
def test_counts_and_factors_are_bounded(path: str, edge: Any, past: Any, fragment: str) -> None:
    if path.endswith(".k"):
        path, value = path.removesuffix(".k"), {"dist": "erlang", "mean": "4m"}
        edge, past = {**value, "k": edge}, {**value, "k": past}
    accepted(path, edge)
    message = refused(path, past)
    assert path in message
    assert fragment in message


@pytest.mark.parametrize("kind", ["pools", "call_types", "segments"])
@pytest.mark.parametrize("bad", ["\x1b[31mred", "tab\there", "bell\x07", "rtl\u202eoverride"])
def test_names_with_control_characters_are_refused(kind: str, bad: str) -> None:
    data = copy.deepcopy(BASE)
    if kind == "pools":
        data["pools"][bad] = data["pools"].pop("desk")
        data["call_types"]["billing"]["path"] = ["front", bad]
    elif kind == "call_types":
        data["call_types"][bad] = data["call_types"].pop("billing")
    else:
        data["segments"] = {bad: {"share": 1}}
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data)
    message = str(caught.value)
    assert f"{kind}: the name" in message
    assert "control character U+" in message
    assert bad not in message  # shown escaped, never raw on the terminal


def test_names_with_letters_of_any_script_are_kept() -> None:
    data = copy.deepcopy(BASE)
    data["pools"]["Kundendienst-Ü"] = data["pools"].pop("desk")
    data["call_types"]["billing"]["path"] = ["front", "Kundendienst-Ü"]
    assert "Kundendienst-Ü" in scenario_from_dict(data).pools
