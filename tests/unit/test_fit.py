"""Tests of simcc.fit: the log loaders, the estimators and the scenario builder.

Estimators are checked on synthetic data with a known truth (tolerances in
standard errors, not pinned numbers); the loader on the real Anonymous Bank
log when it is present beside the project.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import simcc
from simcc.fit import (
    FitOptions,
    LogFormatError,
    arrival_rates,
    dump_yaml_with_comments,
    exponential_patience,
    fit_lognormal,
    fit_patience,
    fit_scenario,
    infer_agents,
    kaplan_meier,
    load_anonymous_bank,
    load_csv,
    observed_metrics,
    select_days,
)
from simcc.fit.logs import CANONICAL_COLUMNS

BANK_LOG = Path(__file__).resolve().parents[3] / "shared/data/anonymous-bank/october-1999.tsv"
MAPPING = {
    "call_id": "id",
    "date": "day",
    "arrival": "arrived",
    "wait": "waited",
    "outcome": "result",
    "service": "talk",
    "server": "agent",
}


def write(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    """Write a small log file and return its path."""
    path = tmp_path / name
    path.write_text(text)
    return path


def calls_table(rows: list[dict]) -> pd.DataFrame:
    """A calls table from partial rows (defaults: served at once, no queue)."""
    base = {
        "call_id": "0",
        "customer_id": "0",
        "priority": 0,
        "type": "PS",
        "date": dt.date(1999, 10, 3),
        "arrival": 0.0,
        "queued": False,
        "wait": 0.0,
        "outcome": "AGENT",
        "service": 60.0,
        "ser_start": np.nan,
        "ser_exit": np.nan,
        "server": "A",
    }
    return pd.DataFrame([{**base, **row} for row in rows])


# --------------------------------------------------------------------------- real log


@pytest.fixture(scope="module")
def bank():
    if not BANK_LOG.is_file():
        pytest.skip(f"Anonymous Bank log not found at {BANK_LOG} (shared data absent)")
    return load_anonymous_bank(BANK_LOG)


def test_bank_loader_reports_the_two_malformed_rows(bank):
    report = bank.report
    assert report.rows_read == 34_625
    assert report.skipped["wrong_field_count"] == 2
    assert report.skipped_lines["wrong_field_count"] == [7315, 14247]


def test_bank_loader_counts_phantoms_and_accounts_for_every_row(bank):
    lines = BANK_LOG.read_text().splitlines()[1:]
    phantoms = sum(1 for line in lines if line.split("\t")[12:13] == ["PHANTOM"])
    report = bank.report
    assert report.skipped["phantom"] == phantoms > 0
    assert report.kept == len(bank.calls)
    assert report.kept + report.total_skipped == report.rows_read
    assert any("wrong_field_count" in line for line in report.explain())


def test_bank_calls_table_is_canonical(bank):
    calls = bank.calls
    assert set(CANONICAL_COLUMNS) <= set(calls.columns)
    assert set(calls["outcome"]) == {"AGENT", "HANG"}
    assert calls["call_id"].is_unique
    assert (calls["arrival"].between(0, 86_400)).all()
    assert (calls.loc[~calls["queued"], "wait"] == 0).all()
    served = calls[calls["outcome"] == "AGENT"]
    timed = served.dropna(subset=["ser_start"])
    assert (timed["ser_exit"] >= timed["ser_start"]).all()
    assert isinstance(calls["date"].iloc[0], dt.date)
    assert calls["priority"].isin([0, 1, 2]).all()


def test_fit_writes_no_column_in_place_as_pandas_3_forbids(bank):
    """pandas 3 (copy on write, its default) hands out columns as read-only arrays; a fit
    that wrote into one failed on every log ("output array is read-only"). The dev
    environment's pandas is 2 (lifelines and Ciw pin it), so copy on write is asked for."""
    with pd.option_context("mode.copy_on_write", True):
        on = fit_scenario(bank.calls, [dt.date(1999, 10, 5)], source="october-1999.tsv")[0]
    assert on == fit_scenario(bank.calls, [dt.date(1999, 10, 5)], source="october-1999.tsv")[0]


