"""Running scenarios: one replication, many replications, on any executor.

- :func:`simulate` runs one replication and returns a :class:`Result` with the
  records as DataFrames and its metrics.
- :func:`replicate` runs ``n`` replications (in parallel processes by default)
  and returns a :class:`Replications` with a row of metrics per replication
  and their summary with confidence intervals.

Replication *i* of a run seeded *s* always draws from the same streams
(:mod:`simcc.rng`), so results are identical bit for bit whatever the
executor or the number of processes.
"""

from __future__ import annotations

import math
import os
import platform
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from simcc import __version__
from simcc.analysis import metrics as _metrics
from simcc.analysis.stats import Estimate, estimate
from simcc.records import (
    Names,
    Recorder,
    agents_frame,
    contacts_frame,
    legs_frame,
    staffing_frame,
)
from simcc.rng import Streams
from simcc.scenario import POLICIES, Scenario


def names_of(scenario: Scenario) -> Names:
    """The name lists record codes refer to."""
    return Names(
        pools=tuple(scenario.pools),
        call_types=tuple(scenario.call_types),
        segments=tuple(scenario.segments),
        policies=("", *POLICIES),
    )


@dataclass
class Result:
    """One replication: its records, its metrics and how it was made."""

    scenario: Scenario
    seed: int
    replication: int
    recorder: Recorder
    wall_time: float
    stopped_early: str | None = None
    _metrics: dict[str, float] | None = field(default=None, repr=False)

    @property
    def contacts(self) -> pd.DataFrame:
        """One row per contact (fields in :data:`simcc.records.CONTACT_FIELDS`)."""
        s = self.scenario
        return contacts_frame(self.recorder, s.warmup, s.horizon)

    @property
    def agents(self) -> pd.DataFrame:
        """One row per agent busy interval (fields in :data:`simcc.records.AGENT_FIELDS`)."""
        return agents_frame(self.recorder)

    @property
    def transfers(self) -> pd.DataFrame:
        """One row per hand-off (fields in :data:`simcc.records.LEG_FIELDS`)."""
        return legs_frame(self.recorder)

    @property
    def staffing(self) -> pd.DataFrame:
        """One row per staffing change (fields in :data:`simcc.records.STAFFING_FIELDS`)."""
        return staffing_frame(self.recorder)

    def metrics(self) -> dict[str, float]:
        """Every metric of MODEL.md §4 for this replication (``offered`` included)."""
        if self._metrics is None:
            self._metrics = _metrics.compute(
                self.recorder.contact_arrays(),
                self.recorder.agent_arrays(),
                self.recorder.staffing_arrays(),
                _metrics.Window.of(self.scenario),
            )
        return self._metrics

    @property
    def info(self) -> dict[str, Any]:
        """Provenance: scenario, seed, versions, run time."""
        return provenance(self.scenario, self.seed) | {
            "replication": self.replication,
            "wall_time_s": self.wall_time,
            "stopped_early": self.stopped_early,
        }


def provenance(scenario: Scenario, seed: int) -> dict[str, Any]:
    """What a result was made from: scenario name, seed and versions."""
    import simpy

    return {
        "scenario": scenario.display_name,
        "seed": seed,
        "simcc": __version__,
        "simpy": simpy.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    replication: int = 0,
    *,
    max_contacts: int | None = None,
    wall_clock: float | None = None,
) -> Result:
    """Run one replication of ``scenario`` (seed: the scenario's unless given)."""
    from simcc.model.center import Center

    seed = scenario.seed if seed is None else seed
    started = time.perf_counter()
    recorder = Recorder(names_of(scenario))
    center = Center(scenario, Streams(seed, replication), recorder, max_contacts=max_contacts)
    center.run(drain=scenario.drain, wall_clock=wall_clock)
    return Result(
        scenario, seed, replication, recorder, time.perf_counter() - started, center.stopped_early
    )


# ============================================================================ replications


@dataclass(frozen=True)
class Task:
    """One replication to run: everything a worker process needs."""

    scenario: Scenario
    seed: int
    replication: int
    key: tuple[Any, ...] = ()
    keep_records: bool = False


@dataclass
class TaskResult:
    """What a worker sends back: the metrics row and, if asked, the records."""

    key: tuple[Any, ...]
    replication: int
    metrics: dict[str, float]
    wall_time: float
    records: dict[str, pd.DataFrame] | None = None


def run_task(task: Task) -> TaskResult:
    """Run one task (in whatever process the executor chose)."""
    result = simulate(task.scenario, task.seed, task.replication)
    records = None
    if task.keep_records:
        records = {
            "contacts": result.contacts,
            "agents": result.agents,
            "transfers": result.transfers,
        }
    return TaskResult(task.key, task.replication, result.metrics(), result.wall_time, records)


