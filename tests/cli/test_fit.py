"""``simcc fit``: the real Anonymous Bank log, a generic CSV, and bad input.

The real-log tests are skipped when the shared data is absent. ``--check`` runs
three replications of one day in this process.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from simcc.cli import app
from simcc.cli.fit import parse_mapping

ROOT = Path(__file__).resolve().parents[2]
BANK_LOG = Path(__file__).resolve().parents[3] / "shared/data/anonymous-bank/october-1999.tsv"
CSV_MAP = "call_id=id,date=day,arrival=arrived,wait=waited,outcome=result,service=talk,"
CSV_MAP += "ser_start=start,ser_exit=end,server=agent,type=kind"
HEADER = "id,day,arrived,waited,result,talk,start,end,agent,kind\n"

runner = CliRunner()


def invoke(*args: str | Path):
    """Run ``simcc`` in this process; stdout and stderr apart."""
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def bank() -> Path:
    if not BANK_LOG.is_file():
        pytest.skip(f"Anonymous Bank log not found at {BANK_LOG} (shared data absent)")
    return BANK_LOG


def clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def synthetic_csv(tmp_path: Path, bad_line: bool = False) -> Path:
    """Two hours of calls to three agents, one queue, on 3 October 1999."""
    rng = np.random.default_rng(3)
    rows, free = [], {"ANN": 8 * 3600.0, "BOB": 8 * 3600.0, "CY": 8 * 3600.0}
    arrival = 8 * 3600.0
    for i in range(240):
        arrival += rng.exponential(30)
        agent = min(free, key=lambda a: free[a])
        start = max(arrival, free[agent])
        wait = start - arrival
        if wait > rng.exponential(120):
            rows.append(f"{i},1999-10-03,{clock(arrival)},{wait:.0f},HANG,0,,,,PS")
            continue
        talk = rng.lognormal(np.log(70), 0.5)
        free[agent] = start + talk
        rows.append(
            f"{i},1999-10-03,{clock(arrival)},{wait:.0f},AGENT,{talk:.0f},"
            f"{clock(start)},{clock(start + talk)},{agent},{'NW' if i % 4 == 0 else 'PS'}"
        )
    if bad_line:
        rows.insert(10, "999,1999-10-03,8:30:00,AGENT,60")  # 5 fields: line 12
    path = tmp_path / "acd.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


# --------------------------------------------------------------------------- the real log


def test_fit_one_day_of_the_bank_writes_a_scenario_that_loads(bank, tmp_path):
    out = tmp_path / "fitted.yaml"
    result = invoke("fit", bank, "--days", "991005", "--out", out)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# Fitted by simcc.fit from october-1999.tsv")
    assert "Time 0 of the scenario is 07:00" in text
    scenario = yaml.safe_load(text)
    assert set(scenario["pools"]) == {"agents", "agents_IN"}
    assert "priority" not in scenario["segments"]["priority"]  # they keep their place
    assert "skipped 2 (wrong_field_count" in result.stdout and "7315, 14247" in result.stdout
    assert "skipped 147 (phantom" in result.stdout
    assert "KS" in result.stdout and "→ exponential" in result.stdout
    checked = invoke("validate", out)
    assert checked.exit_code == 0, checked.output
    assert "pool agents_IN" in checked.stdout


def test_check_prints_simulated_against_observed_and_writes_check_json(bank, tmp_path):
    out = tmp_path / "day" / "fitted.yaml"
    args = ("fit", bank, "-d", "991005", "-o", out, "--check", "-n", "3", "-j", "1")
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "simulated (3 replications" in text
    for word in ("abandonment", "ASA", "service level"):
        assert word in text
    assert "991005" in text and "%)" in text  # the day's observed values and relative errors
    report = json.loads((out.parent / "check.json").read_text())
    assert report["days"] == ["991005"] and report["replications"] == 3
    metrics = {row["metric"] for row in report["comparison"]}
    assert {"abandonment_rate", "asa", "service_level"} <= metrics
    row = next(r for r in report["comparison"] if r["metric"] == "abandonment_rate")
    assert row["ci_low"] <= row["simulated"] <= row["ci_high"]
    assert row["rel_error"] == pytest.approx(row["simulated"] / row["observed"] - 1)
    assert 0.02 < row["observed"] < 0.1


def test_check_with_replayed_arrivals_offers_the_days_own_calls(bank, tmp_path):
    out = tmp_path / "day" / "fitted.yaml"
    args = ("fit", bank, "-d", "991005", "-o", out, "--check", "-n", "2", "-j", "1")
    result = invoke(*args, "--arrivals", "replay")
    assert result.exit_code == 0, result.output
    assert "arrivals replayed from the log" in result.stdout
    report = json.loads((out.parent / "check.json").read_text())
    assert report["arrivals"] == "replay"
    offered = next(r for r in report["comparison"] if r["metric"] == "offered")
    assert offered["simulated"] == offered["observed"] == offered["ci_low"] == offered["ci_high"]


def test_replayed_arrivals_need_one_day_a_known_value_and_a_check(tmp_path):
    log = synthetic_csv(tmp_path)
    rows = log.read_text().splitlines()[1:]
    with log.open("a") as more:  # the same calls again on the next day
        more.writelines(row.replace("1999-10-03", "1999-10-04") + "\n" for row in rows)
    fit = ("fit", log, "-f", "csv", "--map", CSV_MAP, "-o", tmp_path / "x.yaml", "--check")
    several = invoke(*fit, "--arrivals", "replay")
    assert several.exit_code == 2
    assert "--arrivals replay replays one day's calls; --days chose" in several.stderr
    unknown = invoke(*fit, "--arrivals", "poisson")
    assert unknown.exit_code == 2
    assert "--arrivals poisson: expected one of fitted, replay" in unknown.stderr
    one_day = ("fit", log, "-f", "csv", "--map", CSV_MAP, "-d", "991003", "-o", tmp_path / "y.yaml")
    unchecked = invoke(*one_day, "--arrivals", "replay")
    assert unchecked.exit_code == 2
    assert "--arrivals replay says how --check simulates the fit" in unchecked.stderr
    assert not (tmp_path / "y.yaml").exists()


def test_the_shipped_bank_weekday_scenario_loads():
    result = invoke("validate", ROOT / "scenarios" / "bank-weekday.yaml")
    assert result.exit_code == 0, result.output
    assert "agents_IN" in result.stdout
    assert "path agents_IN; overflow to agents after" in result.stdout


def test_overflow_routing_is_fitted_unless_turned_off(bank, tmp_path):
    # on 13 October general agents took a quarter of the internet desk's calls
    on, off = tmp_path / "on.yaml", tmp_path / "off.yaml"
    result = invoke("fit", bank, "-d", "991013", "-o", on)
    assert result.exit_code == 0, result.output
    assert "overflow IN → agents after" in result.stdout
    assert "pool agents: PS, NW, NE (and IN by overflow)" in result.stdout
    assert yaml.safe_load(on.read_text())["call_types"]["IN"]["overflow"]["pool"] == "agents"
    result = invoke("fit", bank, "-d", "991013", "-o", off, "--no-overflow")
    assert result.exit_code == 0, result.output
    assert "overflow" not in yaml.safe_load(off.read_text())["call_types"]["IN"]


# --------------------------------------------------------------------------- generic CSV


def test_fit_a_generic_csv_with_a_column_map(tmp_path):
    out = tmp_path / "csv.yaml"
    result = invoke("fit", synthetic_csv(tmp_path), "--format", "csv", "--map", CSV_MAP, "-o", out)
    assert result.exit_code == 0, result.output
    scenario = yaml.safe_load(out.read_text())
    assert set(scenario["call_types"]) == {"PS", "NW"}
    assert invoke("validate", out).exit_code == 0


def test_pools_one_puts_every_agent_in_one_pool(tmp_path):
    out = tmp_path / "one.yaml"
    log = synthetic_csv(tmp_path)
    result = invoke("fit", log, "-f", "csv", "--map", CSV_MAP, "--pools", "one", "-o", out)
    assert result.exit_code == 0, result.output
    assert list(yaml.safe_load(out.read_text())["pools"]) == ["agents"]
    bad = invoke("fit", log, "-f", "csv", "--map", CSV_MAP, "--pools", "two", "-o", out)
    assert bad.exit_code == 2 and "--pools: expected one of auto, one" in bad.stderr


def test_a_bad_line_is_skipped_and_named_or_with_strict_stops_the_fit(tmp_path):
    log = synthetic_csv(tmp_path, bad_line=True)
    out = tmp_path / "csv.yaml"
    result = invoke("fit", log, "--format", "csv", "--map", CSV_MAP, "-o", out)
    assert result.exit_code == 0, result.output
    assert "skipped 1 (wrong_field_count" in result.stdout and "lines 12" in result.stdout
    strict = invoke("fit", log, "--format", "csv", "--map", CSV_MAP, "-o", out, "--strict")
    assert strict.exit_code == 2
    assert "line 12: 5 fields where the header has 10" in strict.stderr
    assert "Traceback" not in strict.output


def test_a_csv_with_a_missing_column_is_refused_clearly(tmp_path):
    log = tmp_path / "short.csv"
    log.write_text("id,day,arrived,waited\n1,1999-10-03,8:00:00,0\n")
    result = invoke("fit", log, "--format", "csv", "--map", CSV_MAP, "-o", tmp_path / "x.yaml")
    assert result.exit_code == 2
    assert "line 1: missing column(s)" in result.stderr and "result" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--map", "date=day,arrival"), "--map: expected canonical=Column, got 'arrival'"),
        (("--map", "date=day,arrivl=arrived"), "unknown canonical column(s) ['arrivl']"),
        ((), "--format csv needs --map"),
    ],
)
def test_bad_maps_are_refused_clearly(tmp_path, args, message):
    log = synthetic_csv(tmp_path)
    result = invoke("fit", log, "--format", "csv", *args, "-o", tmp_path / "x.yaml")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("991399", "--days: cannot read day '991399'"),
        ("funday", "--days: cannot read day 'funday'"),
        ("991005-991003", "ends before it starts"),
        ("991101", "no calls in"),
    ],
)
def test_bad_days_exit_2_with_a_clear_message(tmp_path, days, message):
    log = synthetic_csv(tmp_path)
    result = invoke(
        "fit", log, "--format", "csv", "--map", CSV_MAP, "--days", days, "-o", tmp_path / "x.yaml"
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_log_with_no_served_call_cannot_be_fitted_and_says_so(tmp_path):
    log = tmp_path / "all-hung.csv"
    rows = [f"{i},1999-10-03,{clock(8 * 3600 + 60 * i)},30,HANG,0,,,,PS" for i in range(40)]
    log.write_text(HEADER + "\n".join(rows) + "\n")
    out = tmp_path / "x.yaml"
    result = invoke("fit", log, "--format", "csv", "--map", CSV_MAP, "-o", out)
    assert result.exit_code == 2
    assert "cannot fit a scenario: no served calls with a service time" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_an_error_of_the_fit_itself_is_not_reported_as_bad_input(tmp_path, monkeypatch):
    import simcc.fit.build

    def broken(*args, **kwargs):
        raise ValueError("output array is read-only")  # as pandas 3 once made the fit fail

    monkeypatch.setattr(simcc.fit.build, "fit_log", broken)
    monkeypatch.delenv("SIMCC_DEBUG", raising=False)
    log = synthetic_csv(tmp_path)
    result = invoke("fit", log, "-f", "csv", "--map", CSV_MAP, "-o", tmp_path / "x.yaml")
    assert result.exit_code == 1  # a failure of simcc, not exit 2 (the user's input)
    assert "internal error (ValueError: output array is read-only)" in result.stderr
    assert "bug in simcc" in result.stderr and "cannot fit a scenario" not in result.stderr


def test_days_accept_repeats_and_comma_lists(tmp_path):
    log = synthetic_csv(tmp_path)
    out = tmp_path / "x.yaml"
    result = invoke(
        "fit", log, "-f", "csv", "--map", CSV_MAP, "-d", "sun", "-d", "991003,991004", "-o", out
    )
    assert result.exit_code == 0, result.output
    assert "days: 1 (991003)" in result.stdout


def test_out_must_be_a_file(tmp_path):
    result = invoke("fit", synthetic_csv(tmp_path), "-f", "csv", "--map", CSV_MAP, "-o", tmp_path)
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_parse_mapping_joins_columns():
    assert parse_mapping("call_id=vru+line&call_id, date=date") == {
        "call_id": ("vru+line", "call_id"),
        "date": "date",
    }


def test_one_unreadable_and_one_outlier_row_are_named_by_line_and_the_fit_goes_on(tmp_path, bank):
    lines = bank.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [r.split("\t") for r in lines[1:] if r.split("\t")[5:6] == ["991005"]]
    served = [i for i, r in enumerate(rows) if r[header.index("outcome")] == "AGENT"]
    rows[served[0]][header.index("q_time")] = "inf"
    rows[served[1]][header.index("ser_time")] = "99999999999"
    log = tmp_path / "day.tsv"
    log.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    result = invoke("fit", log, "--days", "991005", "-o", tmp_path / "day.yaml")
    assert result.exit_code == 0, result.stderr
    assert "skipped 1 (bad_number: " in result.stdout
    assert f"lines {served[0] + 2}\n" in result.stdout
    assert "implausible_duration" in result.stdout and f"lines {served[1] + 2}." in result.stdout
    handle = yaml.safe_load((tmp_path / "day.yaml").read_text())["pools"]["agents"]["handle_time"]
    assert all(block["mean"] < 3600 for block in handle.values())