def test_fit_scenario_on_the_bank_weekdays(bank):
    scenario, comments = fit_scenario(bank.calls, ["weekdays"], source="october-1999.tsv")
    assert scenario["horizon"] == "17h"  # 07:00 to midnight, Sunday to Thursday
    assert any("07:00" in line for line in comments)
    slots = 17 * 2
    for name, spec in scenario["call_types"].items():
        assert len(spec["arrivals"]["rates"]) == slots
        assert spec["path"] == (["agents_IN"] if name == "IN" else ["agents"])
    assert set(scenario["pools"]) == {"agents", "agents_IN"}  # the internet desk is apart
    for pool in scenario["pools"].values():
        assert pool["agents"]["interval"] == "15m"
        assert len(pool["agents"]["counts"]) == 2 * slots
    share = scenario["segments"]["priority"]["share"]
    assert 0.35 < share < 0.55  # among queued calls, where the log records the priority
    text = dump_yaml_with_comments(scenario, comments)
    assert text.startswith("# ")
    assert yaml.safe_load(text) == scenario


# --------------------------------------------------------------------------- generic loader


def test_load_csv_maps_columns_and_counts_bad_rows(tmp_path):
    path = write(
        tmp_path,
        "id,day,arrived,waited,result,talk,agent\n"
        "1,1999-10-03,8:00:00,0,AGENT,120,ANN\n"
        "2,1999-10-03,8:01:00,35,HANG,0,\n"
        "3,1999-10-03,8:61:00,0,AGENT,100,ANN\n"
        "4,1999-10-03,8:02:00,0,AGENT,100\n"
        "5,1999-10-03,8:03:00,12,answered,90,BOB\n"
        "6,1999-10-03,8:04:00,0,transferred,90,BOB\n",
    )
    loaded = load_csv(path, MAPPING)
    report = loaded.report
    assert report.kept == 3
    assert report.skipped == {"wrong_field_count": 1, "bad_time": 1, "unknown_outcome": 1}
    assert report.skipped_lines["wrong_field_count"] == [5]
    assert report.skipped_lines["bad_time"] == [4]
    calls = loaded.calls
    assert list(calls["call_id"]) == ["1", "2", "5"]
    assert list(calls["queued"]) == [False, True, True]
    assert list(calls["outcome"]) == ["AGENT", "HANG", "AGENT"]
    assert calls["arrival"].iloc[0] == 8 * 3600
    assert calls["server"].iloc[1] == "NO_SERVER"


def test_malformed_csv_in_strict_mode_names_the_line(tmp_path):
    path = write(
        tmp_path,
        "id,day,arrived,waited,result,talk,agent\n"
        "1,1999-10-03,8:00:00,0,AGENT,120,ANN\n"
        "2,1999-10-03,8:01:00,AGENT,120,ANN\n",
    )
    with pytest.raises(LogFormatError, match=r"line 3.*6 fields where the header has 7"):
        load_csv(path, MAPPING, strict=True)


def test_mostly_garbage_csv_raises_with_line_numbers(tmp_path):
    path = write(
        tmp_path,
        "id,day,arrived,waited,result,talk,agent\n"
        "1,03/10/1999,8:00:00,0,AGENT,120,ANN\n"
        "2,03/10/1999,8:01:00,0,AGENT,120,ANN\n",
    )
    with pytest.raises(LogFormatError, match=r"bad_date.*line\(s\) 2, 3"):
        load_csv(path, MAPPING)


def test_unreadable_inputs_raise_log_format_error(tmp_path):
    with pytest.raises(LogFormatError, match="no such file"):
        load_csv(tmp_path / "absent.csv", MAPPING)
    with pytest.raises(LogFormatError, match="empty file"):
        load_csv(write(tmp_path, ""), MAPPING)
    with pytest.raises(LogFormatError, match="no data rows"):
        load_csv(write(tmp_path, "id,day,arrived,waited,result,talk,agent\n"), MAPPING)
    missing = write(tmp_path, "id,day,arrived,result\n1,1999-10-03,8:00:00,AGENT\n")
    with pytest.raises(LogFormatError, match=r"line 1: missing column\(s\).*waited"):
        load_csv(missing, MAPPING)
    assert issubclass(LogFormatError, ValueError)


