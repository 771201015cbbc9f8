"""Running scenarios: one replication, many replications, on any executor.

- :func:`simulate` runs one replication and returns a :class:`Result` with the
  records as DataFrames and its metrics.
- :func:`replicate` runs ``n`` replications (in parallel processes by default)
  and returns a :class:`Replications` with a row of metrics per replication
  and their summary with confidence intervals.  It can stop early
  (``max_contacts``, ``wall_clock``, Ctrl-C) and keeps what was measured.

- Executors (:mod:`simcc.executors`) run the replications in this process, in
  local worker processes or on a Dask cluster.

Replication *i* of a run seeded *s* always draws from the same streams
(:mod:`simcc.rng`), so results are identical bit for bit whatever the
executor or the number of processes.  Comparisons, sweeps and the staffing
search build on these pieces (:mod:`simcc.experiments`).
"""

from __future__ import annotations

import contextlib
import importlib
import pickle
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, overload

import numpy as np

from simcc.analysis import metrics as _metrics
from simcc.analysis.metrics import Totals
from simcc.executors import (  # noqa: F401  (re-exported: simcc.runner is where users look)
    DaskExecutor,
    Executor,
    ExecutorError,
    ProcessExecutor,
    SchedulerAddressError,
    SerialExecutor,
    check_scheduler_address,
    executor_for,
)
from simcc.io import signals_held
from simcc.model.records import CHANNELS, Names, Recorder
from simcc.replications import (  # noqa: F401  (re-exported)
    ESTIMATORS,
    Replications,
    provenance,
    totals_frame,
)
from simcc.rng import Streams
from simcc.scenario import HANDOFF_POLICIES, Scenario

if TYPE_CHECKING:
    import pandas as pd


def names_of(scenario: Scenario) -> Names:
    """The name lists record codes refer to."""
    return Names(
        pools=tuple(scenario.pools),
        call_types=tuple(scenario.call_types),
        segments=tuple(scenario.segments),
        policies=HANDOFF_POLICIES,
        groups=tuple(tuple(p.groups or ()) for p in scenario.pools.values()),
        needs=("", *dict.fromkeys(n for ct in scenario.call_types.values() for n in ct.needs)),
        channels=tuple(CHANNELS.index(ct.channel) for ct in scenario.call_types.values()),
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
        from simcc.records import contacts_frame  # pandas: not in a worker that needs no frame

        s = self.scenario
        return contacts_frame(self.recorder, s.warmup, s.horizon)

    @property
    def agents(self) -> pd.DataFrame:
        """One row per agent busy interval (fields: :data:`simcc.records.AGENTS`)."""
        from simcc.records import agents_frame

        return agents_frame(self.recorder)

    @property
    def transfers(self) -> pd.DataFrame:
        """One row per hand-off (fields: :data:`simcc.records.HANDOFFS`)."""
        from simcc.records import legs_frame

        return legs_frame(self.recorder)

    @property
    def staffing(self) -> pd.DataFrame:
        """One row per staffing change (fields: :data:`simcc.records.STAFFING`)."""
        from simcc.records import staffing_frame

        return staffing_frame(self.recorder)

    @overload
    def metrics(self, by: None = None) -> dict[str, float]: ...

    @overload
    def metrics(self, by: str) -> dict[str, dict[str, float]]: ...

    def metrics(self, by: str | None = None) -> Any:
        """Every metric of MODEL.md §4 and §10 for this replication (``offered`` included).

        With ``by`` (``call_type``, ``segment``, ``need`` or ``channel``): the same metrics
        over each group's contacts, by group name (``(none)`` for contacts of a call type
        without needs).
        """
        if by is not None:
            rec = self.recorder
            names = {
                "call_type": rec.names.call_types,
                "segment": rec.names.segments,
                "channel": CHANNELS,
            }
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
    arrow_records: bool = False
    """Send the records back as serialised Arrow tables, ready to append to Parquet
    (:func:`simcc.record_files.arrow_records`), instead of DataFrames."""


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
    records: dict[str, Any] | None = None
    """Table name → DataFrame (``keep_records``) or serialised Arrow table (``arrow_records``)."""
    stopped_early: str | None = None
    skipped: bool = False
    totals: Totals = field(default_factory=dict)
    """Each ratio metric's numerator and denominator (:meth:`Result.totals`)."""
    controls: tuple[float, ...] | None = None
    groups: dict[str, dict[str, dict[str, float]]] | None = None  # by → group → metrics
    cpu_time: float = 0.0
    """CPU seconds of the thread that ran the task (its simulation, metrics and records): what
    :func:`replicate` sizes its batches from."""


def run_task(task: Task) -> TaskResult:
    """Run one task (in whatever process the executor chose)."""
    started = time.thread_time()  # this task's own CPU, not a progress thread's
    wall_clock = None
    if task.deadline is not None:
        remaining = task.deadline - time.time()
        # the first replication always starts, so a run with a wall-clock limit always
        # measures something (on a busy machine the limit may pass before it is reached)
        if remaining <= 0 and task.replication > 0:
            return TaskResult(task.key, task.replication, {}, 0.0, skipped=True)
        wall_clock = max(round(remaining, 2), 0.01)  # rounded: it is shown in the notes
    result = simulate(
        task.scenario,
        task.seed,
        task.replication,
        max_contacts=task.max_contacts,
        wall_clock=wall_clock,
    )
    records: dict[str, Any] | None = None
    if task.arrow_records:
        from simcc.record_files import arrow_records

        records = arrow_records(result)
    elif task.keep_records:
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
        cpu_time=time.thread_time() - started,
    )


