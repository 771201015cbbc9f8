"""Running scenarios: one replication, many replications, on any executor.

- :func:`simulate` runs one replication and returns a :class:`Result` with the
  records as DataFrames and its metrics.
- :func:`replicate` runs ``n`` replications (in parallel processes by default)
  and returns a :class:`Replications` with a row of metrics per replication
  and their summary with confidence intervals.  It can stop early
  (``max_contacts``, ``wall_clock``, Ctrl-C) and keeps what was measured.

- An *executor* runs replications somewhere: :class:`SerialExecutor` (this
  process), :class:`ProcessExecutor` (local worker processes, ``--jobs``) or
  :class:`DaskExecutor` (a Dask distributed cluster, ``--scheduler``).  All
  three have one interface, ``map_unordered(run_task, tasks)``, and are
  context managers; :func:`executor_for` picks one from the command options.

Replication *i* of a run seeded *s* always draws from the same streams
(:mod:`simcc.rng`), so results are identical bit for bit whatever the
executor or the number of processes.  Comparisons, sweeps and the staffing
search build on these pieces (:mod:`simcc.experiments`).
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import signal
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, Self, overload

import numpy as np
import pandas as pd

from simcc._version import __version__
from simcc.analysis import metrics as _metrics
from simcc.records import (
    Names,
    Recorder,
    agents_frame,
    contacts_frame,
    legs_frame,
    staffing_frame,
)
from simcc.rng import Streams
from simcc.scenario import HANDOFF_POLICIES, Scenario

if TYPE_CHECKING:
    from simcc.analysis.stats import Estimate


def names_of(scenario: Scenario) -> Names:
    """The name lists record codes refer to."""
    return Names(
        pools=tuple(scenario.pools),
        call_types=tuple(scenario.call_types),
        segments=tuple(scenario.segments),
        policies=HANDOFF_POLICIES,
        needs=("", *dict.fromkeys(n for ct in scenario.call_types.values() for n in ct.needs)),
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
        """One row per contact (fields: docs/records.md, :data:`simcc.records.CONTACTS`)."""
        s = self.scenario
        return contacts_frame(self.recorder, s.warmup, s.horizon)

    @property
    def agents(self) -> pd.DataFrame:
        """One row per agent busy interval (fields: :data:`simcc.records.AGENTS`)."""
        return agents_frame(self.recorder)

    @property
    def transfers(self) -> pd.DataFrame:
        """One row per hand-off (fields: :data:`simcc.records.HANDOFFS`)."""
        return legs_frame(self.recorder)

    @property
    def staffing(self) -> pd.DataFrame:
        """One row per staffing change (fields: :data:`simcc.records.STAFFING`)."""
        return staffing_frame(self.recorder)

    @overload
    def metrics(self, by: None = None) -> dict[str, float]: ...

    @overload
    def metrics(self, by: str) -> dict[str, dict[str, float]]: ...

    def metrics(self, by: str | None = None) -> Any:
        """Every metric of MODEL.md §4 and §10 for this replication (``offered`` included).

        With ``by`` (``call_type``, ``segment`` or ``need``): the same metrics over each
        group's contacts, by group name (``(none)`` for contacts of a call type without needs).
        """
        if by is not None:
            rec = self.recorder
            names = {"call_type": rec.names.call_types, "segment": rec.names.segments}
            return _metrics.by_group(
                rec.contact_arrays(),
                rec.agent_arrays(),
                rec.staffing_arrays(),
                _metrics.Window.of(self.scenario),
                rec.handoff_arrays(),
                by,
                names.get(by, rec.names.needs),
            )
        if self._metrics is None:
            self._metrics = _metrics.compute(
                self.recorder.contact_arrays(),
                self.recorder.agent_arrays(),
                self.recorder.staffing_arrays(),
                _metrics.Window.of(self.scenario),
                self.recorder.handoff_arrays(),
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
    """One replication to run: everything a worker process needs.

    ``max_contacts`` and ``deadline`` (a ``time.time()`` after which no
    replication starts and a running one stops) cut a run short; what was
    measured up to then is kept.
    """

    scenario: Scenario
    seed: int
    replication: int
    key: tuple[Any, ...] = ()
    keep_records: bool = False
    max_contacts: int | None = None
    deadline: float | None = None
    by: tuple[str, ...] = ()  # groups to measure metrics by (MODEL.md §10)


@dataclass
class TaskResult:
    """What a worker sends back: the metrics row and, if asked, the records.

    ``skipped`` when the deadline had passed before the replication started
    (then there are no metrics); ``stopped_early`` says why a run was cut short.
    """

    key: tuple[Any, ...]
    replication: int
    metrics: dict[str, float]
    wall_time: float
    records: dict[str, pd.DataFrame] | None = None
    stopped_early: str | None = None
    skipped: bool = False
    groups: dict[str, dict[str, dict[str, float]]] | None = None  # by → group → metrics


def run_task(task: Task) -> TaskResult:
    """Run one task (in whatever process the executor chose)."""
    wall_clock = None
    if task.deadline is not None:
        remaining = task.deadline - time.time()
        if remaining <= 0:
            return TaskResult(task.key, task.replication, {}, 0.0, skipped=True)
        wall_clock = max(round(remaining, 2), 0.01)  # rounded: it is shown in the notes
    result = simulate(
        task.scenario,
        task.seed,
        task.replication,
        max_contacts=task.max_contacts,
        wall_clock=wall_clock,
    )
    records = None
    if task.keep_records:
        records = {
            "contacts": result.contacts,
            "agents": result.agents,
            "transfers": result.transfers,
        }
    return TaskResult(
        task.key,
        task.replication,
        result.metrics(),
        result.wall_time,
        records,
        result.stopped_early,
        groups={by: result.metrics(by=by) for by in task.by} or None,
    )


class ExecutorError(RuntimeError):
    """An executor that cannot run tasks (e.g. a Dask scheduler that cannot be reached)."""


class Executor(Protocol):
    """Runs tasks and yields their results as they finish (in any order).

    Every executor is a context manager: leaving the ``with`` block releases
    its workers, and leaving it through an exception (Ctrl-C included) stops
    tasks still running without waiting for them.  ``map_unordered`` may be
    called several times inside one ``with`` block; the workers are reused.
    """

    def map_unordered(
        self, fn: Callable[[Task], TaskResult], tasks: list[Task]
    ) -> Generator[TaskResult, None, None]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


class _Closing:
    """``with executor:`` keeps the workers for every ``map_unordered`` and closes them at
    the end; used without ``with``, each ``map_unordered`` releases them when it ends."""

    _entered = False

    def close(self) -> None:
        """Release the workers (nothing to release by default)."""

    def __enter__(self) -> Self:
        self._entered = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(_Closing):
    """Runs tasks one after another in this process."""

    def map_unordered(
        self, fn: Callable[[Task], TaskResult], tasks: list[Task]
    ) -> Generator[TaskResult, None, None]:
        for task in tasks:
            yield fn(task)


def _ignore_interrupts() -> None:
    """Worker initializer: Ctrl-C is the parent's to handle; it stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