class Executor(Protocol):
    """Runs tasks and yields their results as they finish (in any order)."""

    def map_unordered(
        self, fn: Callable[[Task], TaskResult], tasks: list[Task]
    ) -> Iterator[TaskResult]: ...


class SerialExecutor:
    """Runs tasks one after another in this process."""

    def map_unordered(
        self, fn: Callable[[Task], TaskResult], tasks: list[Task]
    ) -> Iterator[TaskResult]:
        for task in tasks:
            yield fn(task)


class ProcessExecutor:
    """Runs tasks in a pool of local worker processes."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or os.cpu_count() or 1

    def map_unordered(
        self, fn: Callable[[Task], TaskResult], tasks: list[Task]
    ) -> Iterator[TaskResult]:
        if self.jobs <= 1 or len(tasks) <= 1:
            yield from SerialExecutor().map_unordered(fn, tasks)
            return
        import multiprocessing

        context = multiprocessing.get_context("spawn" if os.name != "posix" else "forkserver")
        with ProcessPoolExecutor(
            max_workers=min(self.jobs, len(tasks)), mp_context=context
        ) as pool:
            pending: set[Future[TaskResult]] = set()
            queue = iter(tasks)
            try:
                for task in queue:
                    pending.add(pool.submit(fn, task))
                    if len(pending) >= 2 * self.jobs:
                        break
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield future.result()
                    for task in queue:
                        pending.add(pool.submit(fn, task))
                        if len(pending) >= 2 * self.jobs:
                            break
            finally:
                for future in pending:
                    future.cancel()


class DaskExecutor:
    """Runs tasks on a Dask distributed cluster (``tcp://host:port`` or a Client)."""

    def __init__(self, scheduler: Any) -> None:
        from dask.distributed import Client

        self.client = scheduler if isinstance(scheduler, Client) else Client(scheduler)

    def map_unordered(
        self, fn: Callable[[Task], TaskResult], tasks: list[Task]
    ) -> Iterator[TaskResult]:
        from dask.distributed import as_completed

        futures = self.client.map(fn, tasks, pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def executor_for(jobs: int | None = None, scheduler: Any = None) -> Executor:
    """The executor for ``--jobs`` / ``--scheduler``."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    return ProcessExecutor(jobs)


@dataclass
class Replications:
    """Many replications of one scenario: a metrics row each, and their summary."""

    scenario: Scenario
    seed: int
    table: pd.DataFrame
    wall_time: float
    records: dict[str, pd.DataFrame] | None = None

    @property
    def n(self) -> int:
        return len(self.table)

    def summary(self, level: float = 0.95) -> dict[str, Estimate]:
        """Each metric's mean, std and Student-t confidence interval over replications."""
        return {
            name: estimate(self.table[name].to_numpy(), level)
            for name in self.table.columns
            if name != "replication"
        }

    def summary_frame(self, level: float = 0.95) -> pd.DataFrame:
        """The summary as a DataFrame, one row per metric."""
        rows = {name: e.as_dict() | {"n": e.n} for name, e in self.summary(level).items()}
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_json(self) -> dict[str, Any]:
        """The ``summary.json`` document of MODEL.md §6."""
        return {
            "scenario": self.scenario.display_name,
            "seed": self.seed,
            "replications": self.n,
            "metrics": {name: _clean(e.as_dict()) for name, e in self.summary().items()},
            "provenance": provenance(self.scenario, self.seed) | {"wall_time_s": self.wall_time},
        }


def _clean(values: dict[str, float]) -> dict[str, float | None]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in values.items()}


def replicate(
    scenario: Scenario,
    n: int | None = None,
    seed: int | None = None,
    *,
    jobs: int | None = None,
    scheduler: Any = None,
    keep_records: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Replications:
    """Run ``n`` independent replications (the scenario's count unless given)."""
    n = scenario.replications if n is None else n
    seed = scenario.seed if seed is None else seed
    tasks = [Task(scenario, seed, i, (), keep_records) for i in range(n)]
    started = time.perf_counter()
    results = sorted(
        _collect(
            executor_for(jobs, scheduler).map_unordered(run_task, tasks), len(tasks), progress
        ),
        key=lambda r: r.replication,
    )
    table = pd.DataFrame([{"replication": r.replication} | r.metrics for r in results])
    records = None
    if keep_records:
        records = {
            name: pd.concat(
                [r.records[name].assign(replication=r.replication) for r in results if r.records],
                ignore_index=True,
            )
            for name in ("contacts", "agents", "transfers")
        }
    return Replications(scenario, seed, table, time.perf_counter() - started, records)


def _collect(
    results: Iterable[TaskResult], total: int, progress: Callable[[int, int], None] | None
) -> list[TaskResult]:
    out = []
    for result in results:
        out.append(result)
        if progress is not None:
            progress(len(out), total)
    return out