def test_non_text_and_duplicate_rows(tmp_path):
    binary = tmp_path / "log.csv"
    binary.write_bytes(b"id,day,arrived,waited,result,talk,agent\n1,\xff\xfe,8:00,0,AGENT,1,A\n")
    with pytest.raises(LogFormatError, match="not readable as text"):
        load_csv(binary, MAPPING)
    row = "1,1999-10-03,8:00:00,0,AGENT,120,ANN\n"
    twice = write(tmp_path, "id,day,arrived,waited,result,talk,agent\n" + row + row)
    report = load_csv(twice, MAPPING).report
    assert (report.kept, report.skipped_lines) == (1, {"duplicate_row": [3]})


# --------------------------------------------------------------------------- estimators


def test_kaplan_meier_matches_a_hand_computed_curve():
    # times 1 2 2+ 3 4+ 5 (+ = censored): at-risk 6, 5, 3, 1 at the events 1, 2, 3, 5
    km = kaplan_meier([1, 2, 2, 3, 4, 5], [True, True, False, True, False, True])
    np.testing.assert_array_equal(km.times, [1, 2, 3, 5])
    np.testing.assert_array_equal(km.at_risk, [6, 5, 3, 1])
    np.testing.assert_allclose(km.survival, [5 / 6, 2 / 3, 4 / 9, 0])
    np.testing.assert_allclose(km.at([0.5, 1, 2.5, 4, 6]), [1, 5 / 6, 2 / 3, 4 / 9, 0])
    greenwood_1 = 5 / 6 * np.sqrt(1 / (6 * 5))
    assert km.std_err[0] == pytest.approx(greenwood_1)
    assert km.quantile(0.5) == 3
    assert km.max_time == 5


def test_exponential_patience_is_abandonments_over_total_wait():
    theta, se = exponential_patience([10, 20, 30], [True, False, True])
    assert theta == pytest.approx(2 / 60)
    assert se == pytest.approx(theta / np.sqrt(2))
    assert exponential_patience([5, 6], [False, False]) == (0.0, 0.0)


def censored_sample(rng, patience, n, offered_mean=90.0):
    """Waits and abandonment flags: a caller leaves at its patience unless served first."""
    service_wait = rng.exponential(offered_mean, n)
    return np.minimum(patience, service_wait), patience < service_wait


def test_exponential_patience_is_recovered_under_censoring():
    rng = np.random.default_rng(11)
    true_mean = 180.0
    waits, abandoned = censored_sample(rng, rng.exponential(true_mean, 8000), 8000)
    fit = fit_patience(waits, abandoned)
    assert abs(fit.theta - 1 / true_mean) < 4 * fit.theta_se
    assert fit.exponential_ok
    assert fit.as_dist() == {"dist": "exponential", "mean": pytest.approx(true_mean, rel=0.1)}
    naive = waits[abandoned].mean()  # abandoners only: biased low
    assert naive < 0.6 * true_mean


def test_non_exponential_patience_gets_the_km_distribution():
    rng = np.random.default_rng(12)
    patience = rng.uniform(60, 120, 8000)  # no one leaves before 60 s
    waits, abandoned = censored_sample(rng, patience, 8000, offered_mean=150.0)
    fit = fit_patience(waits, abandoned)
    assert not fit.exponential_ok
    dist = fit.as_dist()
    assert isinstance(dist, dict) and dist["dist"] == "empirical"
    values = np.array(dist["values"])
    assert len(values) == 100 and np.all(np.diff(values) >= 0)
    assert np.median(values) == pytest.approx(90, abs=4)
    assert values[0] >= 59


def test_no_abandonment_means_infinite_patience():
    fit = fit_patience([3.0, 10.0, 0.0], [False, False, False])
    assert fit.as_dist() == "inf"