WORKER_MODULES = ("simcc.runner", "simcc.model.center", "simcc.analysis.metrics")
"""What a worker process imports before its first task."""


def available_cores() -> int:
    """Cores this process may run on (the default for ``--jobs``)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class ProcessExecutor(_Closing):
    """Runs tasks in a pool of local worker processes (``jobs``; default all cores).

    At most ``2 × jobs`` tasks are handed to the workers at a time, so an
    interruption loses at most the replications that were running.  With one
    job (or one task) the tasks run in this process.
    """

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or available_cores()
        self._pool: ProcessPoolExecutor | None = None

    def map_unordered(
        self, fn: Callable[[Task], TaskResult], tasks: list[Task]
    ) -> Generator[TaskResult, None, None]:
        if self.jobs <= 1 or (len(tasks) <= 1 and self._pool is None):
            yield from SerialExecutor().map_unordered(fn, tasks)
            return
        pool = self._workers()
        pending: set[Future[TaskResult]] = set()
        queue = iter(tasks)
        finished = False
        try:
            self._top_up(pool, fn, queue, pending)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield _result(future)
                self._top_up(pool, fn, queue, pending)
            finished = True
        finally:
            if not finished:
                self._abort(pending)
            elif not self._entered:
                self.close()

    def _top_up(
        self,
        pool: ProcessPoolExecutor,
        fn: Callable[[Task], TaskResult],
        queue: Iterator[Task],
        pending: set[Future[TaskResult]],
    ) -> None:
        while len(pending) < 2 * self.jobs:
            task = next(queue, None)
            if task is None:
                return
            pending.add(pool.submit(fn, task))

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
            if os.name == "posix":
                # The fork server imports the engine once; each worker forks from it ready.
                context.set_forkserver_preload(list(WORKER_MODULES))
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=context,
                initializer=_ignore_interrupts,
            )
        return self._pool

    def _abort(self, pending: set[Future[TaskResult]]) -> None:
        """Stop at once: cancel what has not started, end the workers running the rest."""
        for future in pending:
            future.cancel()
        if self._pool is None or not any(f.running() for f in pending):
            return
        pool, self._pool = self._pool, None
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)

    def close(self) -> None:
        """Let the workers finish and exit."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[TaskResult]) -> TaskResult:
    try:
        return future.result()
    except BrokenProcessPool:
        raise ExecutorError(
            "a worker process stopped unexpectedly (out of memory, or killed); "
            "replications that had finished are kept"
        ) from None


