"""Shifts from requirements: how many agents start at each start time, by CP-SAT.

The requirements are agents per pool and interval (``simcc staff --interval``
writes them to ``staffing.csv``; the ``scheduled`` column, absence included,
is covered when it is there, else ``required``).  A *shift* has a length and
a break; an agent on it works every interval from its start to its end except
the break's.  The break starts inside a window centred on the middle of the
shift (``break_window`` long), on the interval grid.  Shifts start on the grid
every ``starts_every`` and lie inside the day.

For each pool, Google OR-Tools' CP-SAT chooses an agent count ``x`` for every
(shift, start, break start) so that in every interval the agents at work are
at least the requirement, minimising the paid agent-hours ``Σ x · length``.
An interval no (shift, start, break) can cover while it requires agents makes
the cover infeasible: :class:`ExperimentError` names those intervals.

:func:`check_plan` then simulates the plan (the agents on the floor being
``⌊covered · (1 − shrinkage)⌋``) and judges every interval against the
targets, as ``simcc staff --interval`` does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simcc.analysis.intervals import Grid, interval_table
from simcc.experiments.engine import Engine
from simcc.experiments.interval_staffing import (
    cells_met,
    check_targets,
    day_work,
    interval_grid,
    simulate_day,
    with_counts,
)
from simcc.experiments.journal import ExperimentError
from simcc.experiments.staffing import Target
from simcc.scenario import Scenario
from simcc.units import duration_text


@dataclass(frozen=True)
class Shift:
    """A shift: its length and its break (seconds)."""

    length: float
    break_length: float = 0.0

    def __str__(self) -> str:
        text = duration_text(self.length)
        return text + (f" ({duration_text(self.break_length)} break)" if self.break_length else "")


@dataclass(frozen=True)
class Requirements:
    """Agents to cover per pool and interval, and the absence they already include."""

    interval: float
    counts: dict[str, list[int]]
    shrinkage: float = 0.0
    on_floor: dict[str, list[int]] | None = None
    """The agents required on the floor (``required``), when ``counts`` includes absence."""


@dataclass(frozen=True)
class Start:
    """Agents starting a shift at ``start`` with their break at ``break_start`` (seconds)."""

    pool: str
    shift: Shift
    start: float
    break_start: float | None
    agents: int


@dataclass
class ShiftPlan:
    """The starts chosen per pool, what they cover, and the solver's bound."""

    interval: float
    starts: list[Start]
    required: dict[str, list[int]]
    """Agents to cover per pool and interval (absence included)."""
    covered: dict[str, list[int]]
    agent_hours: float
    lower_bound: float
    optimal: bool

    @property
    def table(self) -> pd.DataFrame:
        """One row per start: pool, shift, start, break_start (s), agents."""
        rows = [
            {
                "pool": s.pool,
                "shift": duration_text(s.shift.length),
                "break": duration_text(s.shift.break_length),
                "start": s.start,
                "break_start": s.break_start,
                "agents": s.agents,
            }
            for s in self.starts
        ]
        columns = ["pool", "shift", "break", "start", "break_start", "agents"]
        return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- inputs


def read_requirements(path: str | Path, scenario: Scenario, policy: str | None) -> Requirements:
    """Requirements from a ``staffing.csv`` (``pool``, ``start``, ``end``, ``required``, and
    ``scheduled``, ``shrinkage``, ``policy`` if there); errors name the file."""
    where = f"--requirements {path}"
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise ExperimentError(f"{where}: cannot read it as CSV ({exc})") from None
    missing = {"pool", "start", "end", "required"} - set(table.columns)
    if missing:
        raise ExperimentError(f"{where}: missing column(s) {', '.join(sorted(missing))}")
    if "policy" in table.columns:
        policies = list(dict.fromkeys(table["policy"].astype(str)))
        chosen = policy or (policies[0] if len(policies) == 1 else scenario.transfer.policy)
        if chosen not in policies:
            raise ExperimentError(f"{where}: no rows for policy {chosen} (has {policies})")
        table = table[table["policy"].astype(str) == chosen]
    lengths = (table["end"] - table["start"]).unique()
    if len(lengths) != 1 or not lengths[0] > 0:
        raise ExperimentError(f"{where}: every row must span one interval of the same length")
    interval = float(lengths[0])
    n = scenario.horizon / interval
    if abs(n - round(n)) > 1e-9 * max(n, 1.0):
        raise ExperimentError(
            f"{where}: its interval ({duration_text(interval)}) does not divide the horizon "
            f"of {scenario.display_name} ({duration_text(scenario.horizon)})"
        )
    column = "scheduled" if "scheduled" in table.columns else "required"
    counts: dict[str, list[int]] = {}
    floor: dict[str, list[int]] = {}
    for key, rows in table.groupby("pool", sort=False):
        pool = str(key)
        if pool not in scenario.pools:
            raise ExperimentError(f"{where}: unknown pool {pool!r} (pools: {list(scenario.pools)})")
        rows = rows.sort_values("start")
        k = (rows["start"] / interval).round().astype(int).to_numpy()
        if list(k) != list(range(round(n))):
            raise ExperimentError(f"{where}: pool {pool} must have one row per interval of the day")
        values = rows[column].to_numpy()
        if (values < 0).any() or not np.all(np.mod(values, 1) == 0):
            raise ExperimentError(f"{where}: {column} must be whole numbers ≥ 0")
        counts[pool] = [int(v) for v in values]
        floor[pool] = [int(v) for v in rows["required"]]
    shrinkage = float(table["shrinkage"].iloc[0]) if "shrinkage" in table.columns else 0.0
    return Requirements(interval, counts, shrinkage, floor)


