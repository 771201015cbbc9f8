"""Time-varying arrivals: each long interval of an intraday profile against Erlang A.

Three 8-hour intervals with their own arrival rate and staffing
(``agents: {interval: 8h, counts: [...]}``): 120/h on 11 agents (ρ ≈ 0.91),
300/h on 24 (ρ ≈ 1.04), 60/h on 6 (ρ ≈ 0.83); exponential handle time (5 min)
and patience (4 min). Within each interval, contacts arriving after a settling
time of 1 h and more than 30 min before the interval ends (so that their wait
does not reach into the next shift) must match the stationary Erlang A values
for that interval's rate and agents: ``abandonment_rate``, ``asa``,
``service_level`` and occupancy, each by its 99.9 % replication interval.
Metrics are computed from ``result.contacts`` and ``result.agents``.
"""

from __future__ import annotations

import pytest

import simcc
from tests.validation.cases import (
    BIAS_SHARE,
    IntradayCase,
    describe_failures,
    run_intraday,
    staffing_in_windows,
)

CASE = IntradayCase()


def test_staffing_is_the_plan_in_every_measured_window() -> None:
    """The settling time covers the agents who finish a contact after their shift ended."""
    result = simcc.simulate(CASE.scenario(), seed=1)
    staffing = result.staffing
    for (low, high), planned in zip(staffing_in_windows(CASE, staffing), CASE.agents, strict=True):
        assert low == high == planned


@pytest.mark.slow
def test_each_interval_matches_erlang_a(seed: int) -> None:
    checks = run_intraday(CASE, seed)
    assert len(checks) == 4 * len(CASE.agents)
    assert all(c.ok for c in checks), describe_failures(checks)
    for c in checks:
        assert c.bias_ok, f"settling bias above {BIAS_SHARE:.0%} of the half-width: {c.line()}"
