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
  How local workers start and stop is :mod:`simcc.workers`.

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
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, Self, overload

import numpy as np
import pandas as pd

from simcc._version import __version__
from simcc.analysis import metrics as _metrics
from simcc.analysis.metrics import Totals
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
from simcc.workers import WORKER_MODULES, available_cores, start_method, start_worker

if TYPE_CHECKING:
    from simcc.analysis.stats import Adjusted, Estimate


def names_of(scenario: Scenario) -> Names:
    """The name lists record codes refer to."""
    return Names(
        pools=tuple(scenario.pools),
        call_types=tuple(scenario.call_types),
        segments=tuple(scenario.segments),
        policies=HANDOFF_POLICIES,
        groups=tuple(tuple(p.groups or ()) for p in scenario.pools.values()),
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
    _totals: Totals | None = field(default=None, repr=False)

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
            self._metrics, self._totals = _metrics.measure(
                self.recorder.contact_arrays(),
                self.recorder.agent_arrays(),
                self.recorder.staffing_arrays(),
                _metrics.Window.of(self.scenario),
                self.recorder.handoff_arrays(),
            )
            if any(pool.groups for pool in self.scenario.pools.values()):
                from simcc.analysis.group_metrics import compute_groups

                contacts, agents = self.recorder.contact_arrays(), self.recorder.agent_arrays()
                self._metrics |= compute_groups(contacts, agents, self.scenario)
        return self._metrics

    def totals(self) -> Totals:
        """Each ratio metric's ``(numerator, denominator)``, for ratio-of-totals estimators."""
        self.metrics()
        assert self._totals is not None
        return self._totals

    def controls(self) -> tuple[float, ...]:
        """The control variates of :mod:`simcc.analysis.controls` in this replication."""
        from simcc.analysis.controls import observed_controls

        values = observed_controls(
            self.scenario, self.seed, self.replication, self.recorder.contact_arrays()
        )
        return tuple(float(v) for v in values)

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

    seed = scenario.seed if seed is None else check_seed(seed)
    check_limits(max_contacts, wall_clock)
    started = time.perf_counter()
    recorder = Recorder(names_of(scenario))
    center = Center(scenario, Streams(seed, replication), recorder, max_contacts=max_contacts)
    center.run(drain=scenario.drain, wall_clock=wall_clock)
    return Result(
        scenario, seed, replication, recorder, time.perf_counter() - started, center.stopped_early
    )


def check_seed(seed: object) -> int:
    """``seed`` as an int, or a ValueError saying what a seed must be."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0, got {seed!r}")
    return int(seed)


def check_replications(n: object) -> int:
    """``n`` replications as an int, or a ValueError (1 to the scenario file's limit)."""
    from simcc.scenario import MAX_REPLICATIONS

    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_REPLICATIONS:
        raise ValueError(
            f"replications must be a whole number from 1 to {MAX_REPLICATIONS}, got {n!r}"
        )
    return int(n)


def check_limits(max_contacts: object, wall_clock: object) -> None:
    """ValueError for a ``max_contacts`` below 1 or a ``wall_clock`` that is not > 0 seconds."""
    if max_contacts is not None and (
        isinstance(max_contacts, bool)
        or not isinstance(max_contacts, int | np.integer)
        or max_contacts < 1
    ):
        raise ValueError(f"max_contacts must be at least 1 (a whole number), got {max_contacts!r}")
    if wall_clock is not None and not (
        isinstance(wall_clock, int | float) and not isinstance(wall_clock, bool) and wall_clock > 0
    ):
        raise ValueError(f"wall_clock must be > 0 seconds, got {wall_clock!r}")


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
    controls: bool = False
    """Also measure the control variates (:mod:`simcc.analysis.controls`)."""
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
    totals: Totals = field(default_factory=dict)
    """Each ratio metric's numerator and denominator (:meth:`Result.totals`)."""
    controls: tuple[float, ...] | None = None
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
        totals=result.totals(),
        controls=result.controls() if task.controls else None,
        groups={by: result.metrics(by=by) for by in task.by} or None,
    )


class ExecutorError(RuntimeError):
    """An executor that cannot run tasks (e.g. a Dask scheduler that cannot be reached)."""


class SchedulerAddressError(ExecutorError, ValueError):
    """A ``scheduler`` that is not a Dask address at all (bad input, found before any work)."""


def check_scheduler_address(address: str) -> str:
    """``address`` if it reads as a Dask scheduler address (``tcp://host:8786``…)."""
    from distributed.comm import get_address_host_port, parse_address

    try:
        scheme, _ = parse_address(address)
        if scheme in ("tcp", "tls", "ws", "wss"):
            get_address_host_port(address)
    except (ValueError, TypeError) as exc:
        raise SchedulerAddressError(
            f"{address!r} is not a Dask scheduler address ({exc}); expected e.g. tcp://host:8786"
        ) from None
    return address


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


class ProcessExecutor(_Closing):
    """Runs tasks in a pool of local worker processes (``jobs``; default all cores).

    At most ``2 × jobs`` tasks are handed to the workers at a time, so an
    interruption loses at most the replications that were running.  With one
    job (or one task) the tasks run in this process.
    """

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or available_cores()
        self._pool: ProcessPoolExecutor | None = None
        self._method = start_method()

    def map_unordered(
        self, fn: Callable[[Task], TaskResult], tasks: list[Task]
    ) -> Generator[TaskResult, None, None]:
        serial = self.jobs <= 1 or self._method is None
        if serial or (len(tasks) <= 1 and self._pool is None):
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

            context = multiprocessing.get_context(self._method)
            if self._method == "forkserver":
                # The fork server imports the engine once; each worker forks from it ready.
                context.set_forkserver_preload(list(WORKER_MODULES))
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=context,
                initializer=start_worker,
                initargs=(os.getpid(),),
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
        if isinstance(scheduler, str):
            check_scheduler_address(scheduler)  # a bad one would leave a client hanging 20 s
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


ESTIMATORS = ("mean", "ratio", "control-variates")
"""How :meth:`Replications.summary` estimates a metric over replications:

- ``mean``: the mean of the replications' values (of each replication's ratio,
  for a rate), with a Student-t CI — the default;
- ``ratio``: for a ratio metric, the ratio of totals over replications
  (``Σ numerators / Σ denominators``) with a delta-method CI; other metrics
  (counts) as ``mean``;
- ``control-variates``: the mean adjusted by the controls of
  :mod:`simcc.analysis.controls`, with its CI on ``n − 1 − q`` degrees of freedom.
"""


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
    totals: pd.DataFrame | None = None
    """Per replication, each ratio metric's numerator and denominator (columns
    ``NAME.num``, ``NAME.den``), in the rows of ``table``."""
    controls: pd.DataFrame | None = None
    """Per replication, the control variates (:data:`simcc.analysis.controls.CONTROLS`)."""
    estimator: str = "mean"
    """The default estimator of :meth:`summary` (one of :data:`ESTIMATORS`)."""
    precision: dict[str, float] = field(default_factory=dict)
    """The half-widths :func:`replicate` was asked to reach (metric → half-width)."""
    groups: dict[str, list[dict[str, dict[str, float]]]] = field(default_factory=dict)
    """By → one {group: metrics} per replication, in replication order (``replicate(by=…)``)."""

    def __post_init__(self) -> None:
        if not self.requested:
            self.requested = self.n + self.skipped
        if self.estimator not in ESTIMATORS:
            raise ValueError(
                f"estimator must be one of {', '.join(ESTIMATORS)}, got {self.estimator!r}"
            )

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
        estimator: str = "mean",
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
        reps = cls(
            scenario, seed, table, wall_time, records, requested, stopped, skipped, interrupted
        )
        reps.totals = totals_frame([r.replication for r in results], [r.totals for r in results])
        if results and all(r.controls is not None for r in results):
            from simcc.analysis.controls import CONTROLS

            reps.controls = pd.DataFrame([r.controls for r in results], columns=list(CONTROLS))
        reps.estimator = estimator
        reps.groups = groups
        return reps

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

    def summary(self, level: float = 0.95, estimator: str | None = None) -> dict[str, Estimate]:
        """Each metric's estimate, std and confidence interval over replications.

        ``estimator`` (default: :attr:`estimator`) is one of :data:`ESTIMATORS`.
        """
        from simcc.analysis.stats import estimate, ratio_estimate

        how = self._estimator(estimator)
        names = [name for name in self.table.columns if name != "replication"]
        if how == "control-variates":
            return {name: a.estimate for name, a in self._adjusted(level).items()}
        out = {}
        for name in names:
            if how == "ratio" and self.totals is not None and f"{name}.num" in self.totals:
                num, den = self.totals[f"{name}.num"], self.totals[f"{name}.den"]
                out[name] = ratio_estimate(num.to_numpy(), den.to_numpy(), level)
            else:
                out[name] = estimate(self.table[name].to_numpy(), level)
        return out

    def variance_reduction(self, level: float = 0.95) -> dict[str, float]:
        """Per metric, variance of the plain mean ÷ that of the control-variates estimate."""
        return {name: a.variance_reduction for name, a in self._adjusted(level).items()}

    def _estimator(self, estimator: str | None) -> str:
        how = self.estimator if estimator is None else estimator
        if how not in ESTIMATORS:
            raise ValueError(f"estimator must be one of {', '.join(ESTIMATORS)}, got {how!r}")
        if how == "ratio" and self.totals is None:
            raise ValueError("the ratio estimator needs the replications' totals (.totals)")
        if how == "control-variates" and self.controls is None:
            raise ValueError(
                "the control-variates estimator needs the controls: "
                "replicate(..., estimator='control-variates')"
            )
        return how

    def _adjusted(self, level: float) -> dict[str, Adjusted]:
        from simcc.analysis.controls import control_means
        from simcc.analysis.stats import control_variate_estimate

        self._estimator("control-variates")
        assert self.controls is not None
        controls = self.controls.to_numpy()
        means = control_means(self.scenario)
        return {
            name: control_variate_estimate(self.table[name].to_numpy(), controls, means, level)
            for name in self.table.columns
            if name != "replication"
        }

    def summary_frame(self, level: float = 0.95) -> pd.DataFrame:
        """The summary as a DataFrame, one row per metric."""
        rows = {name: e.as_dict() | {"n": e.n} for name, e in self.summary(level).items()}
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_json(self) -> dict[str, Any]:
        """The ``summary.json`` document of MODEL.md §6 (``estimator`` says how the
        metrics were estimated; a control-variates run also gives each metric's
        ``variance_reduction``)."""
        metrics = {name: _clean(e.as_dict()) for name, e in self.summary().items()}
        if self.estimator == "control-variates":
            for name, factor in self.variance_reduction().items():
                metrics[name]["variance_reduction"] = _clean({"f": factor})["f"]
        document = {
            "scenario": self.scenario.display_name,
            "seed": self.seed,
            "replications": self.n,
            "metrics": metrics,
            "provenance": provenance(self.scenario, self.seed) | {"wall_time_s": self.wall_time},
            "replications_requested": self.requested,
            "stopped_early": self.notes() or None,
            "estimator": self.estimator,
        }
        if self.precision:
            document["precision"] = self.precision_status()
        return document | self._by_json()

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

    def precision_status(self, level: float = 0.95) -> dict[str, dict[str, float | bool]]:
        """Per metric of :attr:`precision`: the target half-width, the one reached, and
        whether it was reached."""
        summary = self.summary(level)
        out: dict[str, dict[str, float | bool]] = {}
        for name, target in self.precision.items():
            reached = summary[name].half_width if name in summary else math.nan
            out[name] = {
                "target": target,
                "half_width": None if math.isnan(reached) else reached,  # type: ignore[dict-item]
                "reached": bool(reached <= target),
            }
        return out


def totals_frame(replications: list[int], totals: list[Totals]) -> pd.DataFrame:
    """The totals of several replications as a table: ``NAME.num``, ``NAME.den`` columns."""
    rows = [_metrics.flat_totals(t) for t in totals]
    return pd.DataFrame(rows, index=pd.Index(replications, name="replication"))


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
    estimator: str = "mean",
    precision: dict[str, float] | None = None,
    max_replications: int | None = None,
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
        estimator: how the summary estimates each metric (:data:`ESTIMATORS`):
            ``"mean"`` (default), ``"ratio"`` (ratio of totals, delta-method CIs) or
            ``"control-variates"`` (which also measures the controls).
        precision: ``{metric: half_width}``: after the first ``n`` replications, run
            more in batches until every named 95 % CI half-width (under
            ``estimator``) is reached, or ``max_replications`` have run.
            Replication *i* is the same whatever the batches, so the result is the
            same at any ``jobs``.
        max_replications: the most replications ``precision`` may run (default 10 × n).
        by: also measure every metric by these groups (``call_type``, ``segment``,
            ``need``): :meth:`Replications.summary_by`.

    What was measured before an early stop is kept: ``.stopped_early`` names
    the replications cut short, ``.skipped`` counts those never started (``n``
    may then be 0) and ``.notes()`` says both in words.  Ctrl-C raises
    :class:`Interrupted`, which carries the replications that had finished.
    """
    n = scenario.replications if n is None else check_replications(n)
    seed = scenario.seed if seed is None else check_seed(seed)
    check_limits(max_contacts, wall_clock)
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {', '.join(ESTIMATORS)}, got {estimator!r}")
    from simcc.analysis.precision import check_precision

    precision = dict(precision or {})
    limit = check_precision(scenario, n, precision, max_replications)
    deadline = None if wall_clock is None else time.time() + wall_clock
    controls = estimator == "control-variates"
    template = Task(
        scenario, seed, 0, (), keep_records, max_contacts, deadline, controls, tuple(by)
    )
    run = _Batches(template, estimator, precision, limit, progress)
    try:
        # leaving the block through Ctrl-C stops the workers without waiting for them
        with executor_for(jobs, scheduler) as executor:
            return run.until_done(executor, n)
    except KeyboardInterrupt:
        raise Interrupted(run.replications(interrupted=True)) from None


class _Batches:
    """The replications of one :func:`replicate` call: ``0..n−1``, then (with a
    precision target) batches that extend the range until it is reached."""

    def __init__(
        self,
        template: Task,
        estimator: str,
        precision: dict[str, float],
        limit: int,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.template, self.estimator = template, estimator
        self.precision, self.limit, self.progress = precision, limit, progress
        self.results: list[TaskResult] = []
        self.planned = 0
        self.started = time.perf_counter()

    def until_done(self, executor: Executor, n: int) -> Replications:
        from simcc.analysis.precision import next_batch

        more = n
        while more:
            first, self.planned = self.planned, self.planned + more
            batch = [replace(self.template, replication=i) for i in range(first, self.planned)]
            with contextlib.closing(executor.map_unordered(run_task, batch)) as finished:
                for result in finished:
                    self.results.append(result)
                    if self.progress is not None:
                        self.progress(len(self.results), self.planned)
            reps = self.replications()
            cut_short = reps.skipped or reps.stopped_early  # a limit ended the run
            more = (
                0
                if cut_short or not self.precision
                else next_batch(reps, self.precision, self.limit)
            )
        return reps

    def replications(self, interrupted: bool = False) -> Replications:
        t = self.template
        reps = Replications.from_results(
            t.scenario,
            t.seed,
            self.results,
            time.perf_counter() - self.started,
            requested=self.planned,
            interrupted=interrupted,
            estimator=self.estimator,
        )
        reps.precision = self.precision
        return reps
