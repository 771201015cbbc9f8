"""Staffing per interval: the fewest agents per pool and interval meeting every target.

``simcc staff FILE --interval 30m --target service_level>=0.8`` cuts the day
into intervals and asks, for every searched pool and every interval, the
fewest agents whose *interval* metrics (:mod:`simcc.analysis.intervals`: the
contacts reaching that pool's queue in that interval) meet every target, by
the target's 95 % CI bound as in :mod:`simcc.experiments.staffing`.

1. **Estimate** (:func:`interval_erlang`). Each pool's offered load over the
   day is the work of the contacts reaching it, carried over in time: the
   load at *t* is ``m(t) = ∫ λ(t−u) e^{−u/b} du`` (the number of contacts in
   service in an infinite-server queue with mean busy time *b*, exact for
   piecewise-constant rates), so an interval after a peak still carries the
   peak's work — the *lag*.  A pool down an escalation path receives the
   upstream pool's departures (``m/b``) times its probability of not
   resolving; *b*, the paths and the front doors' containment are those of
   :mod:`simcc.scenario.workload` (transfer steps and agent groups included).
   Erlang A on each interval's mean load, with the customers' patience, gives
   the starting agents.  ``lag=False`` gives the stationary
   independent-period approximation (each interval's own rate, no carry-over).
2. **Correct by simulation, the whole day at once.** One evaluation runs the
   replications of the day with every interval's staffing, and judges every
   pool × interval cell.  While a cell misses, it gains agents (1, 2, 4… a
   time).  Then cells are lowered in two halves (even intervals, then odd
   ones, so two neighbours never drop together; 1, 2, 4… then bisecting): a
   lowered cell that still meets its targets keeps its value unless its drop
   broke a neighbouring interval (the queue it leaves behind, or a pool it
   feeds), which then keeps it.  Rounds repeat until no cell changes and the
   day meets every target.  Every evaluation uses the same seed
   (common random numbers); the search costs ``evaluations × replications``
   simulated days.

``--shrinkage s`` turns the agents required on the floor into agents to
schedule: ``scheduled = ceil(required / (1 − s))``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Unpack

import numpy as np
import pandas as pd

from simcc.analysis.intervals import Grid, interval_counts, interval_table, rates
from simcc.analysis.stats import estimate
from simcc.analysis.theory import erlang_a, min_agents, service_level_sla
from simcc.experiments.day_check import DayCheck, check_day
from simcc.experiments.engine import (
    Engine,
    Execution,
    ExecutionOptions,
    Point,
    fingerprint,
)
from simcc.experiments.journal import ExperimentError
from simcc.experiments.staffing import Target, offered_load, search_inputs
from simcc.runner import Task, TaskResult, simulate
from simcc.scenario import Scenario
from simcc.scenario.workload import paths
from simcc.units import duration_text

SUPPORTED = ("service_level", "abandonment_rate", "asa")
"""Metrics an interval target may bound (they exist per pool and interval)."""

_ON_PLAN = ("scheduled", "present")
"""Interval metrics that only repeat the required agents in the search's table."""

Counts = dict[str, list[int]]
"""Agents per pool, one count per interval."""


# --------------------------------------------------------------------------- inputs


def interval_grid(scenario: Scenario, interval: float) -> Grid:
    """The day's intervals; raises :class:`ExperimentError` if they do not divide the horizon."""
    if not interval > 0 or math.isinf(interval):
        raise ExperimentError(f"--interval {duration_text(interval)}: give a duration > 0")
    n = scenario.horizon / interval
    if abs(n - round(n)) > 1e-9 * max(1.0, n):
        near = " or ".join(
            f"{duration_text(d)} ({_count(round(scenario.horizon / d))})"
            for d in dividing_intervals(scenario.horizon, interval)
        )
        raise ExperimentError(
            f"--interval {duration_text(interval)} does not divide the horizon "
            f"({duration_text(scenario.horizon)}): {_fraction(n)} intervals"
            + (f"; the nearest that divide it: {near}" if near else "")
        )
    return Grid.of(scenario, interval)


