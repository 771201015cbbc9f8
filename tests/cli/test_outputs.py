"""Output directories: a set written whole or not at all, never over an input, and a
``simcc report`` that refuses a set that is cut short or damaged.

The interrupt tests run the real command line in a subprocess that pauses at
the moment that matters (the first output file written, the first file
replaced in ``--out``, start-up, exit); the test then sends it a real signal
and lets it go on.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simcc.cli import app

SMALL = (Path(__file__).resolve().parents[1] / "small-centre.yaml").read_text()

runner = CliRunner()

CLI = "from simcc.cli import main; main()"

PAUSE = """\
import importlib.abc, os, sys, time
from pathlib import Path

mark, where = Path(os.environ["PAUSE_MARK"]), os.environ["PAUSE_AT"]
out = os.path.realpath(os.environ.get("PAUSE_OUT", "/nonexistent"))


def pause():
    if mark.exists():
        return
    mark.write_text("paused")
    deadline = time.monotonic() + 60
    while not mark.with_suffix(".go").exists() and time.monotonic() < deadline:
        time.sleep(0.01)


if where == "first-file-written":  # a file under --out is flushed to disk
    real_fsync = os.fsync

    def fsync(fd):
        real_fsync(fd)
        name = os.path.realpath(f"/proc/self/fd/{fd}")
        if name.startswith(out + "/") and "simcc-check" not in name:
            pause()

    os.fsync = fsync
elif where == "first-file-replaced":  # a file in --out changes
    real_replace = os.replace

    def replace(src, dst):
        real_replace(src, dst)
        if os.path.dirname(os.path.realpath(dst)) == out:
            pause()

    os.replace = replace
elif where == "records-finish":  # every replication done, the table printed, nothing written
    from simcc.record_files import RecordFiles

    real_finish = RecordFiles.finish

    def finish(self):
        pause()
        return real_finish(self)

    RecordFiles.finish = finish
elif where == "exit":  # the command is done, its outputs written
    real_exit = sys.exit

    def exit_(code=None):
        pause()
        real_exit(code)

    sys.exit = exit_
