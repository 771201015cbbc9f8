"""A policy with no block of its own runs on the defaults: one warning line says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simcc.cli import app

NO_COLD = """\
name: no cold block
horizon: 1h
seed: 3
call_types:
  billing: {arrivals: {rate: 60/h}, path: [front, desk]}
pools:
  front: {agents: 4, handle_time: {dist: exponential, mean: 3m}, resolve: 0.7}
  desk: {tier: 2, agents: 2, handle_time: {dist: exponential, mean: 5m}}
transfer:
  policy: warm
  warm: {consult_time: 30s}
"""

COLD_DEFAULTS = (
    "policy cold has no `transfer.cold` block of its own, so it runs on the defaults: "
    "transfer_time 0s, rediscovery_time 0s, misroute_probability 0"
)

runner = CliRunner()


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    path = tmp_path / "no-cold.yaml"
    path.write_text(NO_COLD)
    return path


def test_compare_warns_once_about_a_policy_running_on_defaults(centre: Path) -> None:
    args = ["compare", str(centre), "-p", "warm", "-p", "cold", "-n", "2", "-j", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("warning: ") == 1, result.stderr
    assert f"warning: {centre}: {COLD_DEFAULTS}" in result.stderr


def test_run_with_a_policy_without_block_warns(centre: Path) -> None:
    result = runner.invoke(app, ["run", str(centre), "--policy", "cold", "-n", "1", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert COLD_DEFAULTS in result.stderr


def test_a_policy_with_its_block_does_not_warn(centre: Path) -> None:
    result = runner.invoke(app, ["run", str(centre), "-n", "1", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "runs on the defaults" not in result.stderr


def test_a_consult_fallback_without_block_warns(centre: Path, tmp_path: Path) -> None:
    path = tmp_path / "fallback.yaml"
    path.write_text(NO_COLD.replace("{consult_time: 30s}", "{max_consult_wait: 1m}"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert COLD_DEFAULTS in result.stderr  # the fallback of a consult that waits too long


def test_a_centre_without_escalations_never_transfers_so_does_not_warn(tmp_path: Path) -> None:
    path = tmp_path / "one-pool.yaml"
    path.write_text(
        "horizon: 1h\n"
        "call_types: {billing: {arrivals: {rate: 60/h}, path: [front]}}\n"
        "pools: {front: {agents: 4, handle_time: 3m}}\n"
        "transfer: {policy: cold}\n"
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "runs on the defaults" not in result.stderr