TASK_SECONDS = 0.1
"""The work :func:`replicate` aims to hand a worker at a time, in CPU seconds: short
replications go several to a batch (:func:`run_batch`), so that sending a task and its
results (a few tenths of a millisecond a round trip in each process) stays small beside
the simulation.  CPU time, not wall time: on a loaded machine a replication's wall time
grows with the load, and batches sized from it shrank to one replication each."""

TASK_RECORD_BYTES = 1 << 20
"""With records streamed to files (``--out``), a batch also stays under about this many
bytes of records: a worker holds a whole batch's records until it ends, and up to
two batches per worker are in flight (docs/performance.md, "Memory")."""


SUMMARY_MODULES = ("scipy.special",)
"""What this process needs once the replications are in: scipy for the t quantiles of the
summary (about 0.3 s of imports; the table of replications and its file need no pandas,
:class:`simcc.replications.MetricRows`).  While workers elsewhere run the replications,
it is imported in a background thread as soon as the first result is in, instead of
after the last one, while the cores would idle but one (docs/performance.md, "Where the
time goes").  With records streamed to files too, since the workers leave the fork
server's pages shared (:func:`simcc.workers.start_worker`): its 11 MB no longer bring the
process tree's peak memory near its 300 MB bound (docs/performance.md, "Memory")."""


def _import_meanwhile(modules: Sequence[str]) -> threading.Thread:
    """Import ``modules`` in a daemon thread (a later ``import`` of one of them waits for
    the thread to finish it); :func:`replicate` joins it before it returns, so no thread
    outlives it (a second ``replicate`` must find this process single-threaded to fork
    its workers, :func:`simcc.workers.start_method`)."""

    def load() -> None:
        for module in modules:
            with contextlib.suppress(Exception):  # the import that needs it says what failed
                importlib.import_module(module)

    thread = threading.Thread(target=load, name="simcc-imports", daemon=True)
    thread.start()
    return thread


def run_batch(tasks: Iterable[Task]) -> list[TaskResult]:
    """Run several tasks one after the other, in one round trip to a worker."""
    return [run_task(task) for task in tasks]


