"""``simcc shifts FILE --requirements staffing.csv --shift 8h --break 30m``: a shift plan."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from simcc.cli import app
from simcc.cli.common import console, load, print_whole, saved_scenario, user_errors
from simcc.io import prepare_out, write_outputs
from simcc.scenario import ScenarioError
from simcc.units import parse_duration, seconds_meant

if TYPE_CHECKING:
    import pandas as pd

    from simcc.experiments.day_check import DayCheck
    from simcc.experiments.staffing import Target
    from simcc.scenario import Scenario


SLIPS = {"--shift": ("a shift", "h"), "--break": ("a break", "m")}
"""Options where a bare number under :data:`SHORT_BARE` seconds is surely a slip, with
what the number is and the unit it was meant in (``--shift 8``: 8 hours)."""

SHORT_BARE = 600.0


def _duration(option: str, text: str) -> float:
    try:
        value = parse_duration(text)
    except ValueError as exc:
        raise ScenarioError(f"{option} {text}: {exc}") from None
    if option in SLIPS and _is_bare_number(text) and 0 < value < SHORT_BARE:
        what, unit = SLIPS[option]
        raise ScenarioError(f"{option} {text}: {seconds_meant(what, value, unit)}")
    return value


def _is_bare_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@app.command()
def shifts(
    file: Path = typer.Argument(..., help="Scenario YAML file."),
    requirements: Path = typer.Option(
        ..., "--requirements", "-r", help="staffing.csv from simcc staff --interval."
    ),
    shift: list[str] = typer.Option(
        ..., "--shift", metavar="DURATION", help="A shift length, e.g. 8h (repeat)."
    ),
    break_: str = typer.Option("0s", "--break", metavar="DURATION", help="Break per shift."),
    break_window: str = typer.Option(
        "2h",
        "--break-window",
        metavar="DURATION",
        help="The break starts within this window centred on the middle of the shift.",
    ),
    starts_every: str | None = typer.Option(
        None, "--starts-every", metavar="DURATION", help="Start times (default: every interval)."
    ),
    target: list[str] = typer.Option(
        ..., "--target", "-t", metavar="TARGET", help="Per-interval target to check (repeat)."
    ),
    policy: str | None = typer.Option(
        None, "--policy", "-p", help="Transfer policy (default: the requirements')."
    ),
    replications: int | None = typer.Option(None, "--replications", "-n", min=1),
    seed: int | None = typer.Option(None, "--seed", min=0),
    by_mean: bool = typer.Option(False, "--by-mean", help="Judge a target by the mean."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1),
    out: Path | None = typer.Option(
        None, "--out", help="Directory for plan.csv, check.csv and plan.yaml."
    ),
) -> None:
    """Choose how many agents start at each start time (CP-SAT) and check the plan."""
    from simcc.cli.interval_staff import DAY_NAME
    from simcc.experiments.day_check import day_table
    from simcc.experiments.shifts import (
        Shift,
        check_plan,
        misses,
        plan_scenario,
        plan_shifts,
        read_requirements,
    )
    from simcc.experiments.staffing import search_inputs

    with user_errors():
        scenario = load(file)
        parsed, _, variants = search_inputs(scenario, target, None, [policy] if policy else None)
        needs = read_requirements(requirements, scenario, policy)
        brk = _duration("--break", break_)
        lengths = [Shift(_duration("--shift", s), brk) for s in shift]
        window = _duration("--break-window", break_window)
        every = None if starts_every is None else _duration("--starts-every", starts_every)
        if out is not None:
            _refuse_removing_requirements(out, requirements)
            prepare_out(out, [file, requirements])
        plan = plan_shifts(needs, lengths, break_window=window, starts_every=every)
        variant = next(iter(variants.values()))
        console.print(
            f"Shift plan: {plan.agent_hours:g} paid agent-hours "
            f"({'optimal' if plan.optimal else 'best found'}; lower bound {plan.lower_bound:g})",
            markup=False,
        )
        print_whole(starts_table(plan.table))
        check = check_plan(
            variant,
            plan,
            parsed,
            replications,
            seed,
            shrinkage=needs.shrinkage,
            required_on_floor=needs.on_floor,
            conservative=not by_mean,
            jobs=jobs,
        )
        console.print("\nThe plan simulated, per interval", markup=False)
        print_whole(check_table(check, [t.metric for t in parsed]))
        missed = misses(check)
        if missed:
            for pool, where in missed.items():
                console.print(f"{pool} misses a target in {', '.join(where)}", markup=False)
        else:
            console.print("every interval meets every target", markup=False)
        staffed = plan_scenario(variant, plan, needs.shrinkage)
        day = check_the_day(staffed, parsed, check, replications, seed, not by_mean, jobs)
        if out is not None:  # one output set, manifest.json last
            files = {"plan.csv": plan.table, "check.csv": check, DAY_NAME: day_table([day])}
            write_outputs(out, files | saved_scenario(staffed, "plan.yaml"))
            console.print(
                f"wrote {out}/plan.csv, check.csv, {DAY_NAME} and plan.yaml", markup=False
            )


def check_the_day(
    staffed: Scenario,
    targets: list[Target],
    check: pd.DataFrame,
    replications: int | None,
    seed: int | None,
    conservative: bool,
    jobs: int | None,
) -> DayCheck:
    """Simulate the plan's day as ``simcc run`` measures it and print the bottom line (as
    ``simcc staff --interval`` does), with whether every interval met each target."""
    from simcc.cli.interval_staff import print_day
    from simcc.experiments import Engine
    from simcc.experiments.day_check import check_day
    from simcc.experiments.shifts import every_interval_met

    n = staffed.replications if replications is None else replications
    first = staffed.seed if seed is None else seed
    with Engine(jobs) as engine:
        day = check_day(staffed.transfer.policy, staffed, targets, n, first, engine, conservative)
    met = {day.policy: every_interval_met(check, targets, conservative)}
    print_day({day.policy: day}, n, first, conservative, met)
    return day


def _refuse_removing_requirements(out: Path, requirements: Path) -> None:
    """A new set in ``out`` removes the earlier set's files: refuse (exit 2) the directory
    whose set holds ``--requirements`` (``simcc staff --interval --out`` there)."""
    import json

    from simcc.io import MANIFEST, OutputError

    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
        same = requirements.resolve().parent == out.resolve()
    except (OSError, ValueError, KeyError, TypeError):
        return
    if same and requirements.name in listed:
        raise OutputError(
            f"--out {out} holds the output set {requirements} belongs to, and a new set "
            "there would remove it; choose another --out",
            before_work=True,
        )


def _clock(seconds: float | None) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def starts_table(table: object) -> Table:
    """One row per start: pool, shift, start, break, agents."""
    out = Table(box=None, pad_edge=False)
    for name in ("pool", "shift", "start", "break at", "agents"):
        out.add_column(name, justify="right" if name == "agents" else "left")
    for row in table.to_dict("records"):  # type: ignore[attr-defined]
        out.add_row(
            str(row["pool"]),
            str(row["shift"]),
            _clock(row["start"]),
            _clock(row["break_start"]),
            str(row["agents"]),
        )
    return out


def check_table(table: object, metrics: list[str]) -> Table:
    """Per pool and interval: required, covered, on the floor, each target metric, met."""
    from simcc.analysis import format as fmt

    out = Table(box=None, pad_edge=False)
    for name in ("pool", "from"):
        out.add_column(name, no_wrap=True)
    for name in ("required", "scheduled", "covered", "on floor", *dict.fromkeys(metrics), "met"):
        out.add_column(name, justify="right", no_wrap=True)
    for row in table.to_dict("records"):  # type: ignore[attr-defined]
        cells = [
            str(row["pool"]),
            _clock(row["start"]),
            str(row["required"]),
            str(row["scheduled"]),
            str(row["covered"]),
            str(row["on_floor"]),
        ]
        for metric in dict.fromkeys(metrics):
            value = row[metric]
            cells.append("–" if math.isnan(value) else fmt.value(metric, value))
        out.add_row(*cells, "yes" if row["met"] else "NO")
    return out
