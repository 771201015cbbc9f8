"""The loader's messages, through the Python API: ScenarioError and its problems."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from simcc.scenario import (
    Arrivals,
    ScenarioError,
    load_scenario,
    loads_scenario,
    scenario_from_dict,
)

ROOT = Path(__file__).resolve().parents[2]

BASE: dict[str, Any] = {
    "horizon": "2h",
    "call_types": {"billing": {"arrivals": {"rate": "60/h"}, "path": ["front", "desk"]}},
    "pools": {
        "front": {"agents": 5, "handle_time": {"dist": "exponential", "mean": "4m"}},
        "desk": {"tier": 2, "agents": 2, "handle_time": "6m"},
    },
}


def problems_of(data: dict) -> list[str]:  # type: ignore[type-arg]
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data)
    return caught.value.problems


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_scenarios_load(path: Path) -> None:
    assert load_scenario(path).horizon > 0


@pytest.mark.parametrize(
    ("place", "key", "suggestion"),
    [
        (("pools", "front"), "agnets", "agents"),
        (("pools", "front"), "handle_tme", "handle_time"),
        (("transfer", "warm"), "max_consult_wiat", "max_consult_wait"),
        (("transfer", "callback"), "reach_probabilty", "reach_probability"),
        (("customers",), "patiense", "patience"),
        (("sla", "answer"), "treshold", "threshold"),
        ((), "replicatons", "replications"),
    ],
)
def test_unknown_keys_suggest_a_key_valid_at_that_place(
    place: tuple[str, ...], key: str, suggestion: str
) -> None:
    data: dict = {**BASE, "pools": {k: dict(v) for k, v in BASE["pools"].items()}}  # type: ignore[type-arg]
    node = data
    for part in place:
        node = node.setdefault(part, {})
    node[key] = 1
    message = "\n".join(problems_of(data))
    assert f"unknown key {key!r}; did you mean {suggestion!r}?" in message
    assert ".".join((*place, key)) in message


def test_a_key_written_beside_its_section_instead_of_under_it_is_told_to_indent() -> None:
    # - when:              (a rule whose condition lost its indentation)
    #   expected_wait: 1m
    #   policy: warm
    rules = [{"when": None, "expected_wait": "1m", "policy": "warm"}, {"policy": "cold"}]
    data = {**BASE, "transfer": {"policy": "rules", "rules": rules}}
    message = "\n".join(problems_of(data))
    assert (
        "transfer.rules.0.expected_wait: unknown key 'expected_wait' here; it is a key of "
        "'when': indent it under `when:`" in message
    )


def test_unknown_key_in_a_distribution_lists_that_distributions_keys() -> None:
    data = {
        **BASE,
        "pools": {
            **BASE["pools"],
            "desk": {
                "agents": 1,
                "handle_time": {"dist": "uniform", "low": 1, "high": 2, "mean": 3},
            },
        },
    }
    (problem,) = problems_of(data)
    assert (
        "pools.desk.handle_time.mean: unknown key 'mean'; expected one of: dist, low, high"
        in problem
    )


def test_a_misspelt_required_key_is_reported_once() -> None:
    pools = {**BASE["pools"], "desk": {"agnets": 2, "handle_time": "6m"}}  # type: ignore[dict-item]
    (problem,) = problems_of({**BASE, "pools": pools})
    assert "did you mean 'agents'?" in problem


def test_problems_list_each_problem_with_the_file() -> None:
    text = "horizon: 0\ncall_types: {}\npools: {}\n"
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(text, source="c.yaml")
    assert str(caught.value).startswith("c.yaml: 3 problems\n")
    assert caught.value.problems == [
        "c.yaml:1: horizon: must be > 0, got 0",
        "c.yaml:2: call_types: must not be empty, got {}",
        "c.yaml:3: pools: must not be empty, got {}",
    ]


def test_the_value_is_shown_as_written() -> None:
    text = "horizon: -90m\ncall_types: {}\npools: {}\n"
    with pytest.raises(ScenarioError, match="horizon: must be > 0, got -90m"):
        loads_scenario(text)


def test_with_changes_validates_and_names_the_path(tmp_path: Path) -> None:
    scenario = scenario_from_dict(BASE)
    with pytest.raises(ScenarioError, match=re.escape("pools.front.agents: must be ≥ 0, got -1")):
        scenario.with_changes({"pools.front.agents": -1})
    assert (
        scenario.with_changes({"pools.front.queue_capacity": 7}).pools["front"].queue_capacity == 7
    )


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"replications": 10**9}, "replications: must be ≤ 100000"),
        ({"segments": {"v.i.p": {"share": 1}}}, "segments: the name 'v.i.p' cannot be used"),
        (
            {"pools": {"front": {"agents": 1, "handle_time": "4m", "cost_per_hour": math.inf}}},
            "cost_per_hour: must be a finite number",
        ),
        ({"sla": {"escalation": {"desk": "-5m"}}}, "sla.escalation.desk: must be ≥ 0"),
        (
            {
                "call_types": {
                    "billing": {"arrivals": {"interval": "1s", "rates": [60]}, "path": ["front"]}
                },
                "horizon": "1000d",
            },
            "gives more than 1,000,000 intervals",
        ),
        (
            {"transfer": {"cold": {"transfer_time": "inf"}}},
            "transfer.cold.transfer_time: must be a finite duration, got inf",
        ),
        (
            {
                "pools": {
                    **BASE["pools"],
                    "desk": {
                        "agents": 1,
                        "handle_time": "1m",  # type: ignore[dict-item]
                        "skills": ["other"],
                    },
                }
            },
            "pool 'desk' is on the path but its skills ['other'] do not include 'billing'",
        ),
        (
            {
                "transfer": {
                    "policy": "rules",
                    "rules": [{"when": {"segment": "vpi"}, "policy": "warm"}],
                },
                "segments": {"vip": {"share": 1}},
            },
            "transfer.rules.0.when.segment: unknown 'vpi'; did you mean 'vip'?",
        ),
    ],
)
def test_absurd_values(change: dict, fragment: str) -> None:  # type: ignore[type-arg]
    assert fragment in "\n".join(problems_of({**BASE, **change}))


def test_a_dict_that_is_not_a_mapping() -> None:
    with pytest.raises(ScenarioError, match="expected a mapping, got a list"):
        scenario_from_dict([1, 2])  # type: ignore[arg-type]


def test_a_self_referring_alias_is_refused() -> None:
    with pytest.raises(ScenarioError, match="refers to a node that contains it"):
        loads_scenario("a: &x [1, *x]\n")


def test_merge_keys_are_not_duplicates() -> None:
    text = (
        "horizon: 2h\nbase: &b {agents: 1, handle_time: 1m}\n"
        "pools: {front: {<<: *b, agents: 2}}\n"
        "call_types: {x: {arrivals: {rate: 10}, path: [front]}}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(text)
    (problem,) = caught.value.problems  # `agents` after `<<` overrides it; only `base` is wrong
    assert problem.startswith("<scenario>:2: base: unknown key 'base'")


@pytest.mark.parametrize("repeat", [False, True])
def test_mean_rate_of_a_profile(repeat: bool) -> None:
    arrivals = Arrivals(interval=3600, rates=[10, 20, 30], repeat=repeat)  # per hour
    # 5 hours: 10, 20, 30 then (repeat) 10, 20 or (hold) 30, 30
    expected = (60 + (30 if repeat else 60)) / 5 / 3600
    assert arrivals.mean_rate(5 * 3600) == pytest.approx(expected)
    assert arrivals.mean_rate(1800) == pytest.approx(10 / 3600)


def test_mean_rate_is_quick_for_many_intervals() -> None:
    arrivals = Arrivals(interval=1, rates=[1, 2], repeat=True)
    assert arrivals.mean_rate(1e12) * 3600 == pytest.approx(1.5)


def test_a_missing_file_suggests_the_closest_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "centre-warm.yaml").write_text("horizon: 1h\n")
    (tmp_path / "erlang-a.yaml").write_text("horizon: 1h\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "center-warm.yaml")
    assert str(caught.value) == (
        f"{tmp_path / 'center-warm.yaml'}: no such file; "
        f"did you mean {str(tmp_path / 'centre-warm.yaml')!r}?"
    )


def test_a_missing_file_with_nothing_close_or_no_folder_says_only_that(tmp_path: Path) -> None:
    (tmp_path / "erlang-a.yaml").write_text("horizon: 1h\n")
    with pytest.raises(ScenarioError, match=r"centre\.yaml: no such file$"):
        load_scenario(tmp_path / "centre.yaml")
    with pytest.raises(ScenarioError, match=r"no such file \(no folder .*nowhere\)$"):
        load_scenario(tmp_path / "nowhere" / "centre.yaml")


def test_a_share_may_be_written_as_a_percentage_and_past_100_percent_is_refused() -> None:
    from pathlib import Path

    from simcc.scenario import ScenarioError, loads_scenario

    text = (Path(__file__).resolve().parents[1] / "small-centre.yaml").read_text()
    assert "resolve: 0.7," in text
    as_percent = loads_scenario(text.replace("resolve: 0.7,", 'resolve: "70%",'))
    assert as_percent.pools["front"].resolve == loads_scenario(text).pools["front"].resolve
    with pytest.raises(ScenarioError, match="must be a probability between 0 and 1, got 120%"):
        loads_scenario(text.replace("resolve: 0.7,", 'resolve: "120%",'))


def test_a_name_typed_in_another_case_is_suggested() -> None:
    from simcc.scenario.errors import closest, did_you_mean, suggest

    assert closest("VIP", ["standard", "vip"]) == "vip"  # difflib alone finds nothing here
    assert closest("tech_dsk", ["tech_desk", "front"]) == "tech_desk"
    assert closest("zzz", ["standard", "vip"]) is None
    assert suggest("VIP", ["standard", "vip"]) == "did you mean 'vip'?"
    assert did_you_mean("VIP", ["standard", "vip"]) == "; did you mean 'vip'?"
    assert did_you_mean("zzz", ["standard", "vip"]) == ""