class DaskExecutor(_Closing):
    """Runs tasks on a Dask distributed cluster.

    ``scheduler`` is an address (``tcp://host:port``), a
    ``dask.distributed.Client`` (left open at the end) or a cluster object
    such as ``LocalCluster`` (a client is made for it and closed at the end).
    Every worker needs simcc installed at the same version.
    """

    def __init__(self, scheduler: Any, timeout: float = 10.0) -> None:
        from dask.distributed import Client

        self._own = not isinstance(scheduler, Client)
        if not self._own:
            self.client = scheduler
            return
        try:
            self.client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc or type(exc).__name__}"
            ) from None

    def map_unordered(
        self, fn: Callable[[Task], TaskResult], tasks: list[Task]
    ) -> Generator[TaskResult, None, None]:
        from dask.distributed import as_completed

        if not tasks:
            return
        futures = self.client.map(fn, tasks, pure=False)
        try:
            for future in as_completed(futures, loop=self.client.loop):
                yield future.result()
        finally:
            unfinished = [f for f in futures if not f.done()]
            if unfinished:
                self.client.cancel(unfinished)

    def close(self) -> None:
        """Close the client if this executor made it."""
        if self._own:
            self.client.close()


def executor_for(jobs: int | None = None, scheduler: Any = None) -> Executor:
    """The executor for ``--jobs`` / ``--scheduler`` (Dask when a scheduler is given)."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    return ProcessExecutor(jobs)


@dataclass
class Replications:
    """Many replications of one scenario: a metrics row each, and their summary.

    After an early stop (:func:`replicate`'s ``max_contacts`` or
    ``wall_clock``, or Ctrl-C) it holds what was measured, and says what was
    cut short: :meth:`notes` in words, the fields below in data.
    """

    scenario: Scenario
    seed: int
    table: pd.DataFrame
    wall_time: float
    records: dict[str, pd.DataFrame] | None = None
    requested: int = 0
    """Replications asked for (0 when built by hand: as many as ran or were skipped)."""
    stopped_early: dict[int, str] = field(default_factory=dict)
    """Replication → why it was cut short (its numbers cover the contacts up to the stop)."""
    skipped: int = 0
    """Replications never started: the wall clock had run out."""
    interrupted: bool = False
    """Ctrl-C (or SIGTERM under the command line) stopped the run."""
    groups: dict[str, list[dict[str, dict[str, float]]]] = field(default_factory=dict)
    """By → one {group: metrics} per replication, in replication order (``replicate(by=…)``)."""

    def __post_init__(self) -> None:
        if not self.requested:
            self.requested = self.n + self.skipped

    @property
    def n(self) -> int:
        return len(self.table)

    @classmethod
    def from_results(
        cls,
        scenario: Scenario,
        seed: int,
        results: list[TaskResult],
        wall_time: float,
        *,
        requested: int = 0,
        interrupted: bool = False,
    ) -> Replications:
        """Assemble task results (in any order; skipped ones are counted, not kept)."""
        skipped = sum(r.skipped for r in results)
        results = sorted((r for r in results if not r.skipped), key=lambda r: r.replication)
        table = pd.DataFrame([{"replication": r.replication} | r.metrics for r in results])
        records = None
        if any(r.records for r in results):
            records = {
                name: pd.concat(
                    [
                        r.records[name].assign(replication=r.replication)
                        for r in results
                        if r.records
                    ],
                    ignore_index=True,
                )
                for name in ("contacts", "agents", "transfers")
            }
        stopped = {r.replication: r.stopped_early for r in results if r.stopped_early}
        groups: dict[str, list[dict[str, dict[str, float]]]] = {}
        for r in results:
            for by, metrics in (r.groups or {}).items():
                groups.setdefault(by, []).append(metrics)
        return cls(
            scenario,
            seed,
            table,
            wall_time,
            records,
            requested,
            stopped,
            skipped,
            interrupted,
            groups,
        )

    def summary_by(self, by: str, level: float = 0.95) -> dict[str, dict[str, Estimate]]:
        """Every metric's estimate over replications within each group (``call_type``,
        ``segment`` or ``need``), by group name; needs ``replicate(..., by=[by])``.

        A group absent from a replication (no contact of it arrived) has no row there.
        """
        from simcc.analysis.stats import estimate

        if by not in self.groups:
            raise ValueError(f"no metrics by {by!r}: run replicate(..., by=[{by!r}])")
        names = list(dict.fromkeys(g for rep in self.groups[by] for g in rep))
        out: dict[str, dict[str, Estimate]] = {}
        for name in names:
            rows = pd.DataFrame([rep[name] for rep in self.groups[by] if name in rep])
            out[name] = {m: estimate(rows[m].to_numpy(), level) for m in rows.columns}
        return out

    def notes(self) -> list[str]:
        """What was cut short, one line each (for the terminal and ``summary.json``)."""
        notes = [f"replication {i}: {why}" for i, why in sorted(self.stopped_early.items())]
        if self.skipped:
            notes.append(
                f"{self.skipped} of {self.requested} replication(s) not started: "
                "the wall-clock limit was reached"
            )
        if self.interrupted:
            notes.append(f"interrupted after {self.n} of {self.requested} replication(s)")
        return notes

    def summary(self, level: float = 0.95) -> dict[str, Estimate]:
        """Each metric's mean, std and Student-t confidence interval over replications."""
        from simcc.analysis.stats import estimate

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
            "replications_requested": self.requested,
            "stopped_early": self.notes() or None,
        } | self._by_json()

    def _by_json(self) -> dict[str, Any]:
        """``{"by": {by: {group: {metric: estimate}}}}`` when metrics were asked by group."""
        if not self.groups:
            return {}
        return {
            "by": {
                by: {
                    group: {name: _clean(e.as_dict()) for name, e in metrics.items()}
                    for group, metrics in self.summary_by(by).items()
                }
                for by in self.groups
            }
        }


