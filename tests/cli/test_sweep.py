"""``simcc sweep``: the tidy results files, --set errors before any work, and --resume."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from simcc.cli import app

ONE_POOL = """\
name: one pool
horizon: 2h
warmup: 10m
seed: 3
replications: 2
call_types:
  general: {arrivals: {rate: 100/h}, path: [desk]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  desk: {agents: 6, handle_time: {dist: exponential, mean: 3m}, cost_per_hour: 30}
"""
SETS = ["--set", "pools.desk.agents=5..7", "--set", "customers.patience.mean=2m,5m"]

runner = CliRunner()


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "one-pool.yaml"
    path.write_text(ONE_POOL)
    return path


def sweep(scenario: Path, out: Path, *extra: str) -> object:
    return runner.invoke(app, ["sweep", str(scenario), *SETS, "-j", "1", "--out", str(out), *extra])


def test_sweep_writes_one_row_per_point_and_replication(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = sweep(scenario, out)
    assert result.exit_code == 0, result.output
    assert "6 grid point(s) × 2 replication(s)" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines() if "wrote" not in line) <= 80
    table = pd.read_parquet(out / "results.parquet")
    assert list(table.columns[:3]) == [
        "pools.desk.agents",
        "customers.patience.mean",
        "replication",
    ]
    assert len(table) == 3 * 2 * 2
    assert table["pools.desk.agents"].tolist() == [5] * 4 + [6] * 4 + [7] * 4
    csv = pd.read_csv(out / "results.csv")
    assert list(csv.columns) == list(table.columns)
    assert csv["customers.patience.mean"].tolist() == table["customers.patience.mean"].tolist()


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("pools.dsk.agents=5", "--set pools.dsk.agents: pools.dsk: unknown"),
        ("pools.desk.agents=4..-1", "empty range"),
        ("pools.desk.agents=-2,4", "--set pools.desk.agents=-2:"),
        ("transfer.policy=warm,blind", "--set transfer.policy=blind:"),
        ("replications=3", "use --replications"),
        ("horizon", "expected PATH=VALUES"),
    ],
)
def test_bad_set_exits_2_before_any_work(
    scenario: Path, tmp_path: Path, bad: str, says: str
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "sweep",
            str(scenario),
            "--set",
            "customers.patience.mean=2m,3m",
            "--set",
            bad,
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert "Traceback" not in result.output
    assert not (out / "journal.jsonl").exists()  # no work started


def test_unknown_metric_to_show_exits_2(scenario: Path) -> None:
    result = runner.invoke(app, ["sweep", str(scenario), *SETS, "--metric", "servicelevel"])
    assert result.exit_code == 2
    assert "--metric servicelevel: unknown metric" in result.stderr


def test_resume_completes_a_cut_journal_to_the_same_results(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert sweep(scenario, out).exit_code == 0
    whole = pd.read_parquet(out / "results.parquet")

    # What a kill after five replications leaves: the header and five lines.
    lines = (out / "journal.jsonl").read_text().splitlines()
    (out / "journal.jsonl").write_text("\n".join(lines[:6]) + "\n")
    (out / "results.parquet").unlink()

    refused = sweep(scenario, out)
    assert refused.exit_code == 2
    assert "add --resume" in refused.stderr

    resumed = sweep(scenario, out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), whole, check_exact=True)
    assert json.loads((out / "journal.jsonl").read_text().splitlines()[-1]) == {"complete": True}


def test_resume_with_another_grid_is_refused(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert sweep(scenario, out).exit_code == 0
    result = runner.invoke(
        app,
        [
            "sweep",
            str(scenario),
            "--set",
            "pools.desk.agents=5..8",
            "-j",
            "1",
            "--out",
            str(out),
            "--resume",
        ],
    )
    assert result.exit_code == 2
    assert "cannot resume" in result.stderr and "other scenarios, grid or seed" in result.stderr


TWO_CHANNELS = """\
name: calls and chats
horizon: 1h
seed: 4
replications: 2
call_types:
  phone: {arrivals: {rate: 60/h}, path: [voice]}
  web: {channel: chat, arrivals: {rate: 60/h}, path: [chat]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  voice: {agents: 3, handle_time: {dist: exponential, mean: 3m}}
  chat: {agents: 1, concurrency: 3, handle_time: {dist: exponential, mean: 3m}}
"""


def test_a_metric_of_one_channel_is_a_column_of_the_sweep(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(TWO_CHANNELS)
    out = tmp_path / "out"
    args = ["sweep", str(path), "-s", "pools.voice.agents=3,4", "-j", "1", "--out", str(out)]
    shown = ["service_level[channel=voice]", "abandonment_rate[channel=chat]", "asa[channel=voice]"]
    result = runner.invoke(app, [*args, *(a for m in shown for a in ("-m", m))])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[2].split()
    assert header == ["agents", *shown]  # whole titles, none eaten as markup or squeezed away
    table = pd.read_parquet(out / "results.parquet")
    voice, chat = table["offered[channel=voice]"], table["offered[channel=chat]"]
    assert (voice + chat == table["offered"]).all()  # the groups split the centre's contacts


def test_a_metric_of_an_unknown_group_is_refused_before_any_work(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(TWO_CHANNELS)
    args = ["sweep", str(path), "-s", "pools.voice.agents=3,4", "-j", "1"]
    result = runner.invoke(app, [*args, "-m", "service_level[channel=email]"])
    assert result.exit_code == 2
    assert "no channel 'email' in the scenario (channels: voice, chat)" in result.output


def test_a_group_with_no_contact_in_the_sweep_shows_a_dash(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    rare = TWO_CHANNELS.replace("rate: 60/h}, path: [chat]", "rate: 0.001/h}, path: [chat]")
    path.write_text(rare)
    args = ["sweep", str(path), "-s", "pools.voice.agents=3,4", "-j", "1"]
    result = runner.invoke(app, [*args, "-m", "service_level[channel=chat]"])
    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()[3:5]
    assert [row.split() for row in rows] == [["3", "–"], ["4", "–"]]


def test_a_rate_whose_half_width_would_pass_zero_shows_its_interval_clipped_and_footnoted() -> None:
    from rich.console import Console

    from simcc.analysis.format import ONE_SIDED_NOTE
    from simcc.cli.legend import footnotes
    from simcc.cli.sweep import sweep_table

    # two replications of a rare event: mean 0.8 %, half-width 12.7 × 0.7 % ≈ 8.9 %
    table = pd.DataFrame(
        {"pools.desk.agents": [5, 5, 6, 6], "replication": [0, 1, 0, 1],
         "abandonment_rate": [0.001, 0.015, 0.20, 0.21]}
    )  # fmt: skip
    shown, clipped = sweep_table(table, ["pools.desk.agents"], ["abandonment_rate"])
    console = Console(width=120, record=True)
    console.print(shown)
    rows = [line.split(maxsplit=1) for line in console.export_text().splitlines()[1:]]
    assert rows == [["5", "0.8% (≤ 9.7%)"], ["6", "20.5% ±6.4%"]]
    assert clipped and footnotes(["x"], ONE_SIDED_NOTE)[0].splitlines() == [
        "note: x (≤ b): the 95 % CI runs from the least the quantity can take (0) to b; x",
        "      (≥ b): from b to the most (100\u00a0% for a share). Shown where x ± the",
        "      half-width would pass them.",
    ]
