"""Running the replications of an experiment: points × replications on one executor.

An experiment (a comparison, a sweep, a staffing search) is a list of
*points*: scenarios to simulate, each under a name the experiment gives it (a
variant, a grid point, a staffing).  Every point runs the same replications
0..n−1 with the same seed, so replication *i* of every point draws from the
same streams: common random numbers, and differences between points are
paired.

:class:`Engine` owns the executor for the whole experiment (a staffing search
asks for many small batches) and, under an output directory, the
:class:`~simcc.experiments.journal.Journal`: replications already in the
journal are not run again, and each new one is written there as it finishes.
Two points with the same scenario run once.

:class:`Execution` says how an experiment runs — where (local processes or a
Dask cluster), with which journal, and who hears of progress — as one value
that the command line builds once and every experiment function takes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypedDict, Unpack

import pandas as pd

from simcc.analysis.metrics import flat_groups, flat_totals
from simcc.experiments.journal import ExperimentError, Journal
from simcc.runner import Executor, Task, TaskResult, executor_for, run_task
from simcc.scenario import Scenario

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` when work starts and after each finished replication."""


@dataclass(frozen=True)
class Point:
    """One scenario of an experiment, and what the experiment calls it."""

    key: Hashable
    scenario: Scenario


def point_id(scenario: Scenario, seed: int) -> str:
    """A short hash of everything that decides a replication's numbers but its index."""
    text = json.dumps(
        {"scenario": scenario.model_dump(by_alias=True), "seed": seed},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def fingerprint(kind: str, points: Sequence[Point], seed: int) -> str:
    """A hash of an experiment's points in order (what ``--resume`` must find unchanged)."""
    text = json.dumps(
        {"experiment": kind, "points": [[repr(p.key), point_id(p.scenario, seed)] for p in points]}
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Engine:
    """Runs batches of points × replications; use it as a context manager.

    Args:
        jobs: local worker processes (default: all cores).
        scheduler: a Dask scheduler address or client (instead of local processes).
        journal: where finished replications go (and come from, when resuming).
        progress: ``progress(done, total)`` callback, e.g. a progress bar.
        executor: an executor to use instead of the one ``jobs``/``scheduler`` name.
        work: what a worker does with a task (default: simulate it and measure every
            metric, :func:`~simcc.runner.run_task`); any picklable function whose
            result's ``metrics`` is a flat ``{name: float}``.
    """

    def __init__(
        self,
        jobs: int | None = None,
        scheduler: Any = None,
        *,
        journal: Journal | None = None,
        progress: Progress | None = None,
        executor: Executor | None = None,
        work: Callable[[Task], TaskResult] = run_task,
    ) -> None:
        self._executor = executor
        self.work = work
        self._own_executor = executor is None
        self._jobs, self._scheduler = jobs, scheduler
        self.journal = journal
        self.progress = progress
        self.done = 0
        self.total = 0
        self.keep_totals = False
        """Also keep each ratio metric's numerator and denominator, as ``NAME.num`` and
        ``NAME.den`` beside the metrics (for ratio-of-totals estimators)."""
        self.by: tuple[str, ...] = ()
        """Also measure every metric by these groups, as ``NAME[by=group]`` columns."""
        self._memory: dict[tuple[str, int], dict[str, float]] = {}

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None and self._own_executor:
            self._executor.close()
            self._executor = None
        if self.journal is not None:
            self.journal.close()

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            self._executor = executor_for(self._jobs, self._scheduler)
        return self._executor

    def run(
        self, points: Sequence[Point], replications: int, seed: int
    ) -> list[list[dict[str, float]]]:
        """The metrics of each point's replications 0..n−1 (point order, then replication)."""
        ids = [point_id(p.scenario, seed) for p in points]
        copies = Counter(ids)
        scenarios = dict(zip(ids, (p.scenario for p in points), strict=True))
        known = self._known()
        tasks = [
            Task(scenarios[pid], seed, rep, (pid,), by=self.by)
            for pid in copies
            for rep in range(replications)
            if (pid, rep) not in known
        ]
        self.total += len(ids) * replications
        self.done += len(ids) * replications - sum(copies[t.key[0]] for t in tasks)
        self._report()
        if tasks:
            self._execute(tasks, copies)
        known = self._known()
        out = [[known[(pid, rep)] for rep in range(replications)] for pid in ids]
        self._memory.clear()  # without a journal the caller keeps what it needs
        return out

    def finish(self) -> None:
        """Mark the journal complete (call once every replication of the experiment is in)."""
        if self.journal is not None:
            self.journal.mark_complete()

    def _known(self) -> dict[tuple[str, int], dict[str, float]]:
        return self.journal.entries if self.journal is not None else self._memory

    def _execute(self, tasks: list[Task], copies: Counter[str]) -> None:
        with contextlib.closing(self.executor.map_unordered(self.work, tasks)) as finished:
            for result in finished:
                pid = result.key[0]
                metrics = result.metrics
                if self.keep_totals:
                    metrics = metrics | flat_totals(result.totals)
                if result.groups:
                    metrics = metrics | flat_groups(result.groups)
                if self.journal is not None:
                    self.journal.append(pid, result.replication, metrics)
                else:
                    self._memory[(pid, result.replication)] = metrics
                self.done += copies[pid]
                self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total)


@dataclass(frozen=True)
class Execution:
    """How an experiment runs; the same for a comparison, a sweep and a staffing search.

    Args:
        jobs: local worker processes (default: all cores; 1 runs in this process).
        scheduler: a Dask scheduler address, client or cluster, instead of local processes.
        journal: a file that keeps every finished replication
            (:mod:`simcc.experiments.journal`).
        resume: pick up the journal of an interrupted run; run only what it lacks.
        progress: ``progress(done, total)`` callback, e.g. a progress bar.
    """

    jobs: int | None = None
    scheduler: Any = None
    journal: str | Path | None = None
    resume: bool = False
    progress: Progress | None = None

    @classmethod
    def of(
        cls, execution: Execution | None = None, **options: Unpack[ExecutionOptions]
    ) -> Execution:
        """``execution`` (default: local processes, no journal) with ``options`` set on it."""
        return replace(execution or cls(), **options)

    def engine(
        self,
        kind: str,
        fingerprint: str,
        description: str,
        seed: int,
        work: Callable[[Task], TaskResult] = run_task,
    ) -> Engine:
        """An engine running this way (its workers doing ``work``); its journal (if any)
        is keyed by ``fingerprint``."""
        journal = open_journal(
            self.journal,
            self.resume,
            kind=kind,
            fingerprint=fingerprint,
            description=description,
            seed=seed,
        )
        return Engine(self.jobs, self.scheduler, journal=journal, progress=self.progress, work=work)


class ExecutionOptions(TypedDict, total=False):
    """The fields of :class:`Execution` as keywords: ``compare(..., jobs=2)``."""

    jobs: int | None
    scheduler: Any
    journal: str | Path | None
    resume: bool
    progress: Progress | None


def estimating_engine(
    name: str,
    points: list[Point],
    seed: int,
    execution: Execution,
    estimator: str = "mean",
    by: Sequence[str] = (),
) -> Engine:
    """An engine for a fixed list of points, keyed by their fingerprint, for an experiment
    called ``name`` (``"sweep"``…) whose summary uses ``estimator`` (``mean`` or ``ratio``:
    then each ratio's totals are kept too), measured also by the groups ``by``; both are
    part of the experiment's kind, so of its journal."""
    if estimator not in ("mean", "ratio"):
        raise ExperimentError(f"estimator: expected mean or ratio, got {estimator!r}")
    kind = name if estimator == "mean" else f"{name} (ratio estimator)"
    kind += f" by {', '.join(by)}" if by else ""
    description = f"{kind} of {len(points)} point(s), seed {seed}"
    engine = execution.engine(kind, fingerprint(kind, points, seed), description, seed)
    engine.keep_totals = estimator == "ratio"
    engine.by = tuple(by)
    return engine


def open_journal(
    path: str | Path | None,
    resume: bool,
    *,
    kind: str,
    fingerprint: str,
    description: str,
    seed: int,
) -> Journal | None:
    """The experiment's journal at ``path`` (``None`` without one; ``resume`` needs one)."""
    if path is None:
        if resume:
            raise ExperimentError(
                "--resume needs --out: the journal of the earlier run lives there"
            )
        return None
    header = {
        "experiment": kind,
        "fingerprint": fingerprint,
        "description": description,
        "seed": seed,
    }
    return Journal.open(path, header, resume=resume)


def metrics_frame(
    keys: Mapping[str, Sequence[Any]],
    results: list[list[dict[str, float]]],
) -> pd.DataFrame:
    """A tidy table: the key columns, ``replication``, then one column per metric.

    ``keys`` maps each key column to one value per point; ``results`` is what
    :meth:`Engine.run` returned for those points.
    """
    rows = []
    for index, replications in enumerate(results):
        head = {name: values[index] for name, values in keys.items()}
        for rep, metrics in enumerate(replications):
            rows.append(head | {"replication": rep} | metrics)
    frame = pd.DataFrame(rows)
    for name in keys:
        frame[name] = _uniform_column(frame[name])
    return frame


def _uniform_column(column: pd.Series) -> pd.Series:
    """A key column of one type: lists and mappings become their JSON text, and mixed
    values such as ``600`` and ``"10m"`` become text."""
    if any(isinstance(v, list | dict) for v in column):
        return column.map(lambda v: v if isinstance(v, str) else json.dumps(v))
    kinds = {type(v) for v in column}
    if len(kinds) > 1 and not kinds <= {int, float}:
        return column.map(str)
    return column
