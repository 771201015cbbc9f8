"""The journal: an interrupted experiment keeps what finished, and --resume completes it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import simcc
from simcc.experiments import ExperimentError, compare, policy_variants, staff, sweep

ONE_POOL = """
name: one pool
horizon: 2h
warmup: 10m
call_types:
  general: {arrivals: {rate: 100/h}, path: [desk]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  desk: {agents: 6, handle_time: {dist: exponential, mean: 3m}}
"""
GRID = {"pools.desk.agents": [5, 6, 7], "customers.patience.mean": ["2m", "5m"]}
REPLICATIONS = 3
TASKS = 3 * 2 * REPLICATIONS


@pytest.fixture(scope="module")
def scenario() -> simcc.Scenario:
    return simcc.loads_scenario(ONE_POOL)


@pytest.fixture(scope="module")
def uninterrupted(scenario: simcc.Scenario) -> pd.DataFrame:
    """The sweep run in one go, without a journal."""
    return sweep(scenario, GRID, REPLICATIONS, seed=9, jobs=1)


def stop_after(k: int) -> Callable[[int, int], None]:
    """A progress callback that presses Ctrl-C once ``k`` replications have finished."""

    def progress(done: int, total: int) -> None:
        if done >= k:
            raise KeyboardInterrupt

    return progress


def journal_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("k", [1, 7])
def test_interrupted_sweep_resumes_to_the_same_table(
    scenario: simcc.Scenario, uninterrupted: pd.DataFrame, tmp_path: Path, k: int
) -> None:
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(KeyboardInterrupt):
        sweep(scenario, GRID, REPLICATIONS, seed=9, jobs=1, journal=journal, progress=stop_after(k))
    lines = journal_lines(journal)
    assert lines[0]["experiment"] == "sweep"
    assert len(lines) - 1 == k  # every finished replication is on disk, nothing more

    calls: list[tuple[int, int]] = []
    resumed = sweep(
        scenario,
        GRID,
        REPLICATIONS,
        seed=9,
        jobs=1,
        journal=journal,
        resume=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    pd.testing.assert_frame_equal(resumed, uninterrupted, check_exact=True)
    assert calls[0] == (k, TASKS)  # the journal's replications were not run again
    assert len(calls) == 1 + TASKS - k
    assert journal_lines(journal)[-1] == {"complete": True}


def test_a_line_cut_short_by_the_stop_runs_again(
    scenario: simcc.Scenario, uninterrupted: pd.DataFrame, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(KeyboardInterrupt):
        sweep(scenario, GRID, REPLICATIONS, seed=9, jobs=1, journal=journal, progress=stop_after(4))
    with journal.open("a") as handle:
        handle.write('{"point": "abc", "replication": 3, "metr')  # killed mid-write
    resumed = sweep(scenario, GRID, REPLICATIONS, seed=9, jobs=1, journal=journal, resume=True)
    pd.testing.assert_frame_equal(resumed, uninterrupted, check_exact=True)


def test_resume_refuses_another_grid_or_seed(scenario: simcc.Scenario, tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(KeyboardInterrupt):
        sweep(scenario, GRID, REPLICATIONS, seed=9, jobs=1, journal=journal, progress=stop_after(2))
    before = journal.read_text()
    other_grid = GRID | {"pools.desk.agents": [5, 6, 8]}
    with pytest.raises(ExperimentError, match=r"cannot resume.*other scenarios, grid or seed"):
        sweep(scenario, other_grid, REPLICATIONS, seed=9, jobs=1, journal=journal, resume=True)
    with pytest.raises(ExperimentError, match="cannot resume"):
        sweep(scenario, GRID, REPLICATIONS, seed=10, jobs=1, journal=journal, resume=True)
    changed = scenario.with_changes({"pools.desk.handle_time.mean": "4m"})
    with pytest.raises(ExperimentError, match="cannot resume"):
        sweep(changed, GRID, REPLICATIONS, seed=9, jobs=1, journal=journal, resume=True)
    variants = policy_variants(scenario, ["warm", "cold"])
    with pytest.raises(ExperimentError, match="journal of a sweep, not of a comparison"):
        compare(variants, REPLICATIONS, seed=9, jobs=1, journal=journal, resume=True)
    assert journal.read_text() == before  # a refused resume leaves the journal alone


def test_an_unfinished_journal_is_not_overwritten(scenario: simcc.Scenario, tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(KeyboardInterrupt):
        sweep(scenario, GRID, REPLICATIONS, seed=9, jobs=1, journal=journal, progress=stop_after(2))
    with pytest.raises(ExperimentError, match=r"2 finished replication.*add --resume"):
        sweep(scenario, GRID, REPLICATIONS, seed=9, jobs=1, journal=journal)


def test_a_finished_journal_is_started_over(scenario: simcc.Scenario, tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    grid = {"pools.desk.agents": [5, 6]}
    sweep(scenario, grid, 2, seed=1, jobs=1, journal=journal)
    sweep(scenario, {"pools.desk.agents": [7]}, 2, seed=1, jobs=1, journal=journal)
    assert len(journal_lines(journal)) == 1 + 2 + 1  # header, two replications, complete


def test_resume_can_add_replications(
    scenario: simcc.Scenario, uninterrupted: pd.DataFrame, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.jsonl"
    sweep(scenario, GRID, 2, seed=9, jobs=1, journal=journal)
    calls: list[tuple[int, int]] = []
    more = sweep(
        scenario,
        GRID,
        REPLICATIONS,
        seed=9,
        jobs=1,
        journal=journal,
        resume=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    pd.testing.assert_frame_equal(more, uninterrupted, check_exact=True)
    assert calls[0] == (6 * 2, TASKS)


def test_resume_needs_a_journal(scenario: simcc.Scenario) -> None:
    with pytest.raises(ExperimentError, match="--resume needs --out"):
        sweep(scenario, GRID, REPLICATIONS, seed=9, jobs=1, resume=True)


def test_interrupted_comparison_resumes_to_the_same_table(
    scenario: simcc.Scenario, tmp_path: Path
) -> None:
    variants = {
        "six": scenario,
        "seven": scenario.with_changes({"pools.desk.agents": 7}),
    }
    whole = compare(variants, 4, seed=5, jobs=1)
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(KeyboardInterrupt):
        compare(variants, 4, seed=5, jobs=1, journal=journal, progress=stop_after(3))
    resumed = compare(variants, 4, seed=5, jobs=1, journal=journal, resume=True)
    pd.testing.assert_frame_equal(resumed.table, whole.table, check_exact=True)
    pd.testing.assert_frame_equal(resumed.differences(), whole.differences(), check_exact=True)


def test_a_staffing_search_reuses_its_journal(scenario: simcc.Scenario, tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    first = staff(scenario, ["service_level>=0.5"], replications=3, seed=2, jobs=1, journal=journal)
    calls: list[tuple[int, int]] = []
    again = staff(
        scenario,
        ["service_level>=0.5"],
        replications=3,
        seed=2,
        jobs=1,
        journal=journal,
        resume=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert again.to_json() == first.to_json()
    assert all(done == total for done, total in calls)  # nothing simulated again


TWO_HOURS = ONE_POOL.replace("{rate: 100/h}", "{interval: 1h, rates: [60/h, 120/h]}")


def test_an_interrupted_interval_search_resumes_to_the_same_staffing(tmp_path: Path) -> None:
    from simcc.experiments.interval_staffing import staff_intervals

    scenario = simcc.loads_scenario(TWO_HOURS)
    args = (scenario, ["service_level>=0.7"], 3600)
    whole = staff_intervals(*args, replications=3, seed=4, jobs=1)
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(KeyboardInterrupt):
        staff_intervals(
            *args, replications=3, seed=4, jobs=1, journal=journal, progress=stop_after(5)
        )
    assert journal_lines(journal)[0]["experiment"] == "interval staffing"
    assert len(journal_lines(journal)) - 1 == 5  # the days finished before Ctrl-C are kept
    calls: list[tuple[int, int]] = []
    resumed = staff_intervals(
        *args,
        replications=3,
        seed=4,
        jobs=1,
        journal=journal,
        resume=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert resumed.required == whole.required
    pd.testing.assert_frame_equal(resumed.table, whole.table, check_exact=True)
    assert calls[0] == (3, 3)  # the first staffing's three days came from the journal
    assert journal_lines(journal)[-1] == {"complete": True}


def test_an_interval_search_refuses_a_journal_of_another_interval(tmp_path: Path) -> None:
    from simcc.experiments.interval_staffing import staff_intervals

    scenario = simcc.loads_scenario(TWO_HOURS)
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(KeyboardInterrupt):
        staff_intervals(
            scenario, ["service_level>=0.7"], 3600, replications=2, seed=4, jobs=1,
            journal=journal, progress=stop_after(1),
        )  # fmt: skip
    with pytest.raises(ExperimentError, match="cannot resume"):
        staff_intervals(
            scenario, ["service_level>=0.7"], 1800, replications=2, seed=4, jobs=1,
            journal=journal, resume=True,
        )  # fmt: skip