def _steps(value: float, interval: float, what: str) -> int:
    steps = value / interval
    if abs(steps - round(steps)) > 1e-9:
        raise ExperimentError(
            f"{what} {duration_text(value)} is not a whole number of "
            f"{duration_text(interval)} intervals"
        )
    return round(steps)


def check_shifts(shifts: Sequence[Shift], interval: float, horizon: float) -> None:
    """Shifts fit the day and the interval grid; raises :class:`ExperimentError`."""
    if not shifts:
        raise ExperimentError("give at least one --shift, e.g. --shift 8h")
    for s in shifts:
        if s.length > horizon:
            raise ExperimentError(
                f"--shift {duration_text(s.length)} is longer than the day "
                f"({duration_text(horizon)})"
            )
        _steps(s.length, interval, "--shift")
        _steps(s.break_length, interval, "--break")
        if s.break_length >= s.length:
            raise ExperimentError(
                f"--break {duration_text(s.break_length)} must be shorter than the shift "
                f"({duration_text(s.length)})"
            )


# --------------------------------------------------------------------------- the cover


Pattern = tuple[Shift, int, int | None, np.ndarray]
"""A shift, its start and break start (in intervals) and the intervals it works."""


def _patterns(
    shifts: Sequence[Shift], n: int, interval: float, break_window: float, starts_every: float
) -> list[Pattern]:
    """Every (shift, start, break start) on the grid and the intervals it works."""
    step = max(1, _steps(starts_every, interval, "--starts-every"))
    out = []
    for s in shifts:
        length = _steps(s.length, interval, "--shift")
        brk = _steps(s.break_length, interval, "--break")
        offsets: list[int | None] = [None]
        if brk:
            half = break_window / interval / 2
            lo = max(1, math.ceil(length / 2 - half))
            hi = min(length - brk - 1, math.floor(length / 2 + half) - brk)
            offsets = list(range(lo, hi + 1)) or [max(0, (length - brk) // 2)]
        for start in range(0, n - length + 1, step):
            for b in offsets:
                works = np.zeros(n, dtype=bool)
                works[start : start + length] = True
                if b is not None:
                    works[start + b : start + b + brk] = False
                out.append((s, start, b, works))
    return out


def plan_shifts(
    requirements: Requirements,
    shifts: Sequence[Shift],
    *,
    break_window: float = 7200.0,
    starts_every: float | None = None,
    time_limit: float = 20.0,
    workers: int = 1,
) -> ShiftPlan:
    """The fewest paid agent-hours of shifts covering every interval's requirement."""
    interval = requirements.interval
    n = len(next(iter(requirements.counts.values())))
    check_shifts(shifts, interval, n * interval)
    patterns = _patterns(shifts, n, interval, break_window, starts_every or interval)
    starts: list[Start] = []
    covered: dict[str, list[int]] = {}
    hours = bound = 0.0
    optimal = True
    for pool, need in requirements.counts.items():
        _check_reach(pool, need, patterns, interval)
        values, objective, lower, solved = _solve(
            pool, need, patterns, interval, time_limit, workers
        )
        optimal &= solved
        cover = np.zeros(n, dtype=int)
        for (s, start, b, works), v in zip(patterns, values, strict=True):
            if v:
                cover += v * works
                brk = None if b is None else (start + b) * interval
                starts.append(Start(pool, s, start * interval, brk, int(v)))
        covered[pool] = [int(c) for c in cover]
        hours += objective * interval / 3600
        bound += lower * interval / 3600
    return ShiftPlan(interval, starts, dict(requirements.counts), covered, hours, bound, optimal)


def _check_reach(pool: str, need: Sequence[int], patterns: list[Pattern], interval: float) -> None:
    reach = np.any([p[3] for p in patterns], axis=0)
    unreachable = [k for k in range(len(need)) if need[k] > 0 and not reach[k]]
    if unreachable:
        raise ExperimentError(
            f"pool {pool}: no shift can cover the interval(s) "
            + ", ".join(_label(k, interval) for k in unreachable)
            + " that require agents; add a shorter --shift or start shifts more often "
            "(--starts-every)"
        )


def _solve(
    pool: str,
    need: Sequence[int],
    patterns: list[Pattern],
    interval: float,
    time_limit: float,
    workers: int,
) -> tuple[list[int], float, float, bool]:
    """CP-SAT: agents per pattern, paid intervals, the solver's lower bound, optimal."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    top = max(need) if need else 0
    x = [model.new_int_var(0, top, f"x{j}") for j in range(len(patterns))]
    for k, required in enumerate(need):
        if required > 0:
            model.add(sum(x[j] for j, p in enumerate(patterns) if p[3][k]) >= required)
    cost = [round(p[0].length / interval) for p in patterns]  # paid intervals, break included
    model.minimize(sum(c * v for c, v in zip(cost, x, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ExperimentError(f"pool {pool}: the solver found no cover in {time_limit:g} s")
    values = [int(solver.value(v)) for v in x]
    return values, solver.objective_value, solver.best_objective_bound, status == cp_model.OPTIMAL


def _label(k: int, interval: float) -> str:
    return f"{duration_text(k * interval)}–{duration_text((k + 1) * interval)}"


# --------------------------------------------------------------------------- the check


def on_floor(covered: Sequence[int], shrinkage: float) -> list[int]:
    """Agents present when ``covered`` are scheduled and a share ``shrinkage`` is absent."""
    return [math.floor(c * (1.0 - shrinkage) + 1e-9) for c in covered]


def plan_scenario(scenario: Scenario, plan: ShiftPlan, shrinkage: float = 0.0) -> Scenario:
    """The centre staffed by the plan (agents on the floor per interval)."""
    counts = {pool: on_floor(c, shrinkage) for pool, c in plan.covered.items()}
    return with_counts(scenario, counts, plan.interval)


def check_plan(
    scenario: Scenario,
    plan: ShiftPlan,
    targets: Sequence[Target],
    replications: int | None = None,
    seed: int | None = None,
    *,
    shrinkage: float = 0.0,
    required_on_floor: Mapping[str, list[int]] | None = None,
    conservative: bool = True,
    jobs: int | None = None,
    scheduler: Any = None,
) -> pd.DataFrame:
    """Simulate the plan; per pool and interval: required (on the floor), scheduled (to
    cover), covered, on the floor, the interval metrics (mean and CI) and ``met``
    (every target, by its CI bound, or by the mean)."""
    check_targets(targets)
    staffed = plan_scenario(scenario, plan, shrinkage)
    grid: Grid = interval_grid(scenario, plan.interval)
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    with Engine(jobs, scheduler, work=day_work(grid)) as engine:
        reps = simulate_day(staffed, grid, n, seed, engine)
    met = cells_met(reps, targets, grid, list(plan.covered), conservative)
    table = interval_table(reps, grid)
    table = table[table["pool"].isin(list(plan.covered))].reset_index(drop=True)
    table = table.drop(columns=[c for c in table if str(c).startswith(("scheduled", "present"))])
    pools = list(plan.covered)
    floor = required_on_floor or plan.required
    table.insert(4, "required", [n for p in pools for n in floor[p]])
    table.insert(5, "scheduled", [n for p in pools for n in plan.required[p]])
    table.insert(6, "covered", [n for p in pools for n in plan.covered[p]])
    table.insert(7, "on_floor", [n for p in pools for n in on_floor(plan.covered[p], shrinkage)])
    table["met"] = [bool(v) for p in pools for v in met[p]]
    return table


def misses(table: pd.DataFrame) -> Mapping[str, list[str]]:
    """The intervals of each pool where the checked plan misses a target."""
    out: dict[str, list[str]] = {}
    for row in table[~table["met"]].to_dict("records"):
        start, end = float(row["start"]), float(row["end"])
        out.setdefault(str(row["pool"]), []).append(f"{duration_text(start)}–{duration_text(end)}")
    return out


def every_interval_met(
    table: pd.DataFrame, targets: Sequence[Target], conservative: bool = True
) -> dict[str, bool]:
    """Per target metric: whether every pool × interval of the checked plan meets it (a
    cell where nothing reached the queue meets every target, as in the search)."""
    from simcc.analysis.stats import Estimate

    out = {}
    for t in targets:
        ok = True
        for row in table.to_dict("records"):
            mean = float(row[t.metric])
            if math.isnan(mean):
                continue
            e = Estimate(mean, math.nan, row[f"{t.metric}_ci_low"], row[f"{t.metric}_ci_high"], 2)
            ok &= t.met(e, conservative)
        out[t.metric] = ok
    return out
