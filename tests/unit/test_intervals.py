"""Interval metrics from hand-built records: who counts where, and the time averages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simcc.analysis.intervals import Grid, interval_counts, interval_table, rates
from simcc.records import LEG_OUTCOMES, OUTCOMES

OUT = {n: i for i, n in enumerate(OUTCOMES)}
L = {n: i for i, n in enumerate(LEG_OUTCOMES)}
NAN = math.nan
GRID = Grid(interval=100.0, horizon=200.0, pools=("front", "desk"), threshold=20.0, short_abandon=5)


def _arrays(**columns: list[float]) -> dict[str, np.ndarray]:
    return {k: np.asarray(v) for k, v in columns.items()}


CONTACTS = _arrays(
    arrival=[10, 50, 60, 70, 150, 250],  # the last one arrives after the horizon
    entry_pool=[0, 0, 0, 0, 0, 0],
    answer=[15, 90, NAN, NAN, 160, 260],
    wait=[5, 40, 3, 30, 10, 10],
    outcome=[OUT[o] for o in ("resolved", "unresolved", "abandoned_queue", "abandoned_queue")]
    + [OUT["resolved"], OUT["resolved"]],
)
LEGS = _arrays(
    to_pool=[1, 1, 1],
    handoff=[120, 130, 140],
    engaged=[125, NAN, NAN],
    outcome=[L["engaged"], L["abandoned_transfer_queue"], L["redirected"]],
)
AGENTS = _arrays(pool=[0, 0, 1], start=[15, 90, 125], end=[115, 120, 175])
STAFFING = _arrays(pool=[0, 0, 1], time=[0, 100, 0], scheduled=[2, 1, 1], present=[2, 2, 1])


def test_entry_contacts_count_by_arrival_and_legs_by_handoff() -> None:
    c = interval_counts(CONTACTS, LEGS, AGENTS, STAFFING, GRID)
    assert c["offered"].tolist() == [[4, 1], [0, 2]]  # the redirected leg is left out
    assert c["answered"].tolist() == [[2, 1], [0, 1]]
    assert c["within"].tolist() == [[1, 1], [0, 1]]
    assert c["short"].tolist() == [[1, 0], [0, 0]]  # abandoned after 3 s ≤ 5 s
    assert c["abandoned"].tolist() == [[2, 0], [0, 1]]


def test_interval_rates_follow_the_days_definitions() -> None:
    r = rates(interval_counts(CONTACTS, LEGS, AGENTS, STAFFING, GRID), GRID)
    assert r["service_level"][0].tolist() == [pytest.approx(1 / 3), 1.0]
    assert r["abandonment_rate"][0].tolist() == [0.5, 0.0]
    assert r["asa"][0].tolist() == [22.5, 10.0]
    assert math.isnan(r["service_level"][1, 0])  # nothing reached the desk before 100 s
    # busy: 85 + 10 s in [0, 100), 15 + 20 s in [100, 200)
    assert r["busy"][0].tolist() == pytest.approx([0.95, 0.35])
    assert r["scheduled"][0].tolist() == [2.0, 1.0]
    assert r["present"][0].tolist() == [2.0, 2.0]
    assert r["occupancy"][1].tolist() == pytest.approx([0.0, 0.5])


def test_the_interval_table_gives_a_mean_and_ci_per_pool_and_interval() -> None:
    r = rates(interval_counts(CONTACTS, LEGS, AGENTS, STAFFING, GRID), GRID)
    twice = {k: v.copy() for k, v in r.items()}
    twice["service_level"][0, 0] = 2 / 3
    table = interval_table([r, twice], GRID)
    assert table[["pool", "interval", "start", "end"]].values.tolist() == [
        ["front", 0, 0.0, 100.0],
        ["front", 1, 100.0, 200.0],
        ["desk", 0, 0.0, 100.0],
        ["desk", 1, 100.0, 200.0],
    ]
    row = table.iloc[0]
    assert row["service_level"] == pytest.approx(0.5)
    assert row["service_level_ci_low"] < 0.5 < row["service_level_ci_high"]
    assert table.iloc[2]["service_level"] != table.iloc[2]["service_level"]  # NaN: no data
