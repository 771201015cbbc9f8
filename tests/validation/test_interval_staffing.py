"""Staffing per interval against Erlang A, interval by interval.

One pool, exponential handle time (5 min) and patience (4 min), a rate that
changes every hour, staffed per 30 min (6 mean handle times). By the mean
(``conservative=False``, 30 replications):

- where an interval's rate is the previous interval's (the queue has had half
  an hour to settle), the simulated requirement is the stationary
  independent-period Erlang A minimum (SIPP) within ±1 agent;
- right after the rate drops, the simulation needs more than SIPP: the
  peak's queue and its contacts still in service are carried over;
- every interval is within ±1 of the lagged estimate, which carries the
  work over (``m(t) = ∫ λ(t−u) e^{−u/b} du``), so the carry-over is the
  whole difference.
"""

from __future__ import annotations

import pytest

from simcc.experiments.interval_staffing import interval_erlang, interval_grid, staff_intervals
from simcc.experiments.staffing import Target
from simcc.scenario import Scenario, loads_scenario

RATES = [60, 120, 240, 300, 180, 120, 240, 60]  # per hour, one per hour of the day
SCENARIO = f"""\
name: one pool, a rate per hour
horizon: 8h
replications: 30
call_types:
  general:
    arrivals: {{interval: 1h, rates: [{", ".join(f"{r}/h" for r in RATES)}]}}
    path: [agents]
customers:
  patience: {{dist: exponential, mean: 4m}}
pools:
  agents: {{agents: 10, handle_time: {{dist: exponential, mean: 5m}}}}
sla:
  answer: {{threshold: 20s}}
"""
TARGET = Target("service_level", ">=", 0.8)


def _scenario() -> Scenario:
    return loads_scenario(SCENARIO)


@pytest.mark.slow
def test_interval_requirement_is_erlang_a_where_the_rate_has_settled(seed: int) -> None:
    scenario = _scenario()
    grid = interval_grid(scenario, 1800)
    sipp = interval_erlang(scenario, ["agents"], [TARGET], grid, lag=False)["agents"]
    lagged = interval_erlang(scenario, ["agents"], [TARGET], grid, lag=True)["agents"]
    result = staff_intervals(scenario, [TARGET], 1800, seed=seed, jobs=1, conservative=False)
    found = result.required[scenario.transfer.policy]["agents"]
    hourly = [r for r in RATES for _ in range(2)]
    lines = f"SIPP {sipp}\nlagged {lagged}\nfound {found}"
    for k in range(1, grid.n):
        if hourly[k] == hourly[k - 1]:
            assert abs(found[k] - sipp[k]) <= 1, f"interval {k}\n{lines}"
        if hourly[k] <= 0.6 * hourly[k - 1]:  # after a drop the peak's queue is carried over
            assert found[k] > sipp[k], f"interval {k}\n{lines}"
        assert abs(found[k] - lagged[k]) <= 1, f"interval {k}\n{lines}"
