"""``simcc staff --interval``: the interval table, the staffed scenario, bad options."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simcc.cli import app
from simcc.scenario import load_scenario

ONE_POOL = """\
name: one pool
horizon: 2h
seed: 8
replications: 3
call_types:
  general: {arrivals: {interval: 1h, rates: [60/h, 120/h]}, path: [front]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  front: {agents: 5, handle_time: {dist: exponential, mean: 4m}}
"""

runner = CliRunner()


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "one-pool.yaml"
    path.write_text(ONE_POOL)
    return path


def test_staff_interval_writes_requirements_and_a_staffed_scenario(
    scenario: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["staff", str(scenario), "--interval", "30m", "-t", "service_level>=0.8", "-j", "1"]
    result = runner.invoke(app, [*args, "--shrinkage", "0.25", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "simulated days" in result.output
    table = pd.read_csv(out / "staffing.csv")
    assert list(table["interval"]) == [0, 1, 2, 3]
    assert {"required", "scheduled", "erlang", "service_level_ci_low"} <= set(table.columns)
    staffed = load_scenario(out / "staffed-cold.yaml")
    assert staffed.pools["front"].agents.counts == list(table["required"])
    assert '"point"' in (out / "journal.jsonl").read_text()  # the days simulated are kept
    # the same shrinkage as a percentage: the same run, resumed
    again = runner.invoke(app, [*args, "--shrinkage", "25%", "--out", str(out), "--resume"])
    assert again.exit_code == 0, again.output  # (that it reruns nothing: test_experiments_resume)
    pd.testing.assert_frame_equal(pd.read_csv(out / "staffing.csv"), table, check_exact=True)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--interval", "25m"], "does not divide the horizon"),
        (["--interval", "soon"], "--interval soon"),
        (["--shrinkage", "0.2"], "give --interval too"),
        (["--interval", "30m", "--shrinkage", "1"], "--shrinkage 1: give a fraction in [0, 1)"),
        (["--interval", "30m", "--shrinkage", "a third"], "expected a share such as 0.3 or 30%"),
        (["--interval", "30m", "-t", "fcr>=0.5"], "with --interval a target bounds"),
    ],
)
def test_staff_interval_bad_options_exit_2(scenario: Path, extra: list[str], message: str) -> None:
    result = runner.invoke(app, ["staff", str(scenario), "-t", "service_level>=0.8", *extra])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


HOLD_LOSS = (Path(__file__).resolve().parents[1] / "hold-loss.yaml").read_text()


def test_staff_interval_says_an_abandonment_target_every_interval_meets_is_missed_over_the_day(
    tmp_path: Path,
) -> None:
    """Warm consults of 3 m against 1 m of patience lose customers on hold, in no pool's
    queue: each interval's abandonment is met, the day's (simcc run's) is not."""
    from simcc.experiments import Engine
    from simcc.experiments.day_check import check_day
    from simcc.experiments.staffing import parse_target

    path = tmp_path / "hold.yaml"
    path.write_text(HOLD_LOSS)
    out = tmp_path / "out"
    args = ["staff", str(path), "--interval", "30m", "-t", "abandonment_rate:le:0.05", "-j", "1"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "abandonment_rate ≤ 5.0% is met in every interval" in result.output
    assert "NOT met over the day" in result.output and "on hold in a transfer" in result.output
    day = pd.read_csv(out / "day-check.csv")
    (row,) = day.to_dict("records")
    assert row["metric"] == "abandonment_rate" and not row["met"]
    assert row["ci_high"] > 0.05
    staffed = load_scenario(out / "staffed-warm.yaml")  # the day as simcc run measures it
    target = parse_target("abandonment_rate<=0.05", ["abandonment_rate"])
    with Engine(1) as engine:
        again = check_day("warm", staffed, [target], 3, 3, engine)
    assert again.targets[0].estimate.mean == pytest.approx(row["mean"], rel=1e-12)


def test_staff_interval_writes_one_output_set_replacing_the_earlier_one(
    scenario: Path, tmp_path: Path
) -> None:
    """A later run with fewer policies leaves no staffed file of the earlier run behind,
    and manifest.json lists exactly the files of the set."""
    import json

    out = tmp_path / "out"
    args = ["staff", str(scenario), "--interval", "30m", "-t", "service_level>=0.8", "-j", "1"]
    first = runner.invoke(app, [*args, "-p", "cold", "-p", "warm", "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert (out / "staffed-warm.yaml").exists()
    second = runner.invoke(app, [*args, "-p", "cold", "--out", str(out)])
    assert second.exit_code == 0, second.output
    assert not (out / "staffed-warm.yaml").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True
    assert set(manifest["files"]) == {
        "staffing.csv",
        "day-check.csv",
        "cost.csv",
        "staffed-cold.yaml",
    }
    assert set(pd.read_csv(out / "staffing.csv")["policy"]) == {"cold"}


WIDE = """\
name: two pools
horizon: 11h
seed: 3
replications: 2
call_types:
  general: {arrivals: {interval: 1h, rates: [60/h, 90/h]}, path: [tier1, tier2]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  tier1: {tier: 1, agents: 5, handle_time: {dist: exponential, mean: 4m}, resolve: 0.7}
  tier2: {tier: 2, agents: 3, handle_time: {dist: exponential, mean: 5m}}
"""


def piped_at_80_columns(args: list[str]) -> str:
    """The command's stdout, piped, with COLUMNS=80 (what a pipe or a small terminal gives)."""
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "from simcc.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=os.environ | {"COLUMNS": "80"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_staff_interval_tables_keep_every_cell_whole_at_80_columns(tmp_path: Path) -> None:
    """Two policies, two pools and two targets are wider than 80 columns: the table is
    printed at its own width, so 10:00 and 10:30 stay two rows one can tell apart."""
    path = tmp_path / "wide.yaml"
    path.write_text(WIDE)
    output = piped_at_80_columns(
        ["staff", str(path), "--interval", "30m", "-t", "service_level:ge:0.5",
         "-t", "abandonment_rate:le:0.2", "-p", "cold", "-p", "warm", "-j", "1"]
    )  # fmt: skip
    assert "…" not in output
    rows = [line.split() for line in output.splitlines() if line.startswith(("cold ", "warm "))]
    starts = {(r[0], r[1], r[2]) for r in rows if r[1] in ("tier1", "tier2")}
    assert len(starts) == 2 * 2 * 22  # policy × pool × half hour, each row its own
    assert ("warm", "tier2", "10:30") in starts


def test_staff_interval_costs_the_scheduled_agents(tmp_path: Path) -> None:
    """cost.csv: the agents scheduled (absence included: paid) × half an hour × the pool's
    cost_per_hour, summed over the day's intervals."""
    path = tmp_path / "priced.yaml"
    path.write_text(
        ONE_POOL.replace("mean: 4m}}", "mean: 4m}, cost_per_hour: 28}") + "currency: EUR\n"
    )
    out = tmp_path / "out"
    args = ["staff", str(path), "--interval", "30m", "-t", "service_level>=0.8", "-j", "1"]
    result = runner.invoke(app, [*args, "--shrinkage", "0.25", "--out", str(out)])
    assert result.exit_code == 0, result.output
    scheduled = pd.read_csv(out / "staffing.csv")["scheduled"]
    (row,) = pd.read_csv(out / "cost.csv").to_dict("records")
    assert row["agent_hours"] == scheduled.sum() * 0.5
    assert row["cost"] == scheduled.sum() * 0.5 * 28 and row["currency"] == "EUR"
    assert "scheduled agent-hours (front" in " ".join(result.output.split())


def test_a_file_without_costs_gets_its_agent_hours_and_no_cost_of_zero(tmp_path: Path) -> None:
    path = tmp_path / "unpriced.yaml"
    path.write_text(ONE_POOL)
    args = ["staff", str(path), "--interval", "30m", "-t", "service_level>=0.8", "-j", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "scheduled agent-hours (front" in text and "no cost_per_hour in the file" in text
    assert "= 0.00" not in text


def test_a_staffed_scenario_keeps_its_empirical_file_beside_it_and_runs(tmp_path: Path) -> None:
    (tmp_path / "patience.txt").write_text("60\n200\n400\n")
    path = tmp_path / "sampled.yaml"
    path.write_text(
        ONE_POOL.replace("{dist: exponential, mean: 3m}", "{dist: empirical, file: patience.txt}")
    )
    out = tmp_path / "out"
    args = ["staff", str(path), "--interval", "30m", "-t", "service_level>=0.8", "-j", "1"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    staffed = yaml.safe_load((out / "staffed-cold.yaml").read_text())
    assert staffed["customers"]["patience"] == {"dist": "empirical", "file": "patience.txt"}
    (tmp_path / "patience.txt").unlink()  # the copy in the set is what runs
    rerun = runner.invoke(app, ["run", str(out / "staffed-cold.yaml"), "-n", "1", "-j", "1"])
    assert rerun.exit_code == 0, rerun.output
