"""``simcc run``: pre-run checks, --max-contacts, --wall-clock, interruptions, bad --out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import simcc.runner
from simcc.cli import app

SMALL = """\
name: small
horizon: 2h
call_types:
  billing:
    arrivals: {rate: 120/h}
    path: [front, desk]
customers:
  patience: {dist: exponential, mean: 5m}
pools:
  front: {agents: 5, handle_time: {dist: exponential, mean: 2m}, resolve: 0.8}
  desk: {tier: 2, agents: 2, handle_time: {dist: exponential, mean: 5m}}
"""

OVERLOADED = """\
name: overloaded
horizon: 1h
call_types:
  billing:
    arrivals: {rate: 1200/h}
    path: [front]
pools:
  front: {agents: 3, handle_time: {dist: exponential, mean: 5m}}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "centre.yaml"
    path.write_text(text)
    return path


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


def test_max_contacts_stops_each_replication_and_keeps_what_was_measured(
    tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            str(write(tmp_path, SMALL)),
            "-n",
            "2",
            "-j",
            "1",
            "--max-contacts",
            "30",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "stopped early: replication 0: stopped at --max-contacts 30" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 2
    assert summary["metrics"]["offered"]["mean"] <= 30
    assert summary["stopped_early"] == [
        "replication 0: stopped at --max-contacts 30",
        "replication 1: stopped at --max-contacts 30",
    ]
    assert leftovers(out) == []


@pytest.mark.timeout(120)  # a run the limit fails to stop would otherwise run for hours
def test_wall_clock_stops_the_run_and_keeps_what_was_measured(
    tmp_path: Path, runner: CliRunner
) -> None:
    # far longer than the limit: one replication of 400 h took 0.4–0.7 s, too close to it
    long = SMALL.replace("horizon: 2h", "horizon: 10000h")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            str(write(tmp_path, long)),
            "-n",
            "3",
            "-j",
            "1",
            "--wall-clock",
            "0.5",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "stopped by the wall-clock limit after" in result.output
    assert "not started: the wall-clock limit was reached" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 1
    assert summary["replications_requested"] == 3
    assert summary["metrics"]["offered"]["mean"] > 0


def test_a_run_that_ends_within_its_wall_clock_limit_is_complete_and_not_flagged() -> None:
    # two calls, done in simulated minutes: the limit must not be waited out nor reported
    data = {
        "horizon": "1h",
        "call_types": {"x": {"arrivals": {"times": [10, 20]}, "path": ["front"]}},
        "pools": {"front": {"agents": 1, "handle_time": 60}},
    }
    r = simcc.simulate(simcc.scenario_from_dict(data), seed=1, wall_clock=5.0)
    assert r.stopped_early is None
    assert list(r.contacts.outcome) == ["resolved", "resolved"]


def test_a_run_without_limits_matches_replicate(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    path = write(tmp_path, SMALL)
    result = runner.invoke(app, ["run", str(path), "-n", "2", "-j", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stopped_early"] is None
    reps = simcc.replicate(simcc.load_scenario(path), 2, jobs=1)
    assert summary["metrics"]["offered"]["mean"] == reps.summary()["offered"].mean
    for name in ("contacts", "agents", "transfers", "replications"):
        assert (out / f"{name}.parquet").exists()


def test_overload_with_infinite_patience_is_capped_before_running(
    tmp_path: Path, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["run", str(write(tmp_path, OVERLOADED)), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "warning: pool 'front' is offered about 100.0 Erlangs" in result.output
    assert "caps its queue at 130 waiting contacts" in result.output
    assert "Abandonment" in result.output


def test_validate_warns_too(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(write(tmp_path, OVERLOADED))])
    assert result.exit_code == 0
    assert "warning: pool 'front' is offered about 100.0 Erlangs" in result.output


@pytest.mark.parametrize("make", ["under a file", "a file"])
def test_unusable_out_is_refused_before_any_work(
    make: str, tmp_path: Path, runner: CliRunner
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    out = blocker / "out" if make == "under a file" else blocker
    result = runner.invoke(app, ["run", str(write(tmp_path, SMALL)), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "error: " in result.output and str(out) in result.output
    assert "Offered" not in result.output  # nothing was run


def test_interrupt_keeps_the_finished_replications(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = simcc.runner.simulate

    def interrupted_at_third(scenario, seed=None, replication=0, **limits):  # type: ignore[no-untyped-def]
        if replication == 2:
            raise KeyboardInterrupt
        return real(scenario, seed, replication, **limits)

    monkeypatch.setattr(simcc.runner, "simulate", interrupted_at_third)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(write(tmp_path, SMALL)), "-n", "5", "-j", "1", "--out", str(out)]
    )
    assert result.exit_code == 130
    assert "interrupted: kept the 2 finished replication(s)" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 2
    assert "interrupted after 2 of 5 replication(s)" in summary["stopped_early"]
    assert leftovers(out) == []


def test_interrupt_before_anything_finished(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(simcc.runner, "simulate", interrupted)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(write(tmp_path, SMALL)), "-j", "1", "--out", str(out)])
    assert result.exit_code == 130
    assert "nothing to report" in result.output
    assert not (out / "summary.json").exists()


def test_sigterm_behaves_like_ctrl_c(tmp_path: Path) -> None:
    """A real process stopped by SIGTERM mid-run exits 130 and leaves only complete files."""
    busy = (
        "name: busy\nhorizon: 30h\n"
        "call_types: {billing: {arrivals: {rate: 600/h}, path: [front]}}\n"
        "customers: {patience: {dist: exponential, mean: 1m}}\n"
        "pools: {front: {agents: 45, handle_time: {dist: exponential, mean: 5m}}}\n"
    )
    path = write(tmp_path, busy)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from simcc.cli import main; main()",
            "run",
            str(path),
            "-n",
            "500",
            "-j",
            "1",
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        deadline = time.monotonic() + 120
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # prepare_out made the directory: the work is about to start
        time.sleep(3)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert leftovers(out) == []
    if (out / "summary.json").exists():  # at least one replication had finished
        summary = json.loads((out / "summary.json").read_text())
        assert summary["replications"] >= 1
        assert summary["replications"] < 500
        assert "interrupted: kept the" in stderr
    else:  # stopped before any replication finished, or (on a loaded machine) before work began
        assert "nothing to report" in stderr or "interrupted: finished work was kept" in stderr
