"""Tests of simcc.fit.staffing (pools and agents on duty) and of the fit's check.

Small hand-made logs whose availability can be counted second by second.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from simcc.fit.breaks import break_threshold, idle_gaps
from simcc.fit.check import observed_over
from simcc.fit.estimate import priority_share
from simcc.fit.staffing import (
    MIN_BREAK,
    all_pickup_delays,
    available_agents,
    infer_pools,
    infer_staffing,
    pickup_delay,
    pickup_delays,
)

DAY = dt.date(1999, 10, 3)


def call(**row: object) -> dict[str, object]:
    """A served call by default: no queue, service [ser_start, ser_exit)."""
    base: dict[str, object] = {
        "type": "PS",
        "date": DAY,
        "arrival": 0.0,
        "queued": False,
        "wait": 0.0,
        "outcome": "AGENT",
        "service": 0.0,
        "ser_start": np.nan,
        "ser_exit": np.nan,
        "server": "A",
        "priority": 0,
    }
    base.update(row)
    if base["outcome"] == "AGENT" and not np.isnan(float(base["ser_start"])):  # type: ignore[arg-type]
        base["service"] = float(base["ser_exit"]) - float(base["ser_start"])  # type: ignore[arg-type]
    return base


def served(agent: str, start: float, end: float, ctype: str = "PS") -> dict[str, object]:
    """A call answered at once by ``agent`` from ``start`` to ``end``."""
    return call(type=ctype, server=agent, arrival=start, ser_start=start, ser_exit=end)


def waited(arrival: float, wait: float, ctype: str = "PS") -> dict[str, object]:
    """A caller who queued for ``wait`` seconds and hung up."""
    return call(
        type=ctype, arrival=arrival, queued=True, wait=wait, outcome="HANG", server="NO_SERVER"
    )


# --------------------------------------------------------------------------- pools


def test_a_desk_that_takes_only_one_call_type_gets_its_own_pool():
    rows = [served("A", 10 * i, 10 * i + 5, t) for i, t in enumerate(["PS", "NW"] * 10)]
    rows += [served("B", 10 * i, 10 * i + 5, t) for i, t in enumerate(["PS", "IN"] * 3)]
    rows += [served("Z1", 10 * i, 10 * i + 5, "IN") for i in range(8)]
    rows += [served("Z2", 10 * i, 10 * i + 5, "IN") for i in range(4)]
    plan = infer_pools(pd.DataFrame(rows))
    assert plan.pool_of == {"PS": "agents", "NW": "agents", "IN": "agents_IN"}
    assert sorted(plan.agents["agents_IN"]) == ["Z1", "Z2"]
    assert sorted(plan.agents["agents"]) == ["A", "B"]
    assert plan.overflow["IN"] == pytest.approx(3 / 15)  # B took 3 of the 15 IN calls
    assert plan.pools == ["agents", "agents_IN"]
    assert any("agents_IN: call types IN; 2 named agents" in line for line in plan.describe())


def test_no_own_pool_when_the_type_is_mostly_served_by_generalists():
    rows = [served("A", 10 * i, 10 * i + 5, t) for i, t in enumerate(["PS", "IN"] * 10)]
    rows += [served("Z1", 10 * i, 10 * i + 5, "IN") for i in range(5)]  # 5 of 15 IN calls
    plan = infer_pools(pd.DataFrame(rows))
    assert set(plan.pool_of.values()) == {"agents"}
    assert sorted(plan.agents["agents"]) == ["A", "Z1"]


# --------------------------------------------------------------------------- availability


def test_an_idle_agent_is_unavailable_while_callers_wait():
    day = pd.DataFrame(
        [
            served("A", 100, 200),
            served("A", 260, 400),  # idle 200–260 (60 s)
            waited(210, 20),  # a caller waits 210–230 while A is idle
            served("A", 2000, 2100),  # a 1600 s gap: a break (over 15 min)
        ]
    )
    avail = available_agents(day, ["A"], ["PS"], max_gap=MIN_BREAK)
    assert avail[100:200].tolist() == [1] * 100
    assert avail[200:210].sum() == 10 and avail[210:230].sum() == 0 and avail[230:260].sum() == 30
    assert avail[400:2000].sum() == 0
    assert avail.sum() == 100 + 40 + 140 + 100
    sessions = available_agents(day, ["A"], ["PS"], max_gap=MIN_BREAK, when_waiting=True)
    assert sessions.sum() == avail.sum() + 20
    longer = available_agents(day, ["A"], ["PS"], max_gap=2000)
    assert longer.sum() == avail.sum() + 1600


def queued_served(agent: str, arrival: float, start: float, end: float) -> dict[str, object]:
    """A caller who queued from ``arrival`` and was served by ``agent`` from ``start``."""
    return call(
        server=agent, arrival=arrival, queued=True, wait=start - arrival, ser_start=start,
        ser_exit=end,
    )  # fmt: skip


def test_the_pick_up_delay_is_measured_on_callers_already_waiting_when_the_agent_freed():
    day = pd.DataFrame(
        [
            served("A", 0, 100),
            queued_served("A", 90, 105, 200),  # waiting at 100, taken 5 s later
            queued_served("A", 150, 209, 300),  # waiting at 200, taken 9 s later
            queued_served("A", 350, 360, 400),  # arrived after A freed: not a pick-up
            served("A", 1000, 1100),  # taken at once: not a pick-up
        ]
    )
    assert sorted(pickup_delays(day, ["A"]).tolist()) == [5.0, 9.0]
    assert pickup_delay(day, [DAY], ["A"]) == 7.0
    assert pickup_delay(day, [DAY], ["B"]) == 0.0  # no evidence: no wrap-up


def test_the_mean_pick_up_delay_weighs_the_long_delays_the_median_leaves_out():
    day = pd.DataFrame(
        [
            served("A", 0, 100),
            queued_served("A", 90, 105, 200),  # 5 s
            queued_served("A", 150, 209, 300),  # 9 s
            queued_served("A", 250, 340, 400),  # 40 s: a long after-call time
        ]
    )
    assert sorted(all_pickup_delays(day, [DAY], ["A"]).tolist()) == [5.0, 9.0, 40.0]
    assert pickup_delay(day, [DAY], ["A"]) == 9.0
    assert pickup_delay(day, [DAY], ["A"], "mean") == pytest.approx(18.0)
    assert pickup_delay(day, [DAY], ["B"], "mean") == 0.0


def test_the_wrap_up_after_each_call_counts_even_while_callers_wait():
    day = pd.DataFrame([served("A", 0, 100), queued_served("A", 90, 105, 200)])
    without = available_agents(day, ["A"], ["PS"])
    assert without[100:105].sum() == 0  # a caller waited: A was not available
    wrapped = available_agents(day, ["A"], ["PS"], pickup=5.0)
    assert wrapped[100:105].tolist() == [1] * 5 and wrapped[200:205].tolist() == [1] * 5
    assert wrapped.sum() == without.sum() + 10


def test_a_gap_ending_with_a_caller_who_waited_for_the_agent_does_not_count():
    day = pd.DataFrame(
        [
            served("A", 0, 100),
            served("A", 300, 400),  # gap 100–300 ends with a call taken at once: counts
            queued_served("A", 600, 700, 800),  # gap 400–700: the caller came at 600 and waited
        ]
    )
    every = available_agents(day, ["A"], ["PS"], max_gap=MIN_BREAK)
    answered = available_agents(day, ["A"], ["PS"], max_gap=MIN_BREAK, answered_only=True)
    assert every[400:600].sum() == 200 and answered[400:600].sum() == 0
    assert answered[100:300].sum() == 200
    assert every.sum() - answered.sum() == 200


def test_with_away_first_a_gap_counts_only_after_the_last_caller_waited_in_it():
    day = pd.DataFrame(
        [
            served("A", 100, 200),
            served("A", 260, 400),  # idle 200–260 (60 s)
            waited(210, 20),  # a caller waits 210–230 while A is idle: A was away until then
        ]
    )
    every = available_agents(day, ["A"], ["PS"], max_gap=MIN_BREAK)
    first = available_agents(day, ["A"], ["PS"], max_gap=MIN_BREAK, away_first=True)
    assert every[200:210].sum() == 10 and first[200:230].sum() == 0
    assert first[230:260].tolist() == [1] * 30
    assert every.sum() - first.sum() == 10


def test_an_agent_waits_for_the_first_call_of_a_session_and_after_its_last():
    day = pd.DataFrame([served("A", 1000, 1100), served("A", 5000, 5100)])  # a break between
    edges = available_agents(day, ["A"], ["PS"], max_gap=MIN_BREAK, edge=60.0)
    assert edges[940:1000].tolist() == [1] * 60  # before the day's first call, taken at once
    assert edges[1100:1160].tolist() == [1] * 60 and edges[1160:4940].sum() == 0
    assert edges[4940:5000].tolist() == [1] * 60 and edges[5100:5160].tolist() == [1] * 60
    assert edges.sum() == 200 + 4 * 60
    late = pd.DataFrame([served("A", 0, 100), queued_served("A", 3000, 3030, 3100)])
    waited_for = available_agents(late, ["A"], ["PS"], max_gap=MIN_BREAK, edge=60.0)
    assert waited_for[2970:3030].sum() == 0  # its caller waited: the agent was not there yet


def test_work_counts_for_the_pool_of_its_call_type():
    day = pd.DataFrame([served("A", 0, 100, "IN"), served("A", 100, 300, "PS")])
    assert available_agents(day, ["Z"], ["IN"])[:100].sum() == 100  # A did the desk's work
    assert available_agents(day, ["A"], ["PS"])[:300].sum() == 200  # A's own pool: PS only


def test_infer_staffing_averages_days_per_interval():
    day2 = DAY + dt.timedelta(days=1)
    calls = pd.DataFrame(
        [
            served("A", 0, 900),
            served("B", 0, 450),
            {**served("A", 0, 900), "date": day2},
        ]
    )
    mean = infer_staffing(calls, [DAY, day2], ["A", "B"], ["PS"], interval=900, max_gap=60)
    assert mean.index[1] == 900.0
    assert mean.iloc[0] == pytest.approx((1.5 + 1.0) / 2)
    assert mean.iloc[1] == 0.0
    assert len(mean) == 96
    distinct = infer_staffing(calls, [DAY, day2], ["A", "B"], ["PS"], method="distinct")
    assert distinct.iloc[0] == pytest.approx(1.5)  # B counts for the whole half hour
    with pytest.raises(ValueError, match="divide a day"):
        infer_staffing(calls, [DAY], ["A"], ["PS"], interval=7 * 60 + 1)


def test_a_quiet_pool_waits_longer_for_each_call_before_it_is_a_break():
    # two agents, a call every 20 min: gaps of some 17 min are waiting, not breaks
    rows = [served("Z", 1200 * i, 1200 * i + 200, "IN") for i in range(10)]
    calls = pd.DataFrame(rows)
    assert np.median(idle_gaps(calls, ["Z"], ["IN"])) == 1000
    threshold = break_threshold(calls, [DAY], ["Z"], ["IN"])
    assert threshold == pytest.approx(1000 * math.log(20) / math.log(2))
    busy = pd.DataFrame([served("A", 120 * i, 120 * i + 100) for i in range(10)])
    assert break_threshold(busy, [DAY], ["A"], ["PS"]) == MIN_BREAK


# --------------------------------------------------------------------------- segments, observed


def test_priority_share_is_taken_among_queued_calls():
    calls = pd.DataFrame(
        [call(priority=0)] * 6  # answered at once: the log does not say who they were
        + [call(queued=True, wait=5.0, priority=2)] * 3
        + [call(queued=True, wait=5.0, priority=1)] * 1
    )
    assert priority_share(calls) == pytest.approx(0.75)
    assert priority_share(calls, queued_only=False) == pytest.approx(0.3)


def test_observed_over_pools_the_days():
    day2 = DAY + dt.timedelta(days=1)
    calls = pd.DataFrame(
        [
            call(arrival=10.0),
            call(arrival=20.0, queued=True, wait=30.0),
            waited(30.0, 40.0),
            {**call(arrival=40.0), "date": day2},
            {**call(arrival=5000.0), "date": day2},  # outside the span
        ]
    )
    obs = observed_over(calls, [DAY, day2], (0.0, 3600.0))
    assert obs["offered"] == pytest.approx(4 / 2)
    assert obs["abandonment_rate"] == pytest.approx(1 / 4)
    assert obs["asa"] == pytest.approx(30 / 3)
    assert obs["service_level"] == pytest.approx(2 / 4)
