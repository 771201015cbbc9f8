"""Interval metrics from hand-built records: who counts where, and the time averages."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from simcc.analysis.intervals import Grid, interval_counts, interval_table, rates
from simcc.records import LEG_OUTCOMES, OUTCOMES

SMALL = (Path(__file__).resolve().parents[1] / "small-centre.yaml").read_text()

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


def test_record_tables_give_the_same_interval_table_as_the_recorder() -> None:
    import simcc
    from simcc.analysis.intervals import records_interval_table, replication_rates

    scenario = simcc.loads_scenario(SMALL)
    reps = simcc.replicate(scenario, 2, seed=3, jobs=1, keep_records=True)
    assert reps.records is not None
    grid = Grid.of(scenario, 1800)
    direct = [
        replication_rates(simcc.simulate(scenario, seed=3, replication=i), grid) for i in (0, 1)
    ]
    from_recorder = interval_table(direct, grid)
    from_records = records_interval_table(reps.records, scenario, 1800)
    columns = ["service_level", "abandonment_rate", "asa", "busy", "scheduled"]
    assert np.allclose(
        from_records[columns].to_numpy(float),
        from_recorder[columns].to_numpy(float),
        equal_nan=True,
    )


def test_the_interval_chart_marks_the_intervals_that_miss_the_target() -> None:
    from simcc.analysis.interval_plots import interval_chart, missed_intervals

    r = rates(interval_counts(CONTACTS, LEGS, AGENTS, STAFFING, GRID), GRID)
    table = interval_table([r, r], GRID).assign(required=[2, 1, 1, 1])
    assert missed_intervals(table, 0.8).tolist() == [True, False, False, True]  # the desk: 1 of 2
    fig = interval_chart(table, "front", target=0.8)
    agents, level = fig.axes
    assert [t.get_text() for t in agents.get_legend().get_texts()] == [
        "on the floor (plan)",
        "required",
        "busy",
    ]
    assert len(level.patches) == 1  # one interval marked
    with pytest.raises(ValueError, match="no intervals of pool 'nobody'"):
        interval_chart(table, "nobody")
