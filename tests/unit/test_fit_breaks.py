"""Tests of simcc.fit.breaks: a break threshold that follows the pool's call rate.

The synthetic log comes from a known quiet pool (three agents on fixed shifts,
never on a break, taking a caller at once when free, chosen at random; calls
busy in the morning and sparse in the evening), so the agent-hours the fit
should count are known.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest

import simcc.fit.breaks as breaks
import simcc.fit.staffing as staffing
from simcc.fit.breaks import TAIL, BreakRule, rate_rule, work_rate
from simcc.fit.build import fit_log
from simcc.fit.estimate import on_days
from simcc.fit.options import MIN_BREAK, FitOptions

HOUR = 3600.0
RATES = [(8, 12, 6.0), (12, 17, 3.0), (17, 22, 1.5)]
"""(from hour, to hour, calls per half hour) of the synthetic pool."""
SHIFTS = {"Z1": (8, 16), "Z2": (12, 22), "Z3": (8, 12)}
"""Each agent's shift (clock hours): on duty all of it, no breaks."""
FIRST = dt.date(1999, 10, 3)


def synthetic_day(
    rng: np.random.Generator, date: dt.date, service: float = 480.0, patience: float = 300.0
) -> tuple[pd.DataFrame, float]:
    """One day's log of the known pool (first come first served, exponential service and
    patience) and its true agent-hours (the shifts, and any call served past a shift's end)."""
    arrivals = np.sort(
        np.concatenate([rng.uniform(a * HOUR, b * HOUR, rng.poisson(2 * r * (b - a)))
                        for a, b, r in RATES])
    )  # fmt: skip
    free = {z: a * HOUR for z, (a, _) in SHIFTS.items()}
    rows = []
    for t in arrivals:
        ready = {z: max(free[z], t) for z, (_, b) in SHIFTS.items() if max(free[z], t) < b * HOUR}
        if not ready:
            continue
        start = min(ready.values())
        agents = sorted(z for z, s in ready.items() if s == start)
        agent = agents[rng.integers(len(agents))]
        row = {"type": "IN", "date": date, "arrival": t, "queued": start > t, "priority": 0}
        gives_up = rng.exponential(patience)
        if start - t > gives_up:
            hung_up = {"outcome": "HANG", "service": 0.0, "server": "NO_SERVER"}
            rows.append(row | hung_up | {"wait": gives_up, "ser_start": np.nan, "ser_exit": np.nan})
            continue
        length = rng.exponential(service)
        free[agent] = start + length
        answered = {"outcome": "AGENT", "service": length, "server": agent, "wait": start - t}
        rows.append(row | answered | {"ser_start": start, "ser_exit": start + length})
    day = pd.DataFrame(rows)
    truth = 0.0
    for agent, (a, b) in SHIFTS.items():
        last = day.loc[day["server"] == agent, "ser_exit"].max()
        truth += b - a + max(0.0, last / HOUR - b)
    return day, truth


def counted_hours(calls: pd.DataFrame, days: list[dt.date], breaks: str) -> float:
    """Agent-hours a day the fit's default count gives the pool, with the ``breaks`` rule."""
    mean = staffing.infer_staffing(
        calls, days, list(SHIFTS), ["IN"], interval=900, answered_only=True, edges="both",
        breaks=breaks,  # type: ignore[arg-type]
    )  # fmt: skip
    return float(mean.sum()) * 900 / HOUR


@pytest.fixture(scope="module")
def known_pool() -> tuple[pd.DataFrame, list[dt.date], float]:
    rng = np.random.default_rng(1)
    days = [FIRST + dt.timedelta(days=i) for i in range(4)]
    logs = [synthetic_day(rng, day) for day in days]
    calls = pd.concat([log for log, _ in logs], ignore_index=True)
    return calls, days, sum(truth for _, truth in logs) / len(days)


TOLERANCE = 0.04
"""The rate rule's count of a known pool's agent-hours is within 4 % of the truth."""


