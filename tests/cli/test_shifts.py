"""``simcc shifts``: a plan from the requirements, checked by simulation; bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from simcc.cli import app
from simcc.scenario import load_scenario

ONE_POOL = """\
name: one pool
horizon: 4h
seed: 8
replications: 3
call_types:
  general: {arrivals: {interval: 1h, rates: [60/h, 120/h, 120/h, 60/h]}, path: [front]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  front: {agents: 5, handle_time: {dist: exponential, mean: 4m}}
"""

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    scenario = tmp_path / "one-pool.yaml"
    scenario.write_text(ONE_POOL)
    rows = [
        {"policy": "cold", "pool": "front", "interval": k, "start": k * 1800.0,
         "end": (k + 1) * 1800.0, "required": r, "scheduled": r + 1, "shrinkage": 0.1}
        for k, r in enumerate([3, 4, 6, 7, 7, 6, 4, 3])
    ]  # fmt: skip
    csv = tmp_path / "staffing.csv"
    pd.DataFrame(rows).to_csv(csv, index=False)
    return scenario, csv


def test_shifts_writes_a_plan_that_covers_the_requirements(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    scenario, csv = files
    out = tmp_path / "out"
    args = ["shifts", str(scenario), "-r", str(csv), "--shift", "2h", "--break", "30m"]
    result = runner.invoke(app, [*args, "--break-window", "1h", "-t", "service_level>=0.5",
                                 "-j", "1", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "paid agent-hours (optimal" in result.output
    check = pd.read_csv(out / "check.csv")
    assert (check["covered"] >= check["scheduled"]).all()
    assert list(check["required"]) == [3, 4, 6, 7, 7, 6, 4, 3]
    plan = load_scenario(out / "plan.yaml")
    assert plan.pools["front"].agents.counts == list(check["on_floor"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--shift", "5h"], "--shift 5h is longer than the day (4h)"),
        (["--shift", "4h", "--starts-every", "4h", "--break", "2h", "--break-window", "0s"],
         "no shift can cover the interval(s)"),
        (["--shift", "4"], "--shift 4: a shift of 4 without a unit is 4 seconds (a bare number "
                           "is seconds); did you mean 4h?"),
        (["--shift", "4h", "--break", "30"], "--break 30: a break of 30 without a unit is 30 "
                                             "seconds"),
    ],
)  # fmt: skip
def test_shifts_bad_input_exits_2(files: tuple[Path, Path], extra: list[str], message: str) -> None:
    scenario, csv = files
    args = ["shifts", str(scenario), "-r", str(csv), "-t", "service_level>=0.8", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_requirements_whose_interval_does_not_divide_the_horizon_exit_2(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    scenario, _ = files
    csv = tmp_path / "odd.csv"
    rows = [{"pool": "front", "start": k * 1500.0, "end": (k + 1) * 1500.0, "required": 2}
            for k in range(9)]  # fmt: skip
    pd.DataFrame(rows).to_csv(csv, index=False)
    args = ["shifts", str(scenario), "-r", str(csv), "--shift", "2h", "-t", "service_level>=0.8"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "its interval (25m) does not divide the horizon" in result.output


def test_shifts_writes_one_output_set_and_keeps_its_requirements(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    """plan.csv, check.csv and plan.yaml are one set with manifest.json; an --out whose set
    holds the requirements file is refused before work (the new set would remove it)."""
    import json

    scenario, csv = files
    args = ["shifts", str(scenario), "-r", str(csv), "--shift", "2h", "-t", "service_level>=0.5"]
    out = tmp_path / "out"
    result = runner.invoke(app, [*args, "-j", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {"plan.csv", "check.csv", "day-check.csv", "plan.yaml"}
    staffed = tmp_path / "staffed"
    staff = ["staff", str(scenario), "--interval", "30m", "-t", "service_level>=0.5", "-j", "1"]
    assert runner.invoke(app, [*staff, "--out", str(staffed)]).exit_code == 0
    again = ["shifts", str(scenario), "-r", str(staffed / "staffing.csv"), "--shift", "2h"]
    refused = runner.invoke(app, [*again, "-t", "service_level>=0.5", "--out", str(staffed)])
    assert refused.exit_code == 2, refused.output
    assert "choose another --out" in refused.output
    assert (staffed / "staffing.csv").exists()


def test_shifts_check_keeps_every_cell_whole_at_80_columns(files: tuple[Path, Path]) -> None:
    """With two targets the check is wider than 80 columns: printed at its own width, each
    interval's start and its met stay whole."""
    from tests.cli.test_staff_interval import piped_at_80_columns

    scenario, csv = files
    output = piped_at_80_columns(
        ["shifts", str(scenario), "-r", str(csv), "--shift", "2h", "-t", "service_level>=0.5",
         "-t", "abandonment_rate<=0.5", "-j", "1"]
    )  # fmt: skip
    assert "…" not in output
    check = output.split("The plan simulated, per interval")[1].splitlines()
    rows = [line.split() for line in check if line.startswith("front ") and "misses" not in line]
    assert [r[1] for r in rows] == [f"{h}:{m}" for h in range(4) for m in ("00", "30")]
    assert {r[-1] for r in rows} <= {"yes", "NO"}


def test_shifts_judges_the_plans_whole_day_as_simcc_run_measures_it(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    """After the per-interval check, each target over the day of plan.yaml (the same
    replications and seed), in the output and in day-check.csv."""
    from simcc.experiments import Engine
    from simcc.experiments.day_check import check_day
    from simcc.experiments.staffing import parse_target

    scenario, csv = files
    out = tmp_path / "out"
    args = ["shifts", str(scenario), "-r", str(csv), "--shift", "2h", "-t", "service_level>=0.5"]
    result = runner.invoke(app, [*args, "-j", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "The whole day at this staffing" in result.output
    (row,) = pd.read_csv(out / "day-check.csv").to_dict("records")
    assert row["metric"] == "service_level" and row["replications"] == 3
    target = parse_target("service_level>=0.5", ["service_level"])
    with Engine(1) as engine:
        day = check_day("cold", load_scenario(out / "plan.yaml"), [target], 3, 8, engine)
    assert day.targets[0].estimate.mean == pytest.approx(row["mean"], rel=1e-12)
    assert bool(row["met"]) == day.targets[0].met
