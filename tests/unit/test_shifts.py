"""Shifts from requirements: CP-SAT reaches the LP bound, covers every interval, and says
which intervals no shift can reach."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from simcc.experiments.journal import ExperimentError
from simcc.experiments.shifts import Requirements, Shift, check_shifts, on_floor, plan_shifts

H = 3600.0


def _lp_bound(need: list[int], length: int) -> float:
    """Paid hours of the LP relaxation: one shift type, a start every interval, no break."""
    n = len(need)
    starts = range(n - length + 1)
    cover = np.array([[1.0 if s <= k < s + length else 0.0 for s in starts] for k in range(n)])
    lp = linprog(c=[length] * len(starts), A_ub=-cover, b_ub=-np.array(need, dtype=float))
    assert lp.success
    return float(lp.fun)


def test_cp_sat_reaches_the_lp_bound_on_a_hand_solved_profile() -> None:
    # 4h shifts on an 8h day: 2 start at 0:00, 1 at 2:00, 2 at 4:00; 5 shifts = 20 h, and
    # the LP bound is 20 h too (interval 0 needs 2 starts at 0:00, interval 4 needs 3 more)
    need = [2, 2, 3, 3, 3, 3, 2, 2]
    plan = plan_shifts(Requirements(H, {"front": need}), [Shift(4 * H)])
    assert _lp_bound(need, 4) == pytest.approx(20.0)
    assert plan.agent_hours == pytest.approx(20.0)
    assert plan.optimal and plan.lower_bound == pytest.approx(20.0)
    assert sum(s.agents for s in plan.starts) == 5
    assert all(c >= r for c, r in zip(plan.covered["front"], need, strict=True))


def test_an_agent_on_a_break_does_not_cover_the_break() -> None:
    need = [1] * 8  # 30-min intervals, 4h day, one 4h shift with a 30-min break: two agents
    plan = plan_shifts(Requirements(1800, {"front": need}), [Shift(4 * H, 1800)], break_window=H)
    assert plan.agent_hours == pytest.approx(8.0)
    assert min(plan.covered["front"]) == 1 and max(plan.covered["front"]) == 2
    assert len({s.break_start for s in plan.starts}) == 2  # their breaks are at different times
    for s in plan.starts:  # inside the 1h window centred on the middle (2h)
        assert s.break_start is not None and 1.5 * H <= s.break_start <= 2.0 * H


def test_an_interval_no_shift_can_reach_is_named() -> None:
    need = [1] * 10  # a 10h day, 8h shifts starting every 4h: only 0:00, so 8h–10h is bare
    with pytest.raises(
        ExperimentError, match=r"no shift can cover the interval\(s\) 8h–9h, 9h–10h"
    ):
        plan_shifts(Requirements(H, {"front": need}), [Shift(8 * H)], starts_every=4 * H)


def test_a_shift_longer_than_the_day_is_refused() -> None:
    with pytest.raises(ExperimentError, match="--shift 9h is longer than the day"):
        check_shifts([Shift(9 * H)], H, 8 * H)


def test_a_break_off_the_interval_grid_is_refused() -> None:
    with pytest.raises(ExperimentError, match="--break 20m is not a whole number of 30m"):
        check_shifts([Shift(8 * H, 1200)], 1800, 8 * H)


def test_agents_on_the_floor_are_the_covered_less_absence_rounded_down() -> None:
    assert on_floor([10, 15, 0], 0.2) == [8, 12, 0]