class Batch:
    """Replications of one task template, sent to a worker process as one item: the
    template (its scenario included) as bytes pickled once per run, and the replication
    numbers.  Iterating gives the tasks; a worker unpickles a template once
    (:func:`_template`), not once a batch: the scenario's models cost 0.1-0.3 ms each way
    to pickle (MMCAb, warm centre), more than the rest of a batch's round trip."""

    def __init__(self, template: bytes, replications: tuple[int, ...]) -> None:
        self.template, self.replications = template, replications

    def __len__(self) -> int:
        return len(self.replications)

    def __iter__(self) -> Iterator[Task]:
        template = _template(self.template)
        return (replace(template, replication=i) for i in self.replications)

    def __reduce__(self) -> tuple[Any, ...]:
        return Batch, (self.template, self.replications)


_TEMPLATES: dict[bytes, Task] = {}
"""The task templates this process has unpickled, by their bytes (the last few runs')."""


def _template(blob: bytes) -> Task:
    template = _TEMPLATES.get(blob)
    if template is None:
        if len(_TEMPLATES) >= 4:
            _TEMPLATES.clear()
        template = _TEMPLATES[blob] = pickle.loads(blob)
    return template


class RecordSink(Protocol):
    """Takes each replication's records as it finishes (:func:`replicate`'s ``records``)."""

    def add(self, replication: int, tables: dict[str, Any] | None) -> None: ...


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
    records: RecordSink | None = None,
    done: Mapping[int, dict[str, float]] | None = None,
) -> Replications:
    """Run ``n`` independent replications (the scenario's count unless given).

    Args:
        scenario: the centre to simulate.
        n, seed: replications and seed (defaults: the scenario's).
        jobs: local worker processes (default: all cores; 1 runs in this process).
        scheduler: a Dask scheduler address, client or cluster, instead of local processes.
        keep_records: also keep every replication's records (``.records``).
        progress: called as ``progress(done, total)`` when work starts (and when a
            precision batch adds to the total) and after each replication.
        max_contacts: stop each replication's arrivals after this many contacts; the
            contacts already in the system finish, and the numbers cover them
            (occupancy and staffed cost are over the whole window: occupancy reads
            low, cost per contact and per resolved case read high).
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
        records: where each replication's records go as it finishes, instead of
            memory (e.g. :class:`simcc.record_files.RecordFiles`): ``records.add(i,
            records)`` with :func:`simcc.record_files.arrow_records`' serialised Arrow
            tables, or ``None`` for a replication that did not run.
        done: the metrics of replications an interrupted run finished, by number:
            they are not run again, and join the summary as they are
            (``simcc run --resume``; the mean estimator only, as they carry no totals).

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
        scenario, seed, 0, (), keep_records and records is None, max_contacts, deadline,
        controls, tuple(by), arrow_records=records is not None,
    )  # fmt: skip
    run = _Batches(template, estimator, precision, limit, progress, records)
    run.results = [TaskResult((), i, dict(row), 0.0) for i, row in sorted((done or {}).items())]
    try:
        # leaving the block through Ctrl-C stops the workers without waiting for them
        with executor_for(jobs, scheduler) as executor:
            run.import_meanwhile = getattr(executor, "runs_elsewhere", False)
            reached = run.until_done(executor, n)
    except KeyboardInterrupt:
        run.join_imports()
        raise Interrupted(run.replications(interrupted=True)) from None
    run.join_imports()
    # the table of replications is built from the rows when it is read (no pandas until then)
    return reached if reached is not None else run.replications()


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
        records: RecordSink | None = None,
    ) -> None:
        self.template, self.estimator, self.records = template, estimator, records
        self.precision, self.limit, self.progress = precision, limit, progress
        self.results: list[TaskResult] = []
        self.planned = 0
        self.started = time.perf_counter()
        self._timed = [0, 0.0]  # replications run so far and their CPU seconds
        self._compact: bytes | None = None  # the template's bytes, for other processes
        self._record_bytes = [0, 0]  # replications with streamed records and their bytes
        self.import_meanwhile = False  # SUMMARY_MODULES, at the first result
        self._imports: threading.Thread | None = None

    def join_imports(self) -> None:
        """Wait for :data:`SUMMARY_MODULES` if a thread is importing them."""
        if self._imports is not None:
            self._imports.join()
            self._imports = None

    def until_done(self, executor: Executor, n: int) -> Replications | None:
        """Run replications ``0..n−1``, then with a precision target more batches until
        it is reached, or a limit (skipped or stopped replications) ends the run.

        With a precision target, the replications last built to check it are the
        final ones, and are returned (``None`` without a target or when cut short)."""
        from simcc.analysis.precision import next_batch

        more, checked = n, None
        while more:
            first, self.planned = self.planned, self.planned + more
            done = {r.replication for r in self.results}
            numbers = [i for i in range(first, self.planned) if i not in done]
            if self.progress is not None:  # the total is known before any replication ends
                self.progress(len(self.results), self.planned)
            if getattr(executor, "runs_elsewhere", False) and self._compact is None:
                self._compact = pickle.dumps(self.template, pickle.HIGHEST_PROTOCOL)
            with contextlib.closing(
                executor.map_unordered(run_batch, self._batches(numbers))
            ) as finished:
                for results in finished:
                    for result in results:
                        self._keep(result)
            cut_short = any(r.skipped or r.stopped_early for r in self.results)
            if cut_short or not self.precision:
                return None
            checked = self.replications()
            more = next_batch(checked, self.precision, self.limit)
        return checked

    def _keep(self, result: TaskResult) -> None:
        # a replication's records and its metrics are kept together or not at all:
        # Ctrl-C waits for both (an interrupted run's set stays whole)
        with signals_held():
            if self.records is not None:  # on, as it finishes; not kept here
                if result.records:
                    self._record_bytes[0] += 1
                    self._record_bytes[1] += sum(b.size for b in result.records.values())
                self.records.add(result.replication, result.records)
                result.records = None
            # one copy of the metric names for every replication kept (each result comes
            # with its own: half of the 9 kB an MMCAb day's numbers take here otherwise)
            result.metrics = {sys.intern(k): v for k, v in result.metrics.items()}
            result.totals = {sys.intern(k): v for k, v in result.totals.items()}
            self.results.append(result)
        if self.import_meanwhile:
            self.import_meanwhile = False
            self._imports = _import_meanwhile(SUMMARY_MODULES)
        if result.cpu_time > 0:
            self._timed[0] += 1
            self._timed[1] += result.cpu_time
        if self.progress is not None:
            self.progress(len(self.results), self.planned)

    def _batches(self, numbers: list[int]) -> Iterator[Iterable[Task]]:
        """The replications ``numbers`` in batches of about :data:`TASK_SECONDS` of CPU
        (and, with streamed records, at most :data:`TASK_RECORD_BYTES` of them), sized
        from the replications measured so far (one at a time until one is), and at most
        an eighth of those left, so the last ones spread over the workers.  For workers
        in other processes a batch is a :class:`Batch` (the template's bytes and the
        replication numbers); here, the tasks themselves.

        Drawn lazily: an executor that asks for the next batch once a worker is free
        gets it sized from every result in by then; one that takes them all at once
        (Dask, which queues every task on the cluster) gets one replication a task.
        Replication *i* is the same in any batch, so the results are too.
        """
        start = 0
        while start < len(numbers):
            count, seconds = self._timed
            size = int(TASK_SECONDS * count / seconds) if seconds > 0 else 1
            kept, size_bytes = self._record_bytes
            if size_bytes > 0:
                size = min(size, int(TASK_RECORD_BYTES * kept / size_bytes))
            size = max(1, min(size, (len(numbers) - start) // 8))
            chunk = tuple(numbers[start : start + size])
            if self._compact is not None:  # for another process: the template as bytes
                yield Batch(self._compact, chunk)
            else:
                yield tuple(replace(self.template, replication=i) for i in chunk)
            start += size

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