def test_lognormal_handle_time_is_recovered():
    rng = np.random.default_rng(13)
    mean, cv = 200.0, 0.8
    sigma = np.sqrt(np.log1p(cv**2))
    x = rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, 20_000)
    fit = fit_lognormal(x)
    assert fit.mean == pytest.approx(mean, rel=0.03)
    assert fit.cv == pytest.approx(cv, rel=0.05)
    assert fit.ks < 0.02
    assert abs(fit.mean_rel_error) < 0.03
    assert fit.as_dist() == {"dist": "lognormal", "mean": pytest.approx(mean, rel=0.03),
                             "cv": pytest.approx(cv, rel=0.05)}  # fmt: skip
    with pytest.raises(ValueError):
        fit_lognormal([0.0, 5.0])


def test_arrival_rates_average_over_days_including_empty_ones():
    d1, d2 = dt.date(1999, 10, 3), dt.date(1999, 10, 4)
    calls = calls_table(
        [
            {"date": d1, "arrival": 100.0},
            {"date": d1, "arrival": 200.0},
            {"date": d2, "arrival": 300.0, "type": "NW"},
            {"date": d2, "arrival": 1900.0},
            {"date": d2, "arrival": 400.0, "outcome": "HANG", "service": 0.0},  # not offered
        ]
    )
    rates = arrival_rates(calls, [d1, d2])
    assert rates.loc[0.0, "PS"] == pytest.approx(2 / 2 * 2)  # 2 calls / 2 days, per hour
    assert rates.loc[0.0, "NW"] == pytest.approx(1.0)
    assert rates.loc[1800.0, "PS"] == pytest.approx(1.0)
    assert len(rates) == 48


def test_infer_agents_counts_distinct_agents_overlapping_each_interval():
    d1, d2 = dt.date(1999, 10, 3), dt.date(1999, 10, 4)
    calls = calls_table(
        [
            {"date": d1, "server": "A", "ser_start": 100.0, "ser_exit": 2000.0},
            {"date": d1, "server": "A", "ser_start": 200.0, "ser_exit": 300.0},
            {"date": d1, "server": "B", "ser_start": 1900.0, "ser_exit": 1950.0},
            {"date": d1, "server": "NO_SERVER", "ser_start": 10.0, "ser_exit": 20.0},
            {"date": d2, "server": "C", "ser_start": 0.0, "ser_exit": 1800.0},
        ]
    )
    agents = infer_agents(calls, [d1, d2])
    # interval 0: day 1 {A}, day 2 {C} → 1; interval 1: day 1 {A, B}, day 2 {} → 1
    assert agents.loc[0.0] == 1
    assert agents.loc[1800.0] == 1
    assert agents.loc[3600.0] == 0
    one_day = infer_agents(calls, [d1])
    assert one_day.loc[1800.0] == 2


def test_select_days_understands_dates_ranges_and_weekdays():
    days = [dt.date(1999, 10, d) for d in range(1, 11)]  # Fri 1 October … Sun 10 October
    calls = calls_table([{"date": d} for d in days])
    assert select_days(calls, ["all"]) == days
    assert select_days(calls, ["991003"]) == [dt.date(1999, 10, 3)]
    assert select_days(calls, ["991003-991005"]) == days[2:5]
    assert select_days(calls, ["fri", "sat"]) == select_days(calls, "weekend")
    assert select_days(calls, "weekend") == [days[0], days[1], days[7], days[8]]
    weekdays = select_days(calls, ["weekdays"])  # the bank's week: Sunday to Thursday
    assert [d.strftime("%a") for d in weekdays] == ["Sun", "Mon", "Tue", "Wed", "Thu", "Sun"]
    assert select_days(calls, "mon,tue") == [dt.date(1999, 10, 4), dt.date(1999, 10, 5)]
    assert select_days(calls, ["991020"]) == []
    with pytest.raises(ValueError, match="cannot read day 'someday'"):
        select_days(calls, ["someday"])
    with pytest.raises(ValueError, match="ends before it starts"):
        select_days(calls, ["991005-991003"])