def _clean(values: dict[str, float]) -> dict[str, float | None]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in values.items()}


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM under the command line) stopped :func:`replicate`.

    ``replications`` holds the ones that had finished (``n`` may be 0).  A
    ``KeyboardInterrupt``, so code that does not look for it stops as before.
    """

    def __init__(self, replications: Replications) -> None:
        super().__init__(replications.notes()[-1])
        self.replications = replications


def replicate(
    scenario: Scenario,
    n: int | None = None,
    seed: int | None = None,
    *,
    jobs: int | None = None,
    scheduler: Any = None,
    keep_records: bool = False,
    progress: Callable[[int, int], None] | None = None,
    max_contacts: int | None = None,
    wall_clock: float | None = None,
    by: Sequence[str] = (),
) -> Replications:
    """Run ``n`` independent replications (the scenario's count unless given).

    Args:
        scenario: the centre to simulate.
        n, seed: replications and seed (defaults: the scenario's).
        jobs: local worker processes (default: all cores; 1 runs in this process).
        scheduler: a Dask scheduler address, client or cluster, instead of local processes.
        keep_records: also keep every replication's records (``.records``).
        progress: called as ``progress(done, total)`` after each replication.
        max_contacts: stop each replication's arrivals after this many contacts; the
            contacts already in the system finish, and the numbers cover them
            (occupancy and cost are over the whole window, so they read low).
        wall_clock: seconds of real time for the whole run: no replication starts
            after that, and one still running stops then (its contacts still in
            the system count as ``unfinished``).
        by: also measure every metric by these groups (``call_type``, ``segment``,
            ``need``): :meth:`Replications.summary_by`.

    What was measured before an early stop is kept: ``.stopped_early`` names
    the replications cut short, ``.skipped`` counts those never started (``n``
    may then be 0) and ``.notes()`` says both in words.  Ctrl-C raises
    :class:`Interrupted`, which carries the replications that had finished.
    """
    n = scenario.replications if n is None else n
    seed = scenario.seed if seed is None else seed
    if max_contacts is not None and max_contacts < 1:
        raise ValueError(f"max_contacts must be at least 1, got {max_contacts}")
    if wall_clock is not None and not wall_clock > 0:
        raise ValueError(f"wall_clock must be > 0 seconds, got {wall_clock:g}")
    deadline = None if wall_clock is None else time.time() + wall_clock
    tasks = [
        Task(scenario, seed, i, (), keep_records, max_contacts, deadline, tuple(by))
        for i in range(n)
    ]
    results: list[TaskResult] = []
    started = time.perf_counter()
    try:
        # leaving the block through Ctrl-C stops the workers without waiting for them
        with (
            executor_for(jobs, scheduler) as executor,
            contextlib.closing(executor.map_unordered(run_task, tasks)) as finished,
        ):
            for result in finished:
                results.append(result)
                if progress is not None:
                    progress(len(results), n)
    except KeyboardInterrupt:
        reps = Replications.from_results(
            scenario, seed, results, time.perf_counter() - started, requested=n, interrupted=True
        )
        raise Interrupted(reps) from None
    return Replications.from_results(
        scenario, seed, results, time.perf_counter() - started, requested=n
    )