else:  # start-up: while the command line imports module `where`

    class Pause(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == where:
                pause()
            return None

    sys.meta_path.insert(0, Pause())
from simcc._entry import main  # what the ``simcc`` program runs

main()
"""


def signalled(
    tmp_path: Path, args: list[str], at: str, signum: int, out: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``simcc ARGS``, send ``signum`` when it pauses ``at`` a moment, let it go on."""
    mark = tmp_path / f"pause-{at}-{signum}.mark"
    env = os.environ | {"PAUSE_MARK": str(mark), "PAUSE_AT": at, "COLUMNS": "200"}
    if out is not None:
        env["PAUSE_OUT"] = str(out)
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while not mark.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert mark.exists(), f"never reached {at}: {process.communicate(timeout=60)}"
        process.send_signal(signum)
        mark.with_suffix(".go").write_text("go")
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
        process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def contents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def assert_one_whole_set(out: Path, replications: int) -> None:
    """Every file of ``out`` is of one run of ``replications`` replications."""
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == replications
    assert len(pd.read_parquet(out / "replications.parquet")) == replications
    contacts = pd.read_parquet(out / "contacts.parquet")
    assert contacts["replication"].nunique() == replications
    for name in ("agents", "transfers"):
        assert pd.read_parquet(out / f"{name}.parquet")["replication"].max() < replications
    assert "Small centre" in (out / "scenario.yaml").read_text()
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    report = runner.invoke(app, ["report", str(out)])
    assert report.exit_code == 0, report.output


@pytest.fixture
def earlier(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A scenario file, and an output directory holding a 2-replication run of it."""
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(scenario), "-n", "2", "-j", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return scenario, out, contents(out)


# ============================================================================ whole sets


@pytest.mark.timeout(300)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("at", ["first-file-written", "first-file-replaced"])
def test_an_interrupt_while_writing_leaves_the_old_set_or_the_new_one(
    tmp_path: Path, earlier: tuple[Path, Path, dict[str, bytes]], at: str, signum: int
) -> None:
    scenario, out, before = earlier
    args = ["run", str(scenario), "-n", "8", "-j", "1", "--out", str(out)]
    done = signalled(tmp_path, args, at, signum, out=out)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    if contents(out) == before:
        assert "unchanged" in done.stderr
        assert_one_whole_set(out, 2)
    else:
        assert_one_whole_set(out, 8)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_once_every_replication_is_done_waits_until_they_are_written(
    tmp_path: Path, signum: int
) -> None:
    # a run keeps no journal: replications lost here could not be resumed
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    out = tmp_path / "out"
    args = ["run", str(scenario), "-n", "8", "-j", "1", "--out", str(out)]
    done = signalled(tmp_path, args, "records-finish", signum, out=out)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert "Abandonment" in done.stdout  # the table was printed before the pause
    assert_one_whole_set(out, 8)


@pytest.mark.timeout(300)
def test_a_kill_while_replacing_the_files_leaves_a_set_report_refuses(
    tmp_path: Path, earlier: tuple[Path, Path, dict[str, bytes]]
) -> None:
    scenario, out, _ = earlier
    args = ["run", str(scenario), "-n", "8", "-j", "1", "--out", str(out)]
    done = signalled(tmp_path, args, "first-file-replaced", signal.SIGKILL, out=out)
    assert done.returncode == -signal.SIGKILL
    report = runner.invoke(app, ["report", str(out)])
    assert report.exit_code == 2
    assert f"{out} is incomplete: simcc was stopped while writing it" in report.output
    again = runner.invoke(app, ["run", str(scenario), "-n", "3", "-j", "1", "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert_one_whole_set(out, 3)


def test_a_new_set_removes_the_files_of_the_earlier_one(
    tmp_path: Path, earlier: tuple[Path, Path, dict[str, bytes]]
) -> None:
    """A sweep into a directory that held a run: the run's records and report go."""
    scenario, out, _ = earlier
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    args = ["sweep", str(scenario), "--set", "pools.desk.agents=1,2", "-n", "1", "-j", "1"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert names == {
        "results.parquet",
        "results.csv",
        "scenario.yaml",
        "journal.jsonl",
        "manifest.json",
    }


# ============================================================================ damaged sets


def test_report_names_a_truncated_table(
    earlier: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    _, out, _ = earlier
    contacts = out / "contacts.parquet"
    contacts.write_bytes(contacts.read_bytes()[:200])
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 2
    assert f"{contacts} is damaged: 200 bytes, but simcc wrote" in result.output
    (out / "manifest.json").unlink()  # as simcc 0.1 left it: the table itself is read
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 2
    assert f"{contacts} is damaged: cannot be read as a table" in result.output


def test_report_names_a_summary_of_the_wrong_shape(
    earlier: tuple[Path, Path, dict[str, bytes]],
) -> None:
    _, out, _ = earlier
    summary = out / "summary.json"
    summary.write_text('{"metrics": {"offered": 5}}')
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 2
    assert f"{summary} is damaged: 27 bytes, but simcc wrote" in result.output
    (out / "manifest.json").unlink()
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 2
    assert f"{summary} is damaged: metrics.offered should be" in result.output


def test_report_names_a_comparison_summary_of_the_wrong_shape(tmp_path: Path) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    out = tmp_path / "out"
    args = ["compare", str(scenario), "-p", "warm", "-p", "cold", "-n", "2", "-j", "1"]
    assert runner.invoke(app, [*args, "--out", str(out)]).exit_code == 0
    (out / "manifest.json").unlink()
    summary = out / "summary.json"
    for document, why in [
        ({"variants": 5}, "`variants` is not a list of names"),
        ({"variants": ["warm", "cold"], "metrics": 3}, "`metrics` is not a mapping of metrics"),
        ({"variants": ["warm"], "metrics": {"fcr": {"warm": 3}}}, "metrics.fcr.warm should be"),
    ]:
        summary.write_text(json.dumps(document))
        result = runner.invoke(app, ["report", str(out)])
        assert result.exit_code == 2, result.output
        assert f"{summary} is damaged: {why}" in result.output


# ============================================================================ inputs


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["compare", "--policy", "warm", "--policy", "cold"],
        ["sweep", "--set", "pools.desk.agents=1,2"],
        ["staff", "--target", "service_level>=0.5"],
    ],
    ids=lambda c: c[0],
)
def test_an_output_that_would_overwrite_an_input_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """``cd d && simcc run scenario.yaml --out .`` keeps the user's own file."""
    text = "# my own notes\n" + SMALL
    (tmp_path / "scenario.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, [command[0], "scenario.yaml", *command[1:], "-n", "1", "-j", "1", "--out", "."]
    )
    assert result.exit_code == 2, result.output
    assert (
        "--out would overwrite the input scenario.yaml with the output scenario.yaml"
        in result.output
    )
    assert (tmp_path / "scenario.yaml").read_text() == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]


def test_fit_refuses_to_write_over_its_call_log(tmp_path: Path) -> None:
    log = tmp_path / "x.tsv"
    log.write_text("vru+line\tcall_id\n")
    result = runner.invoke(app, ["fit", str(log), "--out", str(log)])
    assert result.exit_code == 2, result.output
    assert f"--out would overwrite the input {log}" in result.output
    assert log.read_text() == "vru+line\tcall_id\n"


def test_the_saved_scenario_stands_on_its_own(tmp_path: Path) -> None:
    """An empirical ``file:`` is copied beside ``scenario.yaml``: the output can be
    reported and re-run from anywhere."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "handle.txt").write_text("240\n300\n180\n420\n")
    (tmp_path / "data" / "patience.txt").write_text("60\n200\n")
    text = SMALL.replace(
        "desk: {tier: 2, agents: 2, handle_time: {dist: exponential, mean: 6m},",
        "desk: {tier: 2, agents: 2, handle_time: {dist: empirical, file: data/handle.txt},",
    ).replace(
        "  patience: {dist: exponential, mean: 3m}",
        "  patience: {dist: empirical, file: data/patience.txt}",
    )
    assert text.count("file: data/") == 2
    scenario = tmp_path / "small.yaml"
    scenario.write_text(text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(scenario), "-n", "1", "-j", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    saved = yaml.safe_load((out / "scenario.yaml").read_text())
    assert saved["pools"]["desk"]["handle_time"] == {"dist": "empirical", "file": "handle.txt"}
    assert saved["customers"]["patience"] == {"dist": "empirical", "file": "patience.txt"}
    assert (out / "handle.txt").read_text() == "240\n300\n180\n420\n"  # not inlined: a
    # sample of a million values would make a scenario.yaml too large to load back
    moved = tmp_path / "elsewhere"
    out.rename(moved)
    (tmp_path / "data" / "handle.txt").unlink()
    (tmp_path / "data" / "patience.txt").unlink()
    report = runner.invoke(app, ["report", str(moved)])
    assert report.exit_code == 0, report.output
    rerun = runner.invoke(app, ["run", str(moved / "scenario.yaml"), "-n", "1", "-j", "1"])
    assert rerun.exit_code == 0, rerun.output


# ============================================================================ bad --out and options


def test_an_empty_out_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", "small.yaml", "-n", "1", "-j", "1", "--out", ""])
    assert result.exit_code == 2
    assert "Invalid value for '--out': is empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.yaml"]


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_an_out_name_too_long_is_bad_input(tmp_path: Path, command: str) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    out = tmp_path / ("x" * 300)
    grid = ["--set", "pools.desk.agents=1,2"] if command == "sweep" else []
    result = runner.invoke(app, [command, str(scenario), *grid, "-n", "1", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"cannot create output directory {out}: File name too long" in result.output


@pytest.mark.timeout(60)
def test_more_replications_than_a_scenario_may_ask_is_a_usage_error(tmp_path: Path) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    result = runner.invoke(app, ["run", str(scenario), "-n", "100001", "--max-contacts", "1"])
    assert result.exit_code == 2
    assert "--replications" in result.output and "100000" in result.output


@pytest.mark.timeout(120)
def test_a_scheduler_that_is_no_address_fails_fast_and_clean(tmp_path: Path) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    done = subprocess.run(
        [sys.executable, "-c", CLI, "run", str(scenario), "--scheduler", "garbage"],
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert done.returncode == 2, done.stderr
    assert "'garbage' is not a Dask scheduler address" in done.stderr
    assert "Traceback" not in done.stderr and "__del__" not in done.stderr


# ============================================================================ signals outside work


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("at", "signum"),
    [
        ("simcc.cli.common", signal.SIGINT),  # start-up, while the command line loads
        ("exit", signal.SIGINT),
        ("exit", signal.SIGTERM),
    ],
    ids=["SIGINT-at-start-up", "SIGINT-after-outputs", "SIGTERM-after-outputs"],
)
def test_a_signal_outside_the_work_exits_130_in_one_line(
    tmp_path: Path, earlier: tuple[Path, Path, dict[str, bytes]], at: str, signum: int
) -> None:
    scenario, out, _ = earlier
    args = ["run", str(scenario), "-n", "2", "-j", "1", "--out", str(out)]
    done = signalled(tmp_path, args, at, signum)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "interrupted"
    assert_one_whole_set(out, 2)
