"""``simcc compare``: the table, summary.json, replications.parquet and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from simcc.cli import app

CENTRE = """\
name: Two-tier centre
horizon: 2h
warmup: 10m
seed: 4
replications: 3
call_types:
  billing:
    arrivals: {rate: 90/h}
    path: [front, desk]
customers:
  patience: {dist: exponential, mean: 4m}
pools:
  front:
    agents: 6
    handle_time: {dist: exponential, mean: 4m}
    resolve: 0.7
    cost_per_hour: 30
  desk:
    tier: 2
    agents: 2
    handle_time: {dist: exponential, mean: 6m}
    cost_per_hour: 45
transfer:
  policy: warm
  cold: {transfer_time: 15s, rediscovery_time: {dist: exponential, mean: 90s}}
  warm: {consult_time: {dist: exponential, mean: 60s}, max_consult_wait: 2m}
"""

runner = CliRunner()


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    path = tmp_path / "centre.yaml"
    path.write_text(CENTRE)
    return path


def test_compare_policies_prints_paired_differences(centre: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "compare",
            str(centre),
            "--policy",
            "warm",
            "--policy",
            "cold",
            "-j",
            "1",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines if not line.startswith("wrote")) <= 80
    assert any("Δ vs warm" in line for line in lines)
    assert any(line.strip().startswith("cold") and "pt" in line for line in lines)
    assert "Service level" in result.stdout and "AHT front" not in result.stdout

    summary = json.loads((out / "summary.json").read_text())
    assert summary["variants"] == ["warm", "cold"]
    assert set(summary["metrics"]["fcr"]["warm"]) == {"mean", "std", "ci_low", "ci_high"}
    assert set(summary["differences"]["fcr"]) == {"cold"}
    assert set(summary["differences"]["fcr"]["cold"]) == {"mean", "ci_low", "ci_high"}

    table = pd.read_parquet(out / "replications.parquet")
    assert list(table.columns[:2]) == ["variant", "replication"]
    assert table[["variant", "replication"]].values.tolist() == [
        [v, i] for v in ("warm", "cold") for i in range(3)
    ]
    assert (out / "journal.jsonl").exists()


def test_compare_all_shows_pool_metrics(centre: Path) -> None:
    result = runner.invoke(
        app, ["compare", str(centre), "-p", "warm", "-p", "cold", "-n", "2", "-j", "1", "--all"]
    )
    assert result.exit_code == 0, result.output
    assert "AHT front" in result.stdout and "Occupancy desk" in result.stdout


def test_compare_two_files_names_them_and_finds_no_difference_between_twins(
    centre: Path, tmp_path: Path
) -> None:
    twin = tmp_path / "twin.yaml"
    twin.write_text(CENTRE.replace("name: Two-tier centre", "name: Two-tier centre again"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["compare", str(centre), str(twin), "-j", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "A  Two-tier centre" in result.stdout  # long names get letters and a legend
    assert "*" not in result.stdout.split("\n\n")[1]  # no difference excludes zero
    summary = json.loads((out / "summary.json").read_text())
    for metric, by_variant in summary["differences"].items():
        difference = by_variant["Two-tier centre again"]
        assert difference["mean"] in (0.0, None), metric


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ([], "two or more scenario files"),
        (["--policy", "warm", "--policy", "wram"], "--policy wram"),
        (["-p", "warm", "-p", "cold", "--resume"], "--resume needs --out"),
    ],
)
def test_bad_compare_input_exits_2(centre: Path, extra: list[str], says: str) -> None:
    result = runner.invoke(app, ["compare", str(centre), *extra, "-j", "1"])
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path: Path, centre: Path) -> None:
    result = runner.invoke(app, ["compare", str(centre), str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


TWO_CHANNELS = """\
name: Voice and chat
horizon: 2h
seed: 3
replications: 2
call_types:
  calls: {arrivals: {rate: 40/h}, path: [front]}
  web: {channel: chat, arrivals: {rate: 30/h}, path: [chat]}
customers:
  patience: {dist: exponential, mean: 4m}
pools:
  front: {agents: 4, handle_time: {dist: exponential, mean: 4m}}
  chat: {agents: 2, concurrency: 2, handle_time: {dist: exponential, mean: 6m}}
"""


def test_compare_shows_a_centre_with_two_channels_by_channel_unless_by_says(
    tmp_path: Path,
) -> None:
    path = tmp_path / "two-channels.yaml"
    path.write_text(TWO_CHANNELS)
    args = ["compare", str(path), "-p", "warm", "-p", "cold", "-j", "1"]
    default = runner.invoke(app, args)
    assert default.exit_code == 0, default.output
    assert "by channel" in default.output and "voice" in default.output
    chosen = runner.invoke(app, [*args, "--by", "call_type"])
    assert chosen.exit_code == 0, chosen.output
    assert "by call_type" in chosen.output and "by channel" not in chosen.output