def dividing_intervals(horizon: float, interval: float) -> list[float]:
    """The whole-minute (else whole-second) intervals dividing ``horizon`` nearest to
    ``interval``: the longest one below it and the shortest one above it."""
    for unit in (60.0, 1.0) if interval >= 60 else (1.0,):
        units = horizon / unit
        if abs(units - round(units)) > 1e-9 * max(1.0, units) or round(units) < 1:
            continue
        whole = round(units)
        # in pairs up to √whole: a horizon of 1e9 s (the longest a scenario takes) has 31,623
        small = [d for d in range(1, math.isqrt(whole) + 1) if whole % d == 0]
        divisors = [d * unit for d in sorted({*small, *(whole // d for d in small)})]
        below = [d for d in divisors if d < interval]
        above = [d for d in divisors if d > interval]
        return below[-1:] + above[:1]
    return []


def _count(n: int) -> str:
    return f"{n} interval{'' if n == 1 else 's'}"


def _fraction(n: float) -> str:
    """``104.3``: enough decimals that a count of intervals which is not whole never
    reads as one."""
    for decimals in range(1, 7):
        text = f"{n:.{decimals}f}"
        if float(text) != round(n):
            return text
    return f"{n!r}"


def check_targets(targets: Sequence[Target]) -> None:
    """Interval targets bound per-interval metrics only."""
    for t in targets:
        if t.metric not in SUPPORTED:
            raise ExperimentError(
                f"--target {t}: with --interval a target bounds a metric of each pool and "
                f"interval, one of {', '.join(SUPPORTED)}"
            )


def check_shrinkage(shrinkage: float) -> None:
    if not 0.0 <= shrinkage < 1.0:
        raise ExperimentError(f"--shrinkage {shrinkage:g}: give a fraction in [0, 1)")


def scheduled_agents(required: Sequence[int], shrinkage: float) -> list[int]:
    """Agents to schedule so that ``required`` remain after absence: ⌈required / (1 − s)⌉."""
    return [math.ceil(n / (1.0 - shrinkage) - 1e-9) for n in required]


# --------------------------------------------------------------------------- estimate


def _rate_on(arrivals: Any, times: np.ndarray, step: float) -> np.ndarray:
    """A call type's arrival rate (per second) on each step starting at ``times``."""
    if arrivals.times is not None:
        hits = np.histogram(arrivals.times, bins=np.append(times, times[-1] + step))[0]
        return hits / step
    interval, values, repeat = arrivals.profile()
    if math.isinf(interval):
        return np.full(len(times), values[0])
    k = (times // interval).astype(int)
    k = k % len(values) if repeat else np.minimum(k, len(values) - 1)
    return np.asarray(values)[k]


def pool_loads(
    scenario: Scenario, grid: Grid, lag: bool = True, steps_per_interval: int = 60
) -> dict[str, np.ndarray]:
    """Mean offered load (Erlangs) per pool and interval, carried over in time if ``lag``."""
    step = grid.interval / steps_per_interval
    times = np.arange(grid.n * steps_per_interval) * step
    load = {p: np.zeros(len(times)) for p in scenario.pools}
    for name, ct_paths in paths(scenario).items():
        call_type = scenario.call_types[name]
        arriving = _rate_on(call_type.arrivals, times, step) * call_type.offered_share
        for path in ct_paths:
            rate = arriving * path.share
            for stage in path.stages:
                if stage.busy <= 0:
                    break
                m = _carried(rate, stage.busy, step) if lag else rate * stage.busy
                load[stage.pool] += m
                rate = (m / stage.busy) * stage.escalated
    return {p: m.reshape(grid.n, steps_per_interval).mean(axis=1) for p, m in load.items()}


def _carried(rate: np.ndarray, busy: float, step: float) -> np.ndarray:
    """``m(t) = ∫ λ(t−u) e^{−u/b} du`` at the middle of each step, λ constant on a step."""
    decay = math.exp(-step / busy)
    half = math.exp(-step / (2 * busy))
    out = np.empty(len(rate))
    m = 0.0
    for j, lam in enumerate(rate):
        out[j] = m * half + lam * busy * (1.0 - half)
        m = m * decay + lam * busy * (1.0 - decay)
    return out


def interval_erlang(
    scenario: Scenario,
    pools: Sequence[str],
    targets: Sequence[Target],
    grid: Grid,
    lag: bool = True,
) -> Counts:
    """Agents per pool and interval from Erlang A on each interval's offered load."""
    loads = pool_loads(scenario, grid, lag)
    busy = {p: b for p, (_, b) in offered_load(scenario).items()}
    patience = scenario.customers.patience.mean
    theta = 0.0 if math.isinf(patience) or patience <= 0 else 1.0 / patience
    return {
        pool: [_erlang_agents(m, busy[pool], theta, targets, scenario) for m in loads[pool]]
        for pool in pools
    }


def _erlang_agents(
    load: float, busy: float, theta: float, targets: Sequence[Target], scenario: Scenario
) -> int:
    if load <= 1e-9 or busy <= 0:
        return 0
    lam, mu = load / busy, 1.0 / busy
    sla = scenario.sla.answer
    bounds = {t.metric: t.value for t in targets}
    try:
        n = min_agents(
            lam,
            mu,
            theta,
            target_service_level=bounds.get("service_level"),
            max_abandonment=bounds.get("abandonment_rate"),
            threshold=sla.threshold,
            short_abandon=sla.short_abandon,
        )
    except ValueError:  # only an asa target, or out of reach of the formulas
        n = math.floor(load) + 1
    if "asa" in bounds:
        while n < 100_000:
            m = erlang_a(lam, mu, theta, n, sla.threshold, sla.short_abandon)
            if m.asa <= bounds["asa"] and (theta > 0 or n > load):
                break
            n += 1
    return n


def erlang_service_level(
    scenario: Scenario, pool: str, counts: Sequence[int], grid: Grid, lag: bool = False
) -> list[float]:
    """Erlang A service level of each interval at these agents (NaN where it has none)."""
    load = pool_loads(scenario, grid, lag)[pool]
    busy = offered_load(scenario)[pool][1]
    patience = scenario.customers.patience.mean
    theta = 0.0 if math.isinf(patience) or patience <= 0 else 1.0 / patience
    sla = scenario.sla.answer
    out = []
    for m, n in zip(load, counts, strict=True):
        if m <= 0 or n <= 0 or (theta == 0 and n <= m):
            out.append(math.nan)
            continue
        q = erlang_a(m / busy, 1.0 / busy, theta, n, sla.threshold, sla.short_abandon)
        out.append(service_level_sla(q))
    return out


# --------------------------------------------------------------------------- simulation


def run_interval_task(task: Task, interval: float) -> TaskResult:
    """One replication of the day; its metrics are the interval metrics, flattened.

    The metric ``"<metric>|<pool index>|<k>"`` is pool *i*'s value in interval *k*
    (of length ``interval``).
    """
    result = simulate(task.scenario, task.seed, task.replication)
    grid = Grid.of(task.scenario, interval)
    rec = result.recorder
    counts = interval_counts(
        rec.contact_arrays(), rec.handoff_arrays(), rec.agent_arrays(), rec.staffing_arrays(), grid
    )
    values = rates(counts, grid)
    flat = {
        f"{metric}|{i}|{k}": float(array[i, k])
        for metric, array in values.items()
        for i in range(array.shape[0])
        for k in range(array.shape[1])
    }
    return TaskResult(task.key, task.replication, flat, result.wall_time)


def _unflatten(metrics: dict[str, float], grid: Grid) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, value in metrics.items():
        metric, i, k = name.split("|")
        if metric not in out:
            out[metric] = np.full((len(grid.pools), grid.n), np.nan)
        out[metric][int(i), int(k)] = value
    return out


def with_counts(scenario: Scenario, counts: Counts, interval: float) -> Scenario:
    """The scenario with these pools staffed per interval."""
    return scenario.with_changes(
        {
            f"pools.{pool}.agents": {"interval": duration_text(interval), "counts": [*map(int, c)]}
            for pool, c in counts.items()
        }
    )


def day_work(grid: Grid) -> Callable[[Task], TaskResult]:
    """What an :class:`~simcc.experiments.engine.Engine`'s workers do for the interval
    searches: simulate a day and measure its interval metrics on ``grid``."""
    return functools.partial(run_interval_task, interval=grid.interval)


def simulate_day(
    scenario: Scenario, grid: Grid, replications: int, seed: int, engine: Engine
) -> list[dict[str, np.ndarray]]:
    """The interval metrics of replications 0..n−1 of the day (replication order), run by
    an engine doing :func:`day_work` (and kept in its journal, if it has one)."""
    (rows,) = engine.run([Point(None, scenario)], replications, seed)
    return [_unflatten(r, grid) for r in rows]


# --------------------------------------------------------------------------- search


@dataclass
class DayEvaluation:
    """One day's staffing simulated: per pool, whether each interval meets every target."""

    counts: Counts
    met: dict[str, np.ndarray]
    replications: list[dict[str, np.ndarray]]


def cells_met(
    reps: Sequence[dict[str, np.ndarray]],
    targets: Sequence[Target],
    grid: Grid,
    pools: Sequence[str],
    conservative: bool,
) -> dict[str, np.ndarray]:
    """Per pool, whether each interval meets every target (nothing offered there: met)."""
    out = {}
    for pool in pools:
        i = grid.pools.index(pool)
        ok = np.ones(grid.n, dtype=bool)
        for k in range(grid.n):
            for t in targets:
                e = estimate([r[t.metric][i, k] for r in reps])
                if e.n and not t.met(e, conservative):
                    ok[k] = False
        out[pool] = ok
    return out


class _DaySearch:
    """The simultaneous search over every pool × interval cell of one policy."""

    def __init__(
        self,
        scenario: Scenario,
        grid: Grid,
        pools: Sequence[str],
        targets: Sequence[Target],
        replications: int,
        seed: int,
        conservative: bool,
        max_agents: int,
        engine: Engine,
        report: Callable[[DayEvaluation], None] | None = None,
    ) -> None:
        self.scenario, self.grid, self.pools, self.targets = scenario, grid, list(pools), targets
        self.n, self.seed, self.conservative = replications, seed, conservative
        self.max_agents, self.engine, self.report = max_agents, engine, report
        self.tried: dict[tuple[tuple[int, ...], ...], DayEvaluation] = {}

    def evaluate(self, cur: np.ndarray) -> np.ndarray:
        """Met per cell (pools × intervals) for this staffing."""
        key = tuple(tuple(int(x) for x in row) for row in cur)
        if key not in self.tried:
            counts = {p: list(row) for p, row in zip(self.pools, key, strict=True)}
            variant = with_counts(self.scenario, counts, self.grid.interval)
            reps = simulate_day(variant, self.grid, self.n, self.seed, self.engine)
            met = cells_met(reps, self.targets, self.grid, self.pools, self.conservative)
            self.tried[key] = DayEvaluation(counts, met, reps)
            if self.report is not None:
                self.report(self.tried[key])
        met = self.tried[key].met
        return np.array([met[p] for p in self.pools])

    def run(self, start: np.ndarray, rounds: int = 40) -> np.ndarray:
        cur = start.copy()
        low = np.full(cur.shape, -1)  # most agents known to miss (−1: none known)
        down = np.ones(cur.shape, dtype=int)
        parity = np.arange(self.grid.n)[None, :] % 2 == np.zeros((len(self.pools), 1))
        for _ in range(rounds):
            cur = self._raise_until_met(cur, low)
            tried = False
            for half in (parity, ~parity):
                tried |= self._lower(cur, low, down, half)
            if not tried and self.evaluate(cur).all():
                return cur
        return self._raise_until_met(cur, low)

    def _raise_until_met(self, cur: np.ndarray, low: np.ndarray) -> np.ndarray:
        up = np.ones(cur.shape, dtype=int)
        while not (met := self.evaluate(cur)).all():
            missing = ~met
            if (cur[missing] >= self.max_agents).all():
                raise ExperimentError(self._unreachable(cur, missing))
            low[missing] = np.maximum(low[missing], cur[missing])
            cur = np.where(missing, np.minimum(cur + up, self.max_agents), cur)
            up = np.where(missing, up * 2, 1)
        return cur

    def _lower(self, cur: np.ndarray, low: np.ndarray, down: np.ndarray, half: np.ndarray) -> bool:
        """Try fewer agents in one half of the cells; keep each drop that breaks nothing.

        Returns whether any cell was tried (none is left to try once each cell's
        agents are one above the most known to miss, or zero)."""
        active = half & (cur > 0) & (cur - low > 1)
        if not active.any():
            return False
        trial = np.where(low < 0, np.maximum(cur - down, 0), (low + cur) // 2)
        trial = np.where(active, np.maximum(trial, low + 1), cur)
        met = self.evaluate(trial)
        broken = ~active & ~met  # cells not lowered that miss now
        near = np.zeros(cur.shape, dtype=bool)
        ks = np.nonzero(broken.any(axis=0))[0]
        for k in ks:  # a drop next to (or in another pool at) a broken interval is blamed
            near[:, max(k - 1, 0) : k + 2] = True
        kept = active & met & ~near
        blamed = active & ((~met) | (met & near))
        low[blamed] = np.maximum(low[blamed], trial[blamed])
        down[kept & (low < 0)] *= 2
        cur[kept] = trial[kept]
        return True

    def _unreachable(self, cur: np.ndarray, missing: np.ndarray) -> str:
        cells = [
            f"{self.pools[i]} {self._label(k)}" for i, k in zip(*np.nonzero(missing), strict=True)
        ]
        return (
            f"no staffing up to {self.max_agents} agents per interval meets every target in "
            f"{', '.join(cells[:8])}{' …' if len(cells) > 8 else ''}; a target there may "
            "depend on a pool not searched (add --pool) or be out of reach"
        )

    def _label(self, k: int) -> str:
        e = self.grid.edges
        return f"{duration_text(float(e[k]))}–{duration_text(float(e[k + 1]))}"


@dataclass
class IntervalStaffingResult:
    """Agents per policy, pool and interval; the Erlang start; the cost of the search."""

    grid: Grid
    required: dict[str, Counts]
    erlang: Counts
    targets: list[Target]
    shrinkage: float
    replications: int
    seed: int
    conservative: bool = True
    evaluations: int = 0
    found: dict[str, list[dict[str, np.ndarray]]] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    day: dict[str, DayCheck] = field(default_factory=dict)
    """Per policy staffed: the staffed day judged by the scenario-level metrics
    (:mod:`simcc.experiments.day_check`)."""
    unstaffed: dict[str, str] = field(default_factory=dict)
    """Per policy no staffing up to ``max_agents`` per interval serves: why."""

    @property
    def simulated_days(self) -> int:
        """What the search cost: staffings simulated × replications."""
        return self.evaluations * self.replications

    @property
    def table(self) -> pd.DataFrame:
        """Per policy, pool and interval: ``erlang`` (the start), ``required`` (agents on the
        floor), ``scheduled`` (with absence: ``⌈required / (1 − shrinkage)⌉``) and the
        interval metrics at the required staffing (mean and 95 % CI)."""
        frames = []
        for policy, counts in self.required.items():
            metrics = interval_table(self.found[policy], self.grid)
            metrics = metrics[metrics["pool"].isin(list(counts))].reset_index(drop=True)
            metrics = metrics.drop(columns=[c for c in metrics if str(c).startswith(_ON_PLAN)])
            metrics.insert(0, "policy", policy)
            metrics.insert(5, "erlang", [n for p in counts for n in self.erlang[p]])
            metrics.insert(6, "required", [n for p in counts for n in counts[p]])
            scheduled = [n for p in counts for n in scheduled_agents(counts[p], self.shrinkage)]
            metrics.insert(7, "scheduled", scheduled)
            metrics.insert(8, "shrinkage", self.shrinkage)
            frames.append(metrics)
        return pd.concat(frames, ignore_index=True)

    def scenario(self, policy: str) -> Scenario:
        """The centre staffed with the required agents per interval, for ``policy``."""
        return self.scenarios[policy]


def staff_intervals(
    scenario: Scenario,
    targets: Sequence[str | Target],
    interval: float,
    pools: Sequence[str] | None = None,
    policies: Sequence[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    *,
    shrinkage: float = 0.0,
    conservative: bool = True,
    max_agents: int = 1000,
    on_evaluation: Callable[[DayEvaluation], None] | None = None,
    execution: Execution | None = None,
    **options: Unpack[ExecutionOptions],
) -> IntervalStaffingResult:
    """The fewest agents per pool and interval meeting every target, for each policy.

    ``execution`` (or its fields as keywords: ``jobs=2``, ``journal=path,
    resume=True``…) says how to run, as for :func:`simcc.experiments.staff`: with a
    journal every simulated day is kept as it finishes, and a resumed search
    simulates only the days it lacks, to the same answer.

    Returns an :class:`IntervalStaffingResult`: ``.required`` is
    ``{policy: {pool: [agents per interval]}}``, ``.table`` the interval table,
    ``.scenario(policy)`` the centre staffed that way, ``.day[policy]`` that centre's
    day judged by the scenario-level metrics (:func:`~simcc.experiments.day_check.check_day`)
    and ``.unstaffed`` why each other policy could not be staffed.  Raises
    :class:`ExperimentError` if no policy could be.
    """
    parsed, pools, variants = search_inputs(scenario, targets, pools, policies)
    check_targets(parsed)
    check_shrinkage(shrinkage)
    grid = interval_grid(scenario, interval)
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    first = interval_erlang(scenario, pools, parsed, grid)
    start = np.array([first[p] for p in pools])
    result = IntervalStaffingResult(grid, {}, first, parsed, shrinkage, n, seed, conservative)
    how = Execution.of(execution, **options)
    with how.engine(
        "interval staffing",  # the journal caches every day simulated
        # what a resume must find unchanged: the centre, seed and interval (the metrics
        # kept depend on them; the targets only decide which staffings are tried)
        fingerprint("interval staffing", [Point(float(grid.interval), scenario)], seed),
        f"interval staffing search on {scenario.display_name}, "
        f"{duration_text(grid.interval)} intervals, seed {seed}",
        seed,
        work=day_work(grid),
    ) as engine:
        for policy, variant in variants.items():
            search = _DaySearch(
                variant, grid, pools, parsed, n, seed, conservative, max_agents, engine,
                on_evaluation,
            )  # fmt: skip
            try:
                found = search.run(start)
            except ExperimentError as exc:  # reported beside the policies staffed
                result.unstaffed[policy] = f"policy {policy}: {exc}"
                result.evaluations += len(search.tried)
                continue
            counts = {p: [int(x) for x in row] for p, row in zip(pools, found, strict=True)}
            result.required[policy] = counts
            result.found[policy] = search.tried[tuple(map(tuple, found.tolist()))].replications
            result.scenarios[policy] = with_counts(variant, counts, interval)
            result.evaluations += len(search.tried)
        engine.finish()
    if not result.required:
        raise ExperimentError(" ".join(result.unstaffed.values()))
    with Engine(how.jobs, how.scheduler) as engine:  # the day as `simcc run` measures it
        for policy, staffed in result.scenarios.items():
            result.day[policy] = check_day(policy, staffed, parsed, n, seed, engine, conservative)
    return result
