"""Tests of simcc.fit.skills: general agents pooled by the call types they take in the log.

Hand-made and synthetic logs in which one agent never takes a call type: that
agent must end in a pool without it, and the simulated centre must never let
it answer such a call.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import simcc
from simcc.fit import FitOptions, fit_log, fit_scenario, infer_pools
from simcc.fit.build import _agent_counts
from simcc.fit.overflow import credit
from simcc.fit.skills import round_together, skill_sets, split_by_skills
from simcc.runner import simulate
from tests.unit.test_fit import synthetic_log
from tests.unit.test_fit_staffing import served


def mixed_log(b_nw_calls: int, c_calls: int = 30) -> pd.DataFrame:
    """A takes 30 PS and 10 NW calls; B 30 PS and ``b_nw_calls`` NW; C ``c_calls`` of each."""
    rows = [served("A", 1000 * i, 1000 * i + 100, "PS") for i in range(30)]
    rows += [served("A", 1000 * i + 500, 1000 * i + 600, "NW") for i in range(10)]
    rows += [served("B", 1000 * i, 1000 * i + 100, "PS") for i in range(30)]
    rows += [served("B", 1000 * i + 500, 1000 * i + 600, "NW") for i in range(b_nw_calls)]
    rows += [served("C", 1000 * i + 200, 1000 * i + 300, "PS") for i in range(c_calls)]
    rows += [served("C", 1000 * i + 700, 1000 * i + 800, "NW") for i in range(c_calls // 3)]
    return pd.DataFrame(rows).assign(ctype=lambda f: f["type"])


def test_an_agent_who_never_took_a_type_it_would_have_expected_does_not_take_it() -> None:
    sets = skill_sets(mixed_log(0), ["A", "B", "C"], ["PS", "NW"])
    assert sets["B"] == ("PS",)  # 30 calls, ~6 NW expected at the pool's mix, none taken
    assert sets["A"] == ("PS", "NW") and sets["C"] == ("PS", "NW")


def test_an_agent_who_took_a_type_at_about_the_pools_mix_takes_it() -> None:
    assert skill_sets(mixed_log(3), ["A", "B", "C"], ["PS", "NW"])["B"] == ("PS", "NW")


def test_too_few_calls_cannot_tell_never_from_not_today() -> None:
    rows = [served("A", 1000 * i, 1000 * i + 100, t) for i in range(30) for t in ("PS", "NW")]
    rows += [served("B", 1000 * i, 1000 * i + 100, "PS") for i in range(6)]  # NW expected: 3
    calls = pd.DataFrame(rows).assign(ctype=lambda f: f["type"])
    assert skill_sets(calls, ["A", "B"], ["PS", "NW"])["B"] == ("PS", "NW")


def test_split_by_skills_puts_the_agent_in_a_pool_without_the_type_and_credits_its_work() -> None:
    calls = mixed_log(0)
    plan = infer_pools(calls, by="ctype")
    assert split_by_skills(plan, calls) == {"agents_PS": ["PS"]}
    assert plan.agents["agents_PS"] == ["B"] and "B" not in plan.agents["agents"]
    assert plan.pools == ["agents", "agents_PS"]
    assert plan.types_of("agents_PS") == ["PS"] and plan.family("agents") == plan.pools
    pools = credit(calls, plan)
    assert (pools[calls["server"] == "B"] == "agents_PS").all()
    assert (pools[calls["server"] != "B"] == "agents").all()


def test_nothing_is_split_when_no_agent_would_be_left_to_take_every_type() -> None:
    rows = [served("A", 1000 * i, 1000 * i + 100, "PS") for i in range(30)]
    rows += [served("B", 1000 * i, 1000 * i + 100, "NW") for i in range(30)]
    calls = pd.DataFrame(rows).assign(ctype=lambda f: f["type"])
    plan = infer_pools(calls, by="ctype", dedicated_share=1.1)  # no dedicated pools
    assert split_by_skills(plan, calls) == {} and plan.pools == ["agents"]


def never_nw_log() -> pd.DataFrame:
    """The synthetic two-type log with agent4's NW calls given to agent0: agent4 takes PS only."""
    calls = synthetic_log(n_days=1)
    mine = (calls["server"] == "agent4") & (calls["type"] == "NW")
    calls.loc[mine, "server"] = "agent0"
    return calls