def test_the_rate_rule_counts_a_known_quiet_pools_agent_hours(known_pool):
    calls, days, truth = known_pool
    assert counted_hours(calls, days, "rate") == pytest.approx(truth, rel=TOLERANCE)
    # the per-day threshold reads the evening's long waits as breaks: under by over 4 %
    assert counted_hours(calls, days, "day") < (1 - TOLERANCE) * truth


def test_the_rate_rule_reads_only_the_chosen_days_of_a_longer_log(known_pool):
    calls, days, _ = known_pool
    alone = on_days(calls, days[:2])
    assert counted_hours(calls, days[:2], "rate") == counted_hours(alone, days[:2], "rate")


def test_the_rate_rule_fails_when_the_rate_is_not_per_agent(known_pool, monkeypatch):
    calls, days, truth = known_pool

    def pool_rate(rate: np.ndarray, on_duty: np.ndarray, floor: float) -> BreakRule:
        return BreakRule(floor, np.concatenate([[0.0], np.cumsum(rate)]))  # the defect

    monkeypatch.setattr(breaks, "rate_rule", pool_rate)
    assert counted_hours(calls, days, "rate") < (1 - TOLERANCE) * truth


def test_the_threshold_is_the_tail_quantile_of_the_wait_for_the_next_call():
    # 6 calls an hour shared by 2 agents on duty: a wait of mean 20 min per agent
    rate = np.full(10 * 3600, 6 / HOUR)
    rule = rate_rule(rate, np.full(len(rate), 2.0), MIN_BREAK)
    assert rule.threshold(0.0) == pytest.approx(1200 * math.log(1 / TAIL), abs=2)
    assert rule.is_break(np.array([0.0, 0.0]), np.array([3500.0, 3700.0])).tolist() == [
        False,
        True,
    ]
    busy = rate_rule(rate * 10, np.full(len(rate), 2.0), MIN_BREAK)
    assert busy.threshold(0.0) == MIN_BREAK  # 6 min, under the floor
    assert busy.is_break(np.array([0.0]), np.array([np.nan])).tolist() == [True]
    quiet = rate_rule(np.zeros(3600), np.ones(3600), MIN_BREAK)
    assert quiet.threshold(0.0) == math.inf  # no calls: no wait is long


def test_the_work_rate_is_the_pools_calls_taken_per_second_per_half_hour():
    calls = pd.DataFrame(
        {
            "arrival": [10.0, 20.0, 1900.0, 30.0],
            "server": ["A", "A", "B", "NO_SERVER"],
            "ser_start": [10.0, 25.0, 1900.0, np.nan],
        }
    )
    rate = work_rate(calls, 2, pd.Series([True] * 4), 3 * 1800)
    assert rate[:1800] == pytest.approx(2 / (2 * 1800))
    assert rate[1800:3600] == pytest.approx(1 / (2 * 1800))
    assert rate[3600:].sum() == 0


def test_the_fitted_file_says_the_threshold_follows_the_call_rate(known_pool):
    calls, days, _ = known_pool
    fit = fit_log(calls, days[:2], FitOptions(break_threshold="rate", overflow="off"))
    notes = "\n".join(fit.comments)
    assert "wait for its next call at the pool's calls per agent on duty" in notes
    assert re.search(r"break threshold \d+–\d+ min through the day", notes)
    assert "breaks" in fit.staffing["agents_IN"].attrs
    day_rule = fit_log(calls, days[:2], FitOptions(overflow="off"))
    assert re.search(r"break threshold \d+ min;", "\n".join(day_rule.comments))


def test_a_count_that_alternates_between_two_ends_at_their_mean():
    step = 900
    low, high = np.full(2 * step, 1.0), np.full(2 * step, 2.0)
    counts = iter([high, low, high, low])
    per_second, rule = breaks.settle(lambda _: next(counts), low, np.full(2 * step, 0.01), step, 60)
    assert per_second == pytest.approx(np.full(2 * step, 1.5))
    assert rule.hazard is not None
    settled = iter([high, high])
    per_second, _ = breaks.settle(lambda _: next(settled), low, np.zeros(2 * step), step, 60)
    assert per_second.tolist() == high.tolist()
