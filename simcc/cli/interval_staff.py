"""``simcc staff FILE --interval 30m --target …``: agents per pool and per interval.

Not a command of its own: :func:`simcc.cli.staff.staff` hands over here when
``--interval`` is given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from simcc.cli import options as opt
from simcc.cli.common import console, load, print_whole, saved_scenario
from simcc.io import Content, write_outputs
from simcc.scenario import ScenarioError
from simcc.units import duration_text, parse_duration

if TYPE_CHECKING:
    import pandas as pd

    from simcc.experiments.day_check import DayCheck
    from simcc.experiments.interval_staffing import IntervalStaffingResult

REQUIREMENTS_NAME = "staffing.csv"
"""The interval table under ``--out``, which ``simcc shifts --requirements`` reads."""
UNSTAFFED_NAME = "unstaffed.json"
"""Under ``--out`` when a policy could not be staffed: ``{policy: why}`` (the command then
exits 0 if another policy was staffed, 2 if none was); ``simcc staff`` writes it too."""
COST_NAME = "cost.csv"
"""Per policy and searched pool: paid agent-hours, cost_per_hour, cost, currency."""
DAY_NAME = "day-check.csv"
"""Each target over the whole staffed day (:func:`simcc.experiments.day_check.day_table`)."""


def interval_option(text: str) -> float:
    """``--interval 30m`` in seconds; a bad duration is a usage error."""
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise ScenarioError(f"--interval {text}: {exc}") from None


def staff_by_interval(
    file: Path,
    targets: list[str],
    pools: list[str] | None,
    policies: list[str] | None,
    replications: int | None,
    seed: int | None,
    by_mean: bool,
    max_agents: int,
    jobs: int | None,
    scheduler: str | None,
    out: Path | None,
    interval: str | None,
    shrinkage: float,
    resume: bool = False,
) -> None:
    """Run the interval search and print / write its table and staffed scenarios."""
    from simcc.experiments.interval_staffing import (
        check_shrinkage,
        check_targets,
        interval_grid,
        staff_intervals,
    )
    from simcc.experiments.staffing import search_inputs

    if interval is None:
        raise ScenarioError("--shrinkage applies to staffing per interval: give --interval too")
    scenario = load(file)
    seconds = interval_option(interval)
    parsed, _, _ = search_inputs(scenario, targets, pools, policies)  # bad options stop here
    check_targets(parsed)
    check_shrinkage(shrinkage)
    interval_grid(scenario, seconds)
    with opt.execution("staff", out, jobs, scheduler, resume, [file]) as execution:
        result = staff_intervals(
            scenario,
            parsed,
            seconds,
            pools,
            policies,
            replications,
            seed,
            shrinkage=shrinkage,
            conservative=not by_mean,
            max_agents=max_agents,
            execution=execution,
        )
    show_and_write(result, seconds, out)


def show_and_write(result: IntervalStaffingResult, seconds: float, out: Path | None) -> None:
    """The interval table, the day's bottom line, the cost, the policies not staffed; under
    ``out`` the files as one output set."""
    from simcc.experiments.day_check import day_table

    rule = "95% CI bound" if result.conservative else "mean"
    console.print(
        f"Fewest agents per {duration_text(seconds)} interval meeting every target by its "
        f"{rule} ({result.replications} replication(s) per staffing, seed {result.seed}); "
        f"the search simulated {result.evaluations} staffing(s) = "
        f"{result.simulated_days} simulated days",
        markup=False,
    )
    print_whole(requirements_table(result.table, [t.metric for t in result.targets]))
    print_day(result.day, result.replications, result.seed, result.conservative)
    costs = interval_costs(result)
    for line in cost_lines(costs, "scheduled"):
        console.print(line, markup=False)
    for reason in result.unstaffed.values():
        console.print(f"\nnot staffed: {reason}", markup=False)
    if out is not None:  # one output set, manifest.json last (an earlier set's rest removed)
        files: dict[str, Content] = {
            REQUIREMENTS_NAME: result.table,
            DAY_NAME: day_table(list(result.day.values())),
            COST_NAME: costs,
        }
        copies: dict[str, Path] = {}  # empirical files the staffed scenarios name, copied once
        for policy in result.required:
            name = f"staffed-{_slug(policy)}.yaml"
            files |= saved_scenario(result.scenario(policy), name, copies)
        if result.unstaffed:
            files[UNSTAFFED_NAME] = result.unstaffed
        write_outputs(out, files)
        console.print(f"wrote {', '.join(f'{out}/{n}' for n in files)}", markup=False)


def print_day(
    checks: Mapping[str, DayCheck],
    replications: int,
    seed: int,
    conservative: bool,
    every_interval: Mapping[str, Mapping[str, bool]] | None = None,
) -> None:
    """The bottom line: each target over the whole staffed day, met or not, and why a
    target every interval meets can miss over the day.  ``every_interval[policy][metric]``:
    whether every interval met that target (default: all did, as a search's answer)."""
    rule = "95% CI bound" if conservative else "mean"
    console.print(
        f"\nThe whole day at this staffing, as simcc run measures it ({replications} "
        f"replication(s), seed {seed}; met: the {rule} is on the right side)",
        markup=False,
    )
    print_whole(day_summary(checks, every_interval))
    for policy, check in checks.items():
        for day in check.targets:
            if day.met:
                continue
            every = _every(every_interval, policy, day.target.metric)
            said = "is met in every interval of every pool judged but" if every else "is"
            console.print(
                f"{policy}: {day.target} {said} NOT met over the day: {check.why_not(day)}",
                markup=False,
            )
        if not check.met:
            console.print(
                f"{policy}: this staffing does not meet every target over the day; see "
                "docs/experiments.md, 'The day, not only its intervals'",
                markup=False,
            )


def _every(
    every_interval: Mapping[str, Mapping[str, bool]] | None, policy: str, metric: str
) -> bool:
    return True if every_interval is None else every_interval[policy][metric]


def day_summary(
    checks: Mapping[str, DayCheck], every_interval: Mapping[str, Mapping[str, bool]] | None
) -> Table:
    """Per policy and target: the day's mean and 95 % CI, met in every interval, met for
    the day."""
    from simcc.analysis import format as fmt

    table = Table(box=None, pad_edge=False)
    for name in ("policy", "target"):
        table.add_column(name, no_wrap=True)
    for name in ("day mean", "95% CI", "each interval", "the day"):
        table.add_column(name, justify="right", no_wrap=True)
    for policy, check in checks.items():
        for day in check.targets:
            metric, e = day.target.metric, day.estimate
            table.add_row(
                policy,
                str(day.target),
                fmt.value(metric, e.mean),
                fmt.interval(metric, e),
                "met" if _every(every_interval, policy, metric) else "NOT all",
                "met" if day.met else "NOT met",
            )
    return table


def cost_lines(costs: pd.DataFrame, what: str) -> list[str]:
    """``warm: 612 agent-hours … = 21,390 EUR for the day`` per policy (``costs``: the
    rows of :func:`simcc.experiments.staffing.staffing_cost` with a ``policy`` column)."""
    lines = []
    for policy, rows in costs.groupby("policy", sort=False):
        hours = rows["agent_hours"].sum()
        if not (rows["cost_per_hour"] > 0).any():  # no costs in the file: 0.00 would be noise
            parts = ", ".join(f"{r.pool} {r.agent_hours:g} h" for r in rows.itertuples())
            lines.append(
                f"{policy}: {hours:g} {what} agent-hours ({parts}); "
                "no cost_per_hour in the file for these pools, so no cost"
            )
            continue
        currency = str(rows["currency"].iloc[0])
        parts = ", ".join(
            f"{r.pool} {r.agent_hours:g} h × {r.cost_per_hour:g}" for r in rows.itertuples()
        )
        total = f"{rows['cost'].sum():,.2f}" + (f" {currency}" if currency else "")
        lines.append(
            f"{policy}: {hours:g} {what} agent-hours ({parts}) = {total} "
            "for the day (each searched pool's cost_per_hour)"
        )
    return lines


def interval_costs(result: IntervalStaffingResult) -> pd.DataFrame:
    """Per policy and searched pool: the agents scheduled (absence included: they are paid)
    over the day's intervals, and their cost."""
    import pandas as pd

    from simcc.experiments.interval_staffing import scheduled_agents
    from simcc.experiments.staffing import staffing_cost

    hours = result.grid.interval / 3600.0
    frames = []
    for policy, counts in result.required.items():
        paid = {p: sum(scheduled_agents(c, result.shrinkage)) * hours for p, c in counts.items()}
        frames.append(staffing_cost(result.scenario(policy), paid).assign(policy=policy))
    table = pd.concat(frames, ignore_index=True)
    return table[["policy", *table.columns[:-1]]]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text)


def requirements_table(table: pd.DataFrame, metrics: list[str]) -> Table:
    """Per (policy,) pool and interval: Erlang start, required, scheduled, busy, each target
    metric; the policy column only when there are several."""
    from simcc.analysis import format as fmt

    policies = table["policy"].nunique() > 1
    out = Table(box=None, pad_edge=False)
    for name in ("policy", "pool", "from") if policies else ("pool", "from"):
        out.add_column(name, no_wrap=True)
    for name in ("Erlang", "required", "scheduled", "busy", *dict.fromkeys(metrics)):
        out.add_column(name, justify="right", no_wrap=True)
    for row in table.to_dict("records"):
        cells = [str(row["policy"])] if policies else []
        cells += [
            str(row["pool"]),
            _clock(row["start"]),
            str(row["erlang"]),
            str(row["required"]),
            str(row["scheduled"]),
            f"{row['busy']:.1f}",
        ]
        for metric in dict.fromkeys(metrics):
            value = row[metric]
            cells.append("–" if math.isnan(value) else fmt.value(metric, value))
        out.add_row(*cells)
    return out


def _clock(seconds: float) -> str:
    """Time from the start of the day as ``h:mm``."""
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"
