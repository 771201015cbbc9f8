"""Tests of simcc.fit.overflow: which call types overflow, whose work a call is, and `after`.

Hand-made logs for the bookkeeping; for the calibration of ``after``, a
scenario with a known ``after`` whose simulated share the search must find
again; and the bank's log, where general agents took a quarter of the internet
desk's calls on some days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simcc
from simcc.fit import FitOptions, fit_log, infer_pools, load_anonymous_bank
from simcc.fit.overflow import AFTER_GRID, _simulated_share, calibrate_after, credit, route
from simcc.fit.staffing import available_agents
from tests.unit.test_fit_staffing import served

BANK_LOG = Path(__file__).resolve().parents[3] / "shared/data/anonymous-bank/october-1999.tsv"


def desk_log(generalist_in_calls: int) -> pd.DataFrame:
    """Agent A takes PS calls and ``generalist_in_calls`` IN calls; Z1, Z2 take 20 IN calls."""
    rows = [served("A", 1000 * i, 1000 * i + 100, "PS") for i in range(20)]
    rows += [served("A", 1000 * i + 500, 1000 * i + 530, "IN") for i in range(generalist_in_calls)]
    rows += [served(z, 1000 * i, 1000 * i + 400, "IN") for i in range(10) for z in ("Z1", "Z2")]
    return pd.DataFrame(rows).assign(ctype=lambda f: f["type"])


def test_a_type_overflows_when_general_agents_took_enough_of_its_calls() -> None:
    plan = infer_pools(desk_log(5), by="ctype")
    assert plan.overflow["IN"] == pytest.approx(5 / 25) and plan.overflow_calls["IN"] == 5
    assert route(plan, min_share=0.05, min_calls=5) == {"IN": "agents"}
    assert plan.routed == {"IN": "agents"}
    assert route(plan, min_share=0.05, min_calls=6) == {}  # too few calls
    assert route(plan, min_share=0.25, min_calls=1) == {}  # too small a share
    plan = infer_pools(desk_log(0), by="ctype")
    assert route(plan) == {}


def test_only_general_agents_calls_count_towards_overflow() -> None:
    # an agent of another dedicated desk (NE) took the IN calls, general agent A none
    rows = [served("A", 1000 * i, 1000 * i + 100, "PS") for i in range(20)]
    rows += [served(z, 1000 * i, 1000 * i + 400, "IN") for i in range(10) for z in ("Z1", "Z2")]
    rows += [served("N1", 1000 * i + 500, 1000 * i + 600, "NE") for i in range(40)]
    rows += [served("N1", 1000 * i + 700, 1000 * i + 730, "IN") for i in range(4)]
    plan = infer_pools(pd.DataFrame(rows).assign(ctype=lambda f: f["type"]), by="ctype")
    assert plan.pool_of["NE"] == "agents_NE" and "N1" in plan.agents["agents_NE"]
    assert plan.overflow_calls["IN"] == 4 and plan.general_calls["IN"] == 0
    assert route(plan, min_share=0.05, min_calls=1) == {}


def test_a_desk_agent_with_few_calls_is_still_of_the_desk() -> None:
    calls = desk_log(5)
    calls = pd.concat(
        [calls, pd.DataFrame([served("Z3", 90_000, 90_400, "IN")]).assign(ctype="IN")]
    )
    plan = infer_pools(calls, by="ctype")
    assert "Z3" in plan.agents["agents_IN"]  # one call, all IN: the desk's, not general
    assert plan.general_calls["IN"] == 5 and plan.type_calls["IN"] == 26


def test_an_overflow_pools_agents_get_the_credit_for_their_calls() -> None:
    calls = desk_log(5)
    plan = infer_pools(calls, by="ctype")
    assert set(credit(calls, plan)) == {"agents", "agents_IN"}
    assert (credit(calls, plan)[calls["server"] == "A"] == "agents_IN").sum() == 5  # not routed
    route(plan, min_calls=5)
    calls = calls.assign(credit=credit(calls, plan))
    assert (calls.loc[calls["server"] == "A", "credit"] == "agents").all()
    assert (calls.loc[calls["server"].isin(["Z1", "Z2"]), "credit"] == "agents_IN").all()
    # A's IN call from 500 to 530 s moves from the desk's capacity to the general pool's
    # (Z1 and Z2 count as available then too: idle between their calls, nobody waiting)
    desk = available_agents(calls, ["Z1", "Z2"], ["IN"], by="ctype", credit=("credit", "agents_IN"))
    general = available_agents(calls, ["A"], ["PS"], by="ctype", credit=("credit", "agents"))
    desk_before = available_agents(calls, ["Z1", "Z2"], ["IN"], by="ctype")
    general_before = available_agents(calls, ["A"], ["PS"], by="ctype")
    assert desk_before[500:530].tolist() == [3] * 30 and desk[500:530].tolist() == [2] * 30
    assert general_before[500:530].tolist() == [0] * 30 and general[500:530].tolist() == [1] * 30
    assert desk.sum() + general.sum() == desk_before.sum() + general_before.sum()


def two_pools(after: float) -> dict:
    """An internet desk of 1 (8 min calls) with general agents (2 min) to overflow to."""
    return {
        "horizon": "8h",
        "call_types": {
            "IN": {
                "arrivals": {"rate": "6/h"},
                "path": ["desk"],
                "overflow": {"pool": "general", "after": after},
            },
            "PS": {"arrivals": {"rate": "60/h"}, "path": ["general"]},
        },
        "customers": {"patience": {"dist": "exponential", "mean": "10m"}},
        "pools": {
            "desk": {"agents": 1, "handle_time": {"dist": "exponential", "mean": "8m"}},
            "general": {
                "agents": 4,
                "handle_time": {
                    "PS": {"dist": "exponential", "mean": "3m"},
                    "IN": {"dist": "exponential", "mean": "2m"},
                },
            },
        },
    }


def test_the_share_falls_as_after_grows() -> None:
    shares = [
        _simulated_share(two_pools(0), "IN", "general", a, replications=4, seed=3)
        for a in (0, 60, 300, 1800)
    ]
    assert shares == sorted(shares, reverse=True)
    assert shares[0] > 0.2 and shares[-1] < shares[0] / 3


@pytest.mark.parametrize("truth", [30.0, 120.0, 450.0])
def test_calibration_finds_a_known_after_again(truth: float) -> None:
    # the "log" is the model itself with a known after: its share must lead back to it
    observed = _simulated_share(two_pools(0), "IN", "general", truth, replications=5, seed=1)
    after, simulated, tried = calibrate_after(two_pools(0), "IN", "general", observed, seed=1)
    assert after == truth and simulated == observed
    assert len(tried) <= 7 < len(AFTER_GRID)  # a bisection, not the whole grid


def test_calibration_ends_at_the_grid_when_the_share_is_out_of_reach() -> None:
    after, _, _ = calibrate_after(two_pools(0), "IN", "general", 1.0, replications=2)
    assert after == AFTER_GRID[0]
    after, _, _ = calibrate_after(two_pools(0), "IN", "general", 0.0, replications=2)
    assert after == AFTER_GRID[-1]


# --------------------------------------------------------------------------- the bank's log


@pytest.fixture(scope="module")
def bank() -> pd.DataFrame:
    if not BANK_LOG.is_file():
        pytest.skip(f"Anonymous Bank log not found at {BANK_LOG} (shared data absent)")
    return load_anonymous_bank(BANK_LOG).calls


def test_a_day_with_much_overflow_gets_overflow_routing(bank: pd.DataFrame) -> None:
    day = dt.date(1999, 10, 13)
    fit = fit_log(bank, [day])
    off = fit_log(bank, [day], FitOptions(overflow="off"))
    s = fit.scenario
    assert s["call_types"]["IN"]["overflow"]["pool"] == "agents"
    assert "overflow" not in off.scenario["call_types"]["IN"]
    assert "IN" in s["pools"]["agents"]["skills"]
    # the general agents' own handle time for IN: their calls in the log, not the desk's
    mine = bank[(bank["date"] == day) & (bank["type"] == "IN") & (bank["outcome"] == "AGENT")]
    general = mine[mine["server"].isin(fit.pools.agents["agents"]) & (mine["service"] > 0)]
    assert s["pools"]["agents"]["handle_time"]["IN"]["mean"] == pytest.approx(
        general["service"].mean(), rel=1e-3
    )
    desk = mine[mine["server"].isin(fit.pools.agents["agents_IN"]) & (mine["service"] > 0)]
    assert s["pools"]["agents_IN"]["handle_time"]["IN"]["mean"] == pytest.approx(
        desk["service"].mean(), rel=1e-3
    )
    # their work moves from the desk's capacity to the general pool's
    assert fit.staffing["agents_IN"].sum() < off.staffing["agents_IN"].sum()
    assert fit.staffing["agents"].sum() > off.staffing["agents"].sum()
    o = fit.overflow["IN"]
    assert o.after in AFTER_GRID and abs(o.simulated_share - o.observed_share) < 0.1
    assert any("overflow.after" in line for line in fit.comments)
    simcc.scenario_from_dict(s)  # loads
    assert np.isfinite(o.simulated_share)


def test_a_day_with_little_overflow_keeps_every_call_at_its_desk(bank: pd.DataFrame) -> None:
    fit = fit_log(bank, [dt.date(1999, 10, 17)])  # general agents took 1 IN call
    assert "overflow" not in fit.scenario["call_types"]["IN"] and not fit.overflow