def test_the_fitted_scenario_gives_the_agent_a_pool_without_the_type_and_routes_to_it() -> None:
    opts = FitOptions(skill_pools=True, overflow="off", replications=2)
    scenario, comments = fit_scenario(never_nw_log(), "all", opts)
    pool = scenario["pools"]["agents_PS"]
    assert pool["skills"] == ["PS"] and list(pool["handle_time"]) == ["PS"]
    assert scenario["call_types"]["PS"]["path"] == ["agents"]
    assert scenario["call_types"]["PS"]["overflow"] == [{"pool": "agents_PS", "after": "0s"}]
    assert "overflow" not in scenario["call_types"]["NW"]
    assert any("agents_PS (agent4): PS" in line for line in comments)
    default, _ = fit_scenario(never_nw_log(), "all", opts.replace(skill_pools=False))
    assert set(default["pools"]) == {"agents"}


def test_in_the_simulation_the_pool_without_the_type_never_answers_it() -> None:
    opts = FitOptions(skill_pools=True, overflow="off", replications=2)
    fit = fit_log(never_nw_log(), "all", opts)
    contacts = simulate(simcc.scenario_from_dict(fit.scenario), seed=3).contacts
    answered = contacts[contacts["answer"].notna()]
    by_pool = answered.groupby(answered["call_type"].astype(str))["answer_pool"]
    assert set(by_pool.get_group("NW").astype(str)) == {"agents"}
    assert "agents_PS" in set(by_pool.get_group("PS").astype(str))


def test_the_general_pool_gets_no_agent_of_its_own_where_skill_pools_take_every_call() -> None:
    mean = pd.Series([0.2, 0.2, 0.2, 0.2], index=[0.0, 900.0, 1800.0, 2700.0])
    ps = {"PS": np.array([10.0, 10.0])}  # PS calls in both half hours
    assert _agent_counts(mean, ps, 1800.0) == [1, 1, 1, 1]
    assert _agent_counts(mean, ps, 1800.0, {"PS": [[1, 0, 0, 2]]}) == [0, 1, 1, 0]
    # NW calls too, in the first half hour: agents_PS cannot take them
    both = ps | {"NW": np.array([5.0, 0.0])}
    assert _agent_counts(mean, both, 1800.0, {"PS": [[1, 0, 0, 2]], "NW": []}) == [1, 1, 1, 0]


def test_pools_split_by_skills_are_rounded_together_to_the_total_the_pool_had() -> None:
    means = [np.array([0.4, 1.5, 0.2]), np.array([0.4, 0.6, 0.2]), np.array([0.3, 0.1, 0.2])]
    together = np.vstack(round_together(means))
    assert together.sum(axis=0).tolist() == [1, 2, 1]  # rounding each alone: 0, 3, 0
    assert together[:, 1].tolist() == [1, 1, 0]  # the floors, then the largest remainder
    one = np.array([0.5, 1.5, 2.4])
    assert round_together([one])[0].tolist() == np.rint(one).tolist()


def test_with_handle_time_per_hour_every_pool_that_takes_a_type_takes_its_hourly_types() -> None:
    calls = never_nw_log()
    late = calls["arrival"] >= calls["arrival"].median()
    calls.loc[late, "service"] *= 3.0  # the afternoon's calls last three times longer
    calls.loc[late, "ser_exit"] = calls.loc[late, "ser_start"] + calls.loc[late, "service"]
    opts = FitOptions(skill_pools=True, overflow="off", handle_time_interval=3600.0)
    scenario, _ = fit_scenario(calls, "all", opts)
    hourly_ps = {t for t in scenario["call_types"] if t.startswith("PS_")}
    assert len(hourly_ps) > 1 and "PS" not in scenario["call_types"]
    assert set(scenario["pools"]["agents_PS"]["skills"]) == hourly_ps
    assert set(scenario["pools"]["agents_PS"]["handle_time"]) == hourly_ps
    some = sorted(hourly_ps)[0]
    assert scenario["call_types"][some]["overflow"] == [{"pool": "agents_PS", "after": "0s"}]
    means = {p: scenario["pools"][p]["handle_time"][some]["mean"] for p in ("agents", "agents_PS")}
    assert means["agents"] == means["agents_PS"]
    simcc.scenario_from_dict(scenario)