# --------------------------------------------------------------------------- builder


def synthetic_log(seed: int = 5, n_days: int = 3) -> pd.DataFrame:
    """Two call types over 08:00–12:00 with exponential patience and lognormal service."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n_days):
        day = dt.date(1999, 10, 3 + k)
        for ctype, n in (("PS", 300), ("NW", 100)):
            arrival = rng.uniform(8 * 3600, 12 * 3600, n)
            offered_wait = rng.exponential(40, n) * (rng.random(n) < 0.5)
            patience = rng.exponential(200, n)
            hang = patience < offered_wait
            wait = np.where(hang, patience, offered_wait)
            service = rng.lognormal(np.log(150), 0.6, n)
            for i in range(n):
                start = arrival[i] + wait[i]
                rows.append(
                    {
                        "type": ctype,
                        "date": day,
                        "arrival": arrival[i],
                        "queued": bool(wait[i] > 0),
                        "wait": wait[i],
                        "outcome": "HANG" if hang[i] else "AGENT",
                        "service": 0.0 if hang[i] else service[i],
                        "ser_start": np.nan if hang[i] else start,
                        "ser_exit": np.nan if hang[i] else start + service[i],
                        "server": "NO_SERVER" if hang[i] else f"agent{i % 5}",
                        "priority": 2 if i % 10 == 0 else 0,
                    }
                )
    return calls_table(rows)


def test_fit_scenario_builds_a_section_6_scenario():
    calls = synthetic_log()
    scenario, comments = fit_scenario(calls, "all", name="synthetic")
    assert scenario["name"] == "synthetic"
    assert scenario["horizon"] == "4h" and scenario["warmup"] == 0
    assert set(scenario["call_types"]) == {"PS", "NW"}
    ps = scenario["call_types"]["PS"]["arrivals"]
    assert ps["interval"] == "30m" and len(ps["rates"]) == 8
    assert np.mean([float(r.removesuffix("/h")) for r in ps["rates"]]) == pytest.approx(
        75, rel=0.01
    )
    pool = scenario["pools"]["agents"]
    counts = pool["agents"]["counts"]
    assert pool["agents"]["interval"] == "15m" and len(counts) == 16
    # 100 calls an hour of about 3 min: some 5 agents busy (the synthetic services overlap)
    assert min(counts) >= 1 and np.mean(counts) == pytest.approx(5, rel=0.3)
    assert pool["handle_time"]["PS"] == {
        "dist": "lognormal",
        "mean": pytest.approx(150 * np.exp(0.18), rel=0.1),  # the sample mean by default
        "cv": pytest.approx(np.sqrt(np.expm1(0.36)), rel=0.2),
    }
    assert scenario["segments"]["priority"]["share"] == pytest.approx(0.1, abs=0.01)
    assert scenario["transfer"] == {"policy": "cold"}
    assert scenario["sla"] == {"answer": {"threshold": "20s"}}
    patience = scenario["customers"]["patience"]
    assert patience["dist"] == "exponential" and patience["mean"] == pytest.approx(200, rel=0.3)
    assert any("08:00" in line for line in comments)
    text = dump_yaml_with_comments(scenario, comments)
    assert yaml.safe_load(text) == scenario
    assert all(len(line) <= 100 for line in text.splitlines() if line.startswith("#"))


def test_patience_per_call_type_is_an_option():
    scenario, comments = fit_scenario(
        synthetic_log(n_days=2), "all", FitOptions(patience_by="call_type")
    )
    for spec in scenario["call_types"].values():
        assert spec["patience"]["dist"] in {"exponential", "empirical"}
    assert any("per-type patience" in line for line in comments)
    assert not any("patience" in seg for seg in scenario.get("segments", {}).values())
    simcc.scenario_from_dict(scenario)  # loads: the key is part of simcc's scenario


def test_rare_types_are_merged_or_dropped_with_a_note():
    calls = synthetic_log(n_days=1)
    calls.loc[calls.index[:5], "type"] = "PE"
    scenario, comments = fit_scenario(calls, "all")
    assert "PE" not in scenario["call_types"]
    assert any("PE: under 2% of calls, merged into PS" in line for line in comments)
    scenario, comments = fit_scenario(calls, "all", FitOptions(rare_types="drop"))
    assert "PE" not in scenario["call_types"]
    assert any("PE" in line and "dropped" in line for line in comments)


def test_observed_metrics_follow_the_model_definitions():
    day = dt.date(1999, 10, 3)
    calls = calls_table(
        [
            {"wait": 0.0},  # answered at once
            {"queued": True, "wait": 10.0},  # answered within 20 s
            {"queued": True, "wait": 50.0},  # answered late
            {"queued": True, "wait": 30.0, "outcome": "HANG", "service": 0.0},  # abandoned
            {"queued": False, "outcome": "HANG", "service": 0.0},  # left before queueing
            {"date": dt.date(1999, 10, 4), "queued": True, "wait": 5.0},  # another day
        ]
    )
    m = observed_metrics(calls, "991003")
    assert m["date"] == day
    assert (m["offered"], m["answered"], m["abandoned"], m["left_before_queue"]) == (4, 3, 1, 1)
    assert m["abandonment_rate"] == pytest.approx(1 / 4)
    assert m["asa"] == pytest.approx(60 / 3)
    assert m["service_level"] == pytest.approx(2 / 4)
    short = observed_metrics(calls, day, short_abandon=30.0)
    assert short["service_level"] == pytest.approx(2 / 3)


def test_the_wrap_up_can_be_the_mean_pick_up_delay_or_drawn_from_the_delays():
    from simcc.fit import fit_log
    from simcc.fit.options import FitOptions
    from simcc.fit.staffing import all_pickup_delays, pickup_delay
    from simcc.scenario import scenario_from_dict

    calls = synthetic_log(n_days=2)
    mean = fit_log(calls, "all", FitOptions(wrap_up="pickup_mean"))
    agents = mean.pools.agents["agents"]
    delays = all_pickup_delays(calls, mean.days, agents)
    assert delays.mean() > np.median(delays)  # the two statistics differ on this log
    assert mean.wrap_up["agents"] == pytest.approx(pickup_delay(calls, mean.days, agents, "mean"))
    wrap = scenario_from_dict(mean.scenario).pools["agents"].wrap_up["*"]
    assert wrap.mean == pytest.approx(mean.wrap_up["agents"], abs=1e-3)
    spread = fit_log(calls, "all", FitOptions(wrap_up="pickup_spread"))
    block = spread.scenario["pools"]["agents"]["wrap_up"]
    assert block["dist"] == "empirical" and len(block["values"]) == 100
    assert min(block["values"]) >= delays.min() - 0.05
    assert max(block["values"]) <= delays.max() + 0.05
    # the time counted as on duty after each call is what the scenario's agents take
    assert spread.wrap_up["agents"] == pytest.approx(np.mean(block["values"]))
    assert spread.wrap_up["agents"] == pytest.approx(delays.mean(), rel=0.05)
    median = fit_log(calls, "all")
    assert mean.staffing["agents"].sum() > median.staffing["agents"].sum()


def test_each_pool_gets_its_agents_median_pick_up_delay_as_wrap_up():
    from simcc.fit import fit_log
    from simcc.fit.options import FitOptions
    from simcc.fit.staffing import pickup_delay
    from simcc.scenario import scenario_from_dict

    calls = synthetic_log(n_days=2)
    fit = fit_log(calls, "all")
    agents = fit.pools.agents["agents"]
    assert fit.wrap_up["agents"] == pytest.approx(pickup_delay(calls, fit.days, agents))
    assert fit.wrap_up["agents"] > 0
    wrap_up = scenario_from_dict(fit.scenario).pools["agents"].wrap_up["*"]
    assert wrap_up.mean == pytest.approx(fit.wrap_up["agents"], abs=1e-3)
    off = fit_log(calls, "all", FitOptions(wrap_up="none"))
    assert "wrap_up" not in off.scenario["pools"]["agents"] and off.wrap_up == {"agents": 0.0}
