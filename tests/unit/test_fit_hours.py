"""Handle time by hour of the day (simcc.fit.hours): each hour's factor, a call type per hour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import simcc
from simcc.fit import FitOptions, dump_yaml_with_comments, fit_scenario
from simcc.fit.estimate import fit_lognormal
from simcc.fit.hours import hour_factors, split_by_hour
from simcc.fit.staffing import PoolPlan
from tests.unit.test_fit import calls_table, synthetic_log

HOUR = 3600.0


def work(services_by_hour: list[np.ndarray], start: float = 0.0) -> pd.DataFrame:
    """Served PS calls of one pool: hour h's calls arrive h hours after ``start`` and last
    the given times."""
    rows = []
    for hour, services in enumerate(services_by_hour):
        arrivals = start + hour * HOUR + np.linspace(0, HOUR, len(services), endpoint=False)
        rows += [
            {"arrival": a, "service": s, "ctype": "PS", "credit": "agents"}
            for a, s in zip(arrivals, services, strict=True)
        ]
    return calls_table(rows)


def sample_mean(hours: list[np.ndarray]) -> dict[str, float]:
    return {"PS": float(np.concatenate(hours).mean())}


def test_an_hours_factor_is_its_calls_handle_time_over_their_types_mean():
    # no noise within an hour: nothing to shrink, the factor is the hour's own ratio
    hours = [np.full(100, 150.0), np.full(100, 100.0), np.full(100, 50.0)]
    factors = hour_factors(work(hours), sample_mean(hours), 0.0, 3 * HOUR, HOUR)
    assert factors == pytest.approx([1.5, 1.0, 0.5])


def test_an_hour_with_too_few_calls_keeps_factor_one():
    hours = [np.full(100, 150.0), np.full(100, 50.0), np.full(5, 100.0)]
    factors = hour_factors(work(hours), sample_mean(hours), 0.0, 3 * HOUR, HOUR, min_calls=20)
    assert factors == pytest.approx([1.5, 0.5, 1.0])


def test_hours_that_differ_by_noise_only_keep_factors_near_one():
    rng = np.random.default_rng(3)
    hours = [rng.lognormal(np.log(100), 0.8, 100) for _ in range(10)]
    factors = hour_factors(work(hours), sample_mean(hours), 0.0, 10 * HOUR, HOUR)
    raw = [h.sum() / (sample_mean(hours)["PS"] * len(h)) for h in hours]
    assert max(abs(f - 1) for f in factors) < 0.05 < max(abs(r - 1) for r in raw)


def test_a_real_spread_between_hours_survives_the_shrinkage_and_the_days_load_is_kept():
    rng = np.random.default_rng(4)
    truth = [0.7, 1.0, 1.3, 1.0, 0.7, 1.3]
    hours = [rng.lognormal(np.log(100 * t) - 0.32, 0.8, 400) for t in truth]
    factors = hour_factors(work(hours), sample_mean(hours), 0.0, 6 * HOUR, HOUR)
    assert factors[2] > 1.15 and factors[0] < 0.85
    # each hour's calls times its factor add up to the day's handle time, as without the split
    expected = sum(
        f * len(h) * sample_mean(hours)["PS"] for f, h in zip(factors, hours, strict=True)
    )
    assert expected == pytest.approx(sum(h.sum() for h in hours), rel=1e-9)


def small_scenario() -> dict:
    rates = ["60/h", "120/h", "90/h", "30/h"]  # 30-minute rates over two hours
    return {
        "name": "two hours",
        "horizon": "2h",
        "replications": 2,
        "customers": {"patience": {"dist": "exponential", "mean": 300}},
        "call_types": {"PS": {"arrivals": {"interval": "30m", "rates": rates}, "path": ["agents"]}},
        "pools": {
            "agents": {
                "agents": 4,
                "skills": ["PS"],
                "handle_time": {"PS": {"dist": "lognormal", "mean": 100.0, "cv": 1.0}},
            }
        },
    }


def test_split_by_hour_gives_each_hour_its_call_type_arrivals_and_handle_time():
    scenario = small_scenario()
    typed = work([np.full(50, 150.0), np.full(50, 50.0)], start=7 * HOUR)
    fits = {"PS": fit_lognormal(typed["service"])}  # sample mean 100 s
    plan = PoolPlan(pool_of={"PS": "agents"}, agents={"agents": ["A"]})
    notes = split_by_hour(scenario, typed, plan, fits, 7 * HOUR, HOUR)
    assert set(scenario["call_types"]) == {"PS_0700", "PS_0800"}
    assert scenario["call_types"]["PS_0700"]["arrivals"]["rates"] == ["60/h", "120/h", "0/h", "0/h"]
    assert scenario["call_types"]["PS_0800"]["arrivals"]["rates"] == ["0/h", "0/h", "90/h", "30/h"]
    pool = scenario["pools"]["agents"]
    assert sorted(pool["skills"]) == ["PS_0700", "PS_0800"]
    assert pool["handle_time"]["PS_0700"] == {"dist": "lognormal", "mean": 150.0, "cv": 1.0}
    assert pool["handle_time"]["PS_0800"]["mean"] == 50.0
    assert len(notes) == 1 and "07:00 1.50" in notes[0] and "08:00 0.50" in notes[0]
    simcc.scenario_from_dict(scenario)  # a scenario simcc loads


def test_a_call_type_with_overflow_routing_is_not_split():
    scenario = small_scenario()
    typed = work([np.full(50, 150.0), np.full(50, 50.0)])
    plan = PoolPlan(pool_of={"PS": "agents"}, agents={"agents": ["A"]}, routed={"PS": "other"})
    split_by_hour(scenario, typed, plan, {"PS": fit_lognormal(typed["service"])}, 0.0, HOUR)
    assert set(scenario["call_types"]) == {"PS"}


def test_by_default_one_call_type_per_log_type_and_by_hour_one_per_hour():
    calls = synthetic_log(n_days=1)
    late = calls["arrival"] >= calls["arrival"].median()
    calls.loc[late, "service"] *= 3.0  # the afternoon's calls last three times longer
    calls.loc[late, "ser_exit"] = calls.loc[late, "ser_start"] + calls.loc[late, "service"]
    by_hour, _ = fit_scenario(calls, "all", FitOptions(handle_time_interval=3600.0))
    whole_day, _ = fit_scenario(calls, "all")
    assert set(whole_day["call_types"]) == {"PS", "NW"}
    assert {t.split("_")[0] for t in by_hour["call_types"]} == {"PS", "NW"}
    assert len(by_hour["call_types"]) > 2
    simcc.scenario_from_dict(by_hour)
    assert yaml.safe_load(dump_yaml_with_comments(by_hour, [])) == by_hour  # plain numbers


def test_a_handle_time_interval_must_be_a_multiple_of_the_arrival_interval():
    with pytest.raises(ValueError, match="handle_time_interval: expected a multiple of interval"):
        FitOptions(handle_time_interval=2700.0)
    assert FitOptions(handle_time_interval=7200.0).handle_time_interval == 7200.0
