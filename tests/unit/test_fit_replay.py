"""Replaying a fitted day's own arrivals (simcc.fit.replay) and the check that uses it."""

from __future__ import annotations

import copy
from collections import Counter

import numpy as np
import pandas as pd
import pytest

import simcc
from simcc.fit import FitOptions, fit_log
from simcc.fit.check import check_fit
from simcc.fit.estimate import offered
from simcc.fit.replay import replay_scenario, replayed_times
from simcc.runner import replicate
from tests.unit.test_fit import synthetic_log


def one_day_with_a_rare_type() -> pd.DataFrame:
    """A synthetic day (PS, NW) with a few TT calls, which the fit merges into PS."""
    calls = synthetic_log(n_days=1)
    rare = calls.index[calls["type"] == "NW"][:3]
    calls.loc[rare, "type"] = "TT"
    return calls


def logged_per_type(calls: pd.DataFrame, type_map: dict[str, str | None]) -> Counter[str]:
    """The log's offered calls per scenario call type."""
    return Counter(calls.loc[offered(calls), "type"].map(type_map).dropna())


def simulated_per_type(scenario: dict, replications: int = 3) -> list[Counter[str]]:
    """Each replication's measured first contacts per call type."""
    reps = replicate(simcc.scenario_from_dict(scenario), replications, 1, jobs=1, keep_records=True)
    assert reps.records is not None
    contacts = reps.records["contacts"]
    contacts = contacts[contacts["measured"] & (contacts["attempt"] == 1)]
    return [Counter(group["call_type"].astype(str)) for _, group in contacts.groupby("replication")]


def test_a_replayed_day_offers_the_logs_calls_per_type_exactly():
    calls = one_day_with_a_rare_type()
    fit = fit_log(calls, "all")
    assert fit.type_map["TT"] == "PS"
    logged = logged_per_type(calls, fit.type_map)
    for counts in simulated_per_type(replay_scenario(fit, calls)):
        assert counts == logged


def test_times_not_counted_from_the_scenarios_time_0_fail_the_replay_check():
    # a planted defect: the log's clock times (seconds since midnight) replayed as they are
    calls = one_day_with_a_rare_type()
    fit = fit_log(calls, "all")
    assert fit.start > 0
    shifted = replay_scenario(fit, calls)
    for spec in shifted["call_types"].values():
        spec["arrivals"]["times"] = [t + fit.start for t in spec["arrivals"]["times"]]
    logged = logged_per_type(calls, fit.type_map)
    assert all(counts != logged for counts in simulated_per_type(shifted))


def test_a_replay_keeps_every_number_of_the_fit_but_the_arrivals():
    calls = one_day_with_a_rare_type()
    fit = fit_log(calls, "all")
    replayed = replay_scenario(fit, calls)
    fitted = copy.deepcopy(fit.scenario)
    for name in fitted["call_types"]:
        assert "rates" in fitted["call_types"][name]["arrivals"]
        del fitted["call_types"][name]["arrivals"], replayed["call_types"][name]["arrivals"]
    assert replayed == fitted


def test_the_replay_check_offers_the_logs_count_and_says_how_callers_arrived():
    calls = one_day_with_a_rare_type()
    fit = fit_log(calls, "all")
    check = check_fit(fit, calls, 3, 1, jobs=1, arrivals="replay")
    day = check.reference
    assert check.simulated["offered"].mean == check.observed[day]["offered"]
    assert check.simulated["offered"].ci_high == check.simulated["offered"].ci_low
    assert check.to_json()["arrivals"] == "replay"
    assert "arrivals replayed from the log" in check.lines()[0]
    assert check_fit(fit, calls, 3, 1, jobs=1).to_json()["arrivals"] == "fitted"


def test_with_a_handle_time_per_hour_each_call_is_replayed_in_its_hours_call_type():
    calls = synthetic_log(n_days=1)
    late = calls["arrival"] >= calls["arrival"].median()
    calls.loc[late, "service"] *= 3.0  # the afternoon's calls last three times longer
    calls.loc[late, "ser_exit"] = calls.loc[late, "ser_start"] + calls.loc[late, "service"]
    fit = fit_log(calls, "all", FitOptions(handle_time_interval=3600.0))
    times = replayed_times(fit, calls)
    assert len(times) > 2 and set(times) == set(fit.scenario["call_types"])
    for name, ts in times.items():
        hour = int(name.split("_")[1][:2]) * 3600.0 - fit.start
        assert ts and min(ts) >= hour and max(ts) < hour + 3600.0
    assert sum(map(len, times.values())) == int(offered(calls).sum())


def test_a_replay_is_of_one_day():
    calls = synthetic_log(n_days=2)
    fit = fit_log(calls, "all")
    with pytest.raises(ValueError, match="a replay is of one day's arrivals; this fit averages 2"):
        replay_scenario(fit, calls)
    with pytest.raises(ValueError, match="arrivals must be one of fitted, replay"):
        check_fit(fit, calls, 2, 1, jobs=1, arrivals="poisson")  # type: ignore[arg-type]


def test_replayed_times_are_sorted_seconds_from_time_0_within_the_horizon():
    calls = one_day_with_a_rare_type()
    fit = fit_log(calls, "all")
    for ts in replayed_times(fit, calls).values():
        assert ts == sorted(ts)
        assert np.all((np.array(ts) >= 0) & (np.array(ts) < fit.horizon))


def test_a_calibration_of_replayed_days_has_no_average_day_row():
    from simcc.fit.calibrate import AVERAGE, Calibration, parser

    assert parser().parse_args(["--arrivals", "replay"]).arrivals == "replay"
    calls = one_day_with_a_rare_type()
    check = check_fit(fit_log(calls, "all"), calls, 2, 1, jobs=1, arrivals="replay")
    table = Calibration([check], None, {"arrivals": "replay"}, 1.0).table()
    assert len(table) == 1 and AVERAGE not in set(table["day"])
    assert table["offered_sim"].iloc[0] == table["offered_obs"].iloc[0]
