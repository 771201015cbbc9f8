"""Staffing per interval: the grid, the lagged Erlang start, shrinkage, the search's result."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simcc.experiments.interval_staffing import (
    check_shrinkage,
    check_targets,
    interval_erlang,
    interval_grid,
    pool_loads,
    scheduled_agents,
    staff_intervals,
)
from simcc.experiments.journal import ExperimentError
from simcc.experiments.staffing import Target
from simcc.scenario import loads_scenario

TWO_TIERS = """\
name: two tiers, a rate per hour
horizon: 4h
seed: 5
replications: 4
call_types:
  billing:
    arrivals: {interval: 1h, rates: [60/h, 120/h, 120/h, 30/h]}
    path: [front, desk]
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  front: {agents: 5, handle_time: {dist: exponential, mean: 4m}, resolve: 0.75}
  desk: {tier: 2, agents: 2, handle_time: {dist: exponential, mean: 6m}}
"""
SL = Target("service_level", ">=", 0.8)


@pytest.fixture
def scenario():
    return loads_scenario(TWO_TIERS)


def test_an_interval_that_does_not_divide_the_horizon_is_refused(scenario) -> None:
    with pytest.raises(ExperimentError, match=r"--interval 25m does not divide the horizon"):
        interval_grid(scenario, 1500)


@pytest.mark.parametrize(
    ("horizon", "interval", "said"),
    [
        # 730 m / 7 m = 104.29: not whole, so not rounded to 104; 730 = 2·5·73 minutes
        (730, 7 * 60, "104.3 intervals; the nearest that divide it: 5m (146 intervals) or "
                      "10m (73 intervals)"),
        # 4 h / 25 m = 9.6; 240 min has divisors 24 and 30 around 25
        (240, 25 * 60, "9.6 intervals; the nearest that divide it: 24m (10 intervals) or "
                       "30m (8 intervals)"),
        # 2 h / 119 m = 1.008: one decimal would read 1.0, so two
        (120, 119 * 60, "1.01 intervals; the nearest that divide it: 1h (2 intervals) or "
                        "2h (1 interval)"),
    ],
)  # fmt: skip
def test_an_interval_that_does_not_divide_says_how_many_and_the_nearest_that_do(
    horizon: int, interval: float, said: str
) -> None:
    scenario = loads_scenario(
        f"horizon: {horizon}m\ncall_types: {{a: {{arrivals: {{rate: 60/h}}, path: [p]}}}}\n"
        "pools: {p: {agents: 3, handle_time: {dist: exponential, mean: 4m}}}\n"
    )
    with pytest.raises(ExperimentError) as caught:
        interval_grid(scenario, interval)
    assert said in str(caught.value)


def test_interval_targets_bound_interval_metrics_only() -> None:
    with pytest.raises(ExperimentError, match="one of service_level, abandonment_rate, asa"):
        check_targets([Target("fcr", ">=", 0.7)])


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5])
def test_shrinkage_is_a_fraction_below_one(bad: float) -> None:
    with pytest.raises(ExperimentError, match="--shrinkage"):
        check_shrinkage(bad)


def test_scheduled_agents_cover_absence_rounding_up() -> None:
    assert scheduled_agents([0, 7, 10, 14], 0.3) == [0, 10, 15, 20]
    assert scheduled_agents([7, 10], 0.0) == [7, 10]


def test_without_lag_the_load_is_each_intervals_rate_times_busy_time(scenario) -> None:
    grid = interval_grid(scenario, 1800)
    loads = pool_loads(scenario, grid, lag=False)
    hourly = np.repeat([60, 120, 120, 30], 2) / 3600
    assert loads["front"] == pytest.approx(hourly * 240)
    assert loads["desk"] == pytest.approx(hourly * 0.25 * 360)


def test_the_lagged_load_settles_on_rate_times_busy_time_and_carries_work_over(scenario) -> None:
    grid = interval_grid(scenario, 900)
    front = pool_loads(scenario, grid, lag=True)["front"]
    # 120/h from 1h to 3h: after 1h (15 mean handle times) the load is λb
    assert front[8:12] == pytest.approx([120 / 3600 * 240] * 4, rel=1e-4)
    # the first quarter after the drop to 30/h still carries the peak's work
    assert front[12] > 30 / 3600 * 240 * 1.5
    # the day starts empty: the first quarter's mean load is below λb
    assert front[0] < 60 / 3600 * 240


def test_a_downstream_pool_receives_the_unresolved_departures(scenario) -> None:
    grid = interval_grid(scenario, 900)
    desk = pool_loads(scenario, grid, lag=True)["desk"]
    assert desk[9:12] == pytest.approx([120 / 3600 * 0.25 * 360] * 3, rel=1e-3)


def test_the_erlang_start_is_zero_where_nobody_calls() -> None:
    s = loads_scenario(TWO_TIERS.replace("[60/h, 120/h, 120/h, 30/h]", "[0/h, 120/h, 120/h, 0/h]"))
    start = interval_erlang(s, ["front"], [SL], interval_grid(s, 3600), lag=False)
    assert start["front"][0] == start["front"][3] == 0
    assert start["front"][1] > 0


def test_the_staffing_found_meets_every_target_in_every_interval(scenario) -> None:
    result = staff_intervals(scenario, [SL], 3600, jobs=1, shrinkage=0.2)
    table = result.table
    assert list(table["pool"].unique()) == ["front", "desk"]
    answered = table.dropna(subset=["service_level_ci_low"])
    assert (answered["service_level_ci_low"] >= 0.8).all()
    assert (table["scheduled"] == [math.ceil(n / 0.8 - 1e-9) for n in table["required"]]).all()
    assert result.simulated_days == result.evaluations * 4
    staffed = result.scenario(scenario.transfer.policy)
    assert staffed.pools["front"].agents.interval == 3600
    assert staffed.pools["front"].agents.counts == result.required["cold"]["front"]


def test_a_policy_the_interval_search_cannot_staff_is_reported_beside_the_others(
    scenario, monkeypatch
) -> None:
    """One policy out of reach (stood in for by a search that gives up on warm) leaves
    the other staffed, with the day checked; with none staffed the call raises."""
    from simcc.experiments import interval_staffing

    run = interval_staffing._DaySearch.run

    def gives_up_on_warm(self, start, rounds=40):
        if self.scenario.transfer.policy == "warm":
            raise ExperimentError("no staffing up to 3 agents per interval meets every target")
        return run(self, start, rounds)

    monkeypatch.setattr(interval_staffing._DaySearch, "run", gives_up_on_warm)
    result = staff_intervals(scenario, [SL], 3600, policies=["cold", "warm"], jobs=1)
    assert list(result.required) == list(result.day) == ["cold"]
    assert result.unstaffed == {"warm": "policy warm: no staffing up to 3 agents per interval "
                                "meets every target"}  # fmt: skip
    assert set(result.table["policy"]) == {"cold"}
    with pytest.raises(ExperimentError, match="policy warm: no staffing"):
        staff_intervals(scenario, [SL], 3600, policies=["warm"], jobs=1)


def test_the_nearest_dividing_intervals_are_the_divisors_either_side() -> None:
    from simcc.experiments.interval_staffing import dividing_intervals

    assert dividing_intervals(730 * 60, 7 * 60) == [300.0, 600.0]  # 730 = 2 · 5 · 73
    assert dividing_intervals(8 * 3600, 7 * 60) == [360.0, 480.0]
    # the longest horizon a scenario takes: found at once, not by trying every minute
    assert dividing_intervals(1e9, 25 * 3600) == [80000.0, 100000.0]
