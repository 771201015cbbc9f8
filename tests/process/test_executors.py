"""Executors: the same tables bit for bit in one process, in two, and on a Dask cluster;
clean interruption of worker processes; SIGTERM keeps the journal for --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures.process import _ExecutorManagerThread
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import simcc
from simcc.cli import app
from simcc.experiments import compare, policy_variants, sweep
from simcc.runner import DaskExecutor, ExecutorError, ProcessExecutor, Task, run_task

CENTRE = """\
name: two tiers
horizon: 2h
warmup: 10m
seed: 12
call_types:
  billing: {arrivals: {rate: 80/h}, path: [front, desk]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  front: {agents: 6, handle_time: {dist: exponential, mean: 4m}, resolve: 0.7}
  desk: {tier: 2, agents: 2, handle_time: {dist: exponential, mean: 6m}}
transfer:
  policy: warm
  warm: {consult_time: {dist: exponential, mean: 1m}, max_consult_wait: 2m}
  cold: {rediscovery_time: {dist: exponential, mean: 90s}}
"""
GRID = {"pools.desk.agents": [1, 2, 3], "transfer.policy": ["warm", "cold"]}

runner = CliRunner()


@pytest.fixture(scope="module")
def scenario() -> simcc.Scenario:
    return simcc.loads_scenario(CENTRE)


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """A real Dask cluster: two worker processes, one thread each."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as local:
        yield local


def test_sweep_tables_are_identical_on_every_executor(
    scenario: simcc.Scenario, cluster: object
) -> None:
    one = sweep(scenario, GRID, 3, seed=5, jobs=1)
    two = sweep(scenario, GRID, 3, seed=5, jobs=2)
    dask = sweep(scenario, GRID, 3, seed=5, scheduler=cluster.scheduler_address)  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(two, one, check_exact=True)
    pd.testing.assert_frame_equal(dask, one, check_exact=True)


def test_compare_tables_are_identical_on_every_executor(
    scenario: simcc.Scenario, cluster: object
) -> None:
    variants = policy_variants(scenario, ["warm", "cold", "callback"])
    one = compare(variants, 4, seed=2, jobs=1)
    two = compare(variants, 4, seed=2, jobs=2)
    dask = compare(variants, 4, seed=2, scheduler=cluster.scheduler_address)  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(two.table, one.table, check_exact=True)
    pd.testing.assert_frame_equal(dask.table, one.table, check_exact=True)


def test_cli_scheduler_option_gives_the_same_results(
    scenario: simcc.Scenario, cluster: object, tmp_path: Path
) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(CENTRE)
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    tables = {}
    for name, where in (("jobs", ["-j", "2"]), ("dask", ["--scheduler", address])):
        out = tmp_path / name
        result = runner.invoke(
            app,
            [
                "sweep",
                str(path),
                "--set",
                "pools.desk.agents=1,3",
                "-n",
                "3",
                "--out",
                str(out),
                *where,
            ],
        )
        assert result.exit_code == 0, result.output
        tables[name] = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(tables["dask"], tables["jobs"], check_exact=True)


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    with pytest.raises(
        ExecutorError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)


def test_interrupting_worker_processes_keeps_finished_work(
    scenario: simcc.Scenario, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.jsonl"

    def stop(done: int, total: int) -> None:
        if done >= 4:
            raise KeyboardInterrupt

    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        sweep(scenario, GRID, 4, seed=5, jobs=2, journal=journal, progress=stop)
    assert time.perf_counter() - started < 60
    assert not _pool_managers(), "a pool manager left running can race the exit hook"
    assert len(journal.read_text().splitlines()) == 1 + 4
    resumed = sweep(scenario, GRID, 4, seed=5, jobs=2, journal=journal, resume=True)
    pd.testing.assert_frame_equal(resumed, sweep(scenario, GRID, 4, seed=5, jobs=1))


def _pool_managers() -> list[threading.Thread]:
    """Process pools' manager threads still running in this process."""
    return [
        t for t in threading.enumerate() if isinstance(t, _ExecutorManagerThread) and t.is_alive()
    ]


# a pool whose workers are stopped while the manager thread is reading half a result, as
# when a worker is ended in the middle of sending one (the header of a 1000-byte message,
# then 10 bytes of it)
HALF_A_RESULT = """\
import os, struct, time
from simcc.runner import ProcessExecutor

executor = ProcessExecutor(2)
pool = executor._workers()
running = {pool.submit(time.sleep, 60) for _ in range(2)}
deadline = time.monotonic() + 60
while not all(f.running() for f in running) and time.monotonic() < deadline:
    time.sleep(0.05)
os.write(pool._result_queue._writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
time.sleep(0.5)
executor._abort(running)
print("stopped", flush=True)
"""


@pytest.mark.timeout(120)
def test_stopping_workers_while_a_result_is_half_sent_lets_the_process_exit() -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", HALF_A_RESULT], capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired as stuck:
        pytest.fail(f"the process did not exit (output: {stuck.stdout!r})")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "stopped\n"


def test_a_process_executor_is_reused_inside_with(scenario: simcc.Scenario) -> None:
    tasks = [Task(scenario, 1, i) for i in range(4)]
    with ProcessExecutor(2) as executor:
        first = sorted(r.replication for r in executor.map_unordered(run_task, tasks))
        pool = executor._pool
        second = sorted(r.replication for r in executor.map_unordered(run_task, tasks))
        assert executor._pool is pool is not None
    assert first == second == [0, 1, 2, 3]
    assert executor._pool is None


def test_a_worker_freezes_what_it_was_forked_with() -> None:
    """So that its garbage collector leaves the fork server's pages shared."""
    code = (
        "import gc, os\n"
        "from simcc.workers import start_worker\n"
        "before = gc.get_freeze_count()\n"
        "start_worker(os.getppid())\n"
        "print(before, gc.get_freeze_count())\n"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    before, after = map(int, shown.stdout.split())
    assert before == 0 and after > 1000


SLOW = """\
name: slow enough to stop
horizon: 8h
seed: 1
call_types:
  general: {arrivals: {rate: 600/h}, path: [desk]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  desk: {agents: 50, handle_time: {dist: exponential, mean: 5m}}
"""


def _stop_a_sweep(tmp_path: Path, signum: int) -> None:
    """Start ``simcc sweep`` in a subprocess, send it ``signum`` mid-run, then resume."""
    path = tmp_path / "slow.yaml"
    path.write_text(SLOW)
    out = tmp_path / "out"
    args = ["sweep", str(path), "--set", "pools.desk.agents=48..51", "-n", "4", "--out", str(out)]
    env = os.environ | {"COLUMNS": "80"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from simcc.cli import main; main()", *args, "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    journal = out / "journal.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if journal.exists() and len(journal.read_text().splitlines()) >= 1 + 3:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the sweep finished before it could be stopped"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "--resume" in stderr and "Traceback" not in stderr
    kept = len(journal.read_text().splitlines()) - 1
    assert 3 <= kept < 16
    assert not (out / "results.parquet").exists()

    resumed = runner.invoke(app, [*args, "-j", "1", "--resume"])
    assert resumed.exit_code == 0, resumed.output
    whole = sweep(simcc.load_scenario(path), {"pools.desk.agents": list(range(48, 52))}, 4, jobs=1)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), whole, check_exact=True)
    assert json.loads(journal.read_text().splitlines()[-1]) == {"complete": True}


def test_sigterm_keeps_finished_replications_for_resume(tmp_path: Path) -> None:
    _stop_a_sweep(tmp_path, signal.SIGTERM)


@pytest.mark.slow
def test_ctrl_c_keeps_finished_replications_for_resume(tmp_path: Path) -> None:
    _stop_a_sweep(tmp_path, signal.SIGINT)


# ============================================================================ a killed parent


def _children() -> dict[int, int]:
    """pid → parent pid of every live (not zombie) process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] not in (b"Z", b"X"):
            table[int(entry.name)] = int(fields[1])
    return table


def _descendants(pid: int) -> set[int]:
    table = _children()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in table.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.timeout(180)
def test_workers_exit_within_seconds_when_their_parent_is_killed(tmp_path: Path) -> None:
    """kill -9 on ``simcc sweep -j 2``: its fork server, workers and resource tracker go too."""
    path = tmp_path / "slow.yaml"
    path.write_text(SLOW)
    args = ["sweep", str(path), "--set", "pools.desk.agents=48..51", "-n", "4", "-j", "2"]
    process = subprocess.Popen(
        [sys.executable, "-c", "from simcc.cli import main; main()", *args, "--out", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    left: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(_descendants(process.pid)) < 4:
            time.sleep(0.1)  # fork server + resource tracker + 2 workers
        left = _descendants(process.pid)
        assert len(left) >= 4, "the workers did not start"
        process.kill()
        process.wait(timeout=10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and left & set(_children()):
            time.sleep(0.2)
        assert not left & set(_children()), "processes outlived their killed parent"
    finally:
        process.kill()
        for pid in left & set(_children()):
            os.kill(pid, signal.SIGKILL)


# ============================================================================ plain scripts

SCRIPT = """\
import simcc
print("script started", flush=True)
s = simcc.load_scenario({path!r})
print(simcc.replicate(s, 4, jobs=2).summary_frame().loc["offered", "n"])
"""


TWICE = """\
import threading
import simcc
from simcc.runner import ProcessExecutor
s = simcc.load_scenario({path!r})
first = simcc.replicate(s, 4, jobs=2)
print("threads", threading.active_count(), "forks", ProcessExecutor(2).runs_elsewhere)
print("same", first.table.equals(simcc.replicate(s, 4, jobs=2).table))
"""


@pytest.mark.timeout(300)
def test_replicate_leaves_no_thread_behind_so_the_next_one_forks_workers_too(
    tmp_path: Path,
) -> None:
    """In a fresh script the summary's imports run in a thread during the run; it is
    joined before ``replicate`` returns, so the next call can still fork its workers."""
    scenario = tmp_path / "centre.yaml"
    scenario.write_text(CENTRE)
    script = tmp_path / "twice.py"
    script.write_text(TWICE.format(path=str(scenario)))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=240, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "threads 1 forks True" in done.stdout and "same True" in done.stdout


@pytest.mark.timeout(300)
@pytest.mark.parametrize("guarded", [False, True], ids=["no-main-guard", "main-guard"])
def test_a_plain_script_runs_its_replications_once(tmp_path: Path, guarded: bool) -> None:
    """A script calling ``simcc.replicate`` at top level, with or without
    ``if __name__ == "__main__":``, runs once and prints its result."""
    scenario = tmp_path / "centre.yaml"
    scenario.write_text(CENTRE)
    text = SCRIPT.format(path=str(scenario))
    if guarded:
        body = "".join(f"    {line}\n" for line in text.splitlines()[1:])
        text = 'import simcc\nif __name__ == "__main__":\n' + body
    script = tmp_path / "analysis.py"
    script.write_text(text)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=240, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.count("script started") == 1
    assert done.stdout.split() == ["script", "started", "4"]


@pytest.mark.timeout(300)
def test_a_script_read_from_standard_input_runs_its_replications(tmp_path: Path) -> None:
    """``python - < analysis.py``: no file a worker could import again, so the workers
    fork (or the replications run in this process) instead of failing to start."""
    scenario = tmp_path / "centre.yaml"
    scenario.write_text(CENTRE)
    done = subprocess.run(
        [sys.executable, "-"],
        input=SCRIPT.format(path=str(scenario)),
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.split() == ["script", "started", "4"]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_readme_python_snippet_runs_as_a_script(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0]
    script = tmp_path / "snippet.py"
    script.write_text('print("snippet started", flush=True)\n' + snippet)
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=540,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("snippet started") == 1


def test_where_workers_start_depends_on_the_main_script(tmp_path: Path) -> None:
    """forkserver normally; fork (or this process) for a script without a main guard."""
    script = tmp_path / "probe.py"
    script.write_text("from simcc.workers import start_method\nprint(start_method())\n")
    unguarded = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    script.write_text(
        "from simcc.workers import start_method\n"
        'if __name__ == "__main__":\n    print(start_method())\n'
    )
    guarded = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert guarded.stdout.strip() == ("forkserver" if os.name == "posix" else "spawn")
    expected = "fork" if sys.platform.startswith("linux") else "None"
    assert unguarded.stdout.strip() == expected


# ============================================================================ arguments


@pytest.mark.parametrize("seed", ["1", -1, 1.5, True])
def test_simulate_refuses_a_seed_that_is_not_a_whole_number(
    scenario: simcc.Scenario, seed: object
) -> None:
    with pytest.raises(ValueError, match=r"seed must be a whole number ≥ 0, got"):
        simcc.simulate(scenario, seed=seed)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"seed must be a whole number ≥ 0, got"):
        simcc.replicate(scenario, 2, seed=seed, jobs=1)  # type: ignore[arg-type]


def test_simulate_refuses_max_contacts_zero(scenario: simcc.Scenario) -> None:
    with pytest.raises(ValueError, match="max_contacts must be at least 1"):
        simcc.simulate(scenario, seed=1, max_contacts=0)
    assert len(simcc.simulate(scenario, seed=1, max_contacts=1).contacts) == 1


@pytest.mark.parametrize("n", [0, 100_001, "3"])
def test_replicate_refuses_a_count_beyond_the_scenario_limit(
    scenario: simcc.Scenario, n: object
) -> None:
    with pytest.raises(ValueError, match="replications must be a whole number from 1 to 100000"):
        simcc.replicate(scenario, n, jobs=1)  # type: ignore[arg-type]


def test_a_scheduler_that_is_not_an_address_fails_at_once() -> None:
    with pytest.raises(ExecutorError, match="'garbage' is not a Dask scheduler address"):
        DaskExecutor("garbage")
