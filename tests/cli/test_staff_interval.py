"""``simcc staff --interval``: the interval table, the staffed scenario, bad options."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
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
    again = runner.invoke(app, [*args, "--shrinkage", "0.25", "--out", str(out), "--resume"])
    assert again.exit_code == 0, again.output  # (that it reruns nothing: test_experiments_resume)
    pd.testing.assert_frame_equal(pd.read_csv(out / "staffing.csv"), table, check_exact=True)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--interval", "25m"], "does not divide the horizon"),
        (["--interval", "soon"], "--interval soon"),
        (["--shrinkage", "0.2"], "give --interval too"),
        (["--interval", "30m", "--shrinkage", "1"], "--shrinkage 1: give a fraction in [0, 1)"),
        (["--interval", "30m", "-t", "fcr>=0.5"], "with --interval a target bounds"),
    ],
)
def test_staff_interval_bad_options_exit_2(scenario: Path, extra: list[str], message: str) -> None:
    result = runner.invoke(app, ["staff", str(scenario), "-t", "service_level>=0.8", *extra])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
