"""``simcc staff FILE --target … --pool …``: the fewest agents meeting every target."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from simcc.analysis import format as fmt
from simcc.cli import app
from simcc.cli import options as opt
from simcc.cli.common import console, load, print_whole, user_errors
from simcc.io import write_outputs
from simcc.scenario.group_staffing import split_agents

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from simcc.experiments import StaffingResult
    from simcc.scenario import Scenario


@app.command()
def staff(
    file: opt.ScenarioFile,
    target: Annotated[
        list[str],
        typer.Option(
            "--target",
            "-t",
            metavar="TARGET",
            help="METRIC:ge:VALUE or METRIC:le:VALUE, e.g. service_level:ge:0.8 or "
            "asa:le:30s (repeat); or, quoted, 'service_level>=0.8'.",
        ),
    ],
    pool: Annotated[
        list[str] | None,
        typer.Option(
            "--pool",
            metavar="POOL",
            help="Pool whose agents the search may change (repeat; default: all).",
        ),
    ] = None,
    policy: opt.Policies = None,
    replications: opt.Replications = None,
    seed: opt.Seed = None,
    by_mean: Annotated[
        bool, typer.Option("--by-mean", help="Judge a target by the mean, not by its 95% CI bound.")
    ] = False,
    max_agents: Annotated[
        int, typer.Option("--max-agents", min=1, metavar="N", help="Give up above this.")
    ] = 1000,
    jobs: opt.Jobs = None,
    scheduler: opt.Scheduler = None,
    out: opt.Out = None,
    resume: opt.Resume = False,
    interval: Annotated[
        str | None,
        typer.Option(
            "--interval", metavar="DURATION", help="Staff per interval of this length (30m)."
        ),
    ] = None,
    shrinkage: Annotated[
        float,
        typer.Option(
            "--shrinkage",
            parser=opt.share,
            metavar="SHARE",
            help="With --interval: absence share s (0.3 or 30%); scheduled = ⌈required/(1−s)⌉.",
        ),
    ] = 0.0,
) -> None:
    """Find the fewest agents per pool meeting every target, for each transfer policy.

    Each staffing tried runs --replications; under --out: staffing.json, evaluations.csv
    and the journal.
    """
    from simcc.experiments import staff as run_search
    from simcc.experiments.staffing import search_inputs

    with user_errors():
        if interval is not None or shrinkage:  # per interval: simcc/cli/interval_staff.py
            from simcc.cli.interval_staff import staff_by_interval

            return staff_by_interval(
                file, target, pool, policy, replications, seed, by_mean, max_agents,
                jobs, scheduler, out, interval, shrinkage, resume,
            )  # fmt: skip
        scenario = load(file)
        _, _, variants = search_inputs(scenario, target, pool, policy)  # bad options stop here
        opt.warn_defaulted_policies(variants.values())
        with opt.execution("staff", out, jobs, scheduler, resume, [file]) as execution:
            result = run_search(
                scenario,
                target,
                pool,
                policy,
                replications,
                seed,
                max_agents=max_agents,
                conservative=not by_mean,
                execution=execution,
            )
        _answer(scenario, result, out)


def _answer(scenario: Scenario, result: StaffingResult, out: Path | None) -> None:
    """The staffing found, its targets, its cost and the policies not staffed; under
    ``out``, the same as one output set."""
    from simcc.cli.interval_staff import COST_NAME, UNSTAFFED_NAME, cost_lines

    console.print(
        f"Fewest agents meeting every target ({result.replications} replication(s) "
        f"per staffing tried, seed {result.seed})",
        markup=False,
    )
    print_whole(staffing_table(result))
    for line in group_lines(scenario, result) + unheld_lines(result):
        console.print(line, markup=False)
    rule = "95% CI bound" if result.conservative else "mean"
    console.print(f"\nTargets at that staffing (met: the {rule} is on the right side)")
    print_whole(targets_table(result))
    costs = constant_costs(scenario, result)
    for line in cost_lines(costs, "paid"):
        console.print(line, markup=False)
    for reason in result.unstaffed.values():
        console.print(f"\nnot staffed: {reason}", markup=False)
    if out is not None:
        files = {"staffing.json": result.to_json(), "evaluations.csv": result.evaluations}
        files[COST_NAME] = costs
        if result.unstaffed:
            files[UNSTAFFED_NAME] = result.unstaffed
        write_outputs(out, files)
        console.print(f"wrote {', '.join(f'{out}/{n}' for n in files)}", markup=False)


def constant_costs(scenario: Scenario, result: StaffingResult) -> pd.DataFrame:
    """Per policy staffed and searched pool: its agents over the horizon, and their cost."""
    import pandas as pd

    from simcc.experiments.staffing import staffing_cost

    hours = scenario.horizon / 3600.0
    frames = [
        staffing_cost(scenario, {p: n * hours for p, n in staffing.items()}).assign(policy=policy)
        for policy, staffing in result.agents.items()
    ]
    table = pd.concat(frames, ignore_index=True)
    return table[["policy", *table.columns[:-1]]]


def staffing_table(result: StaffingResult) -> Table:
    """Agents per policy and pool: the Erlang estimate and what simulation confirmed."""
    table = Table(box=None, pad_edge=False)
    for name, justify in (("policy", "left"), ("pool", "left"), ("Erlang", "right")):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    table.add_column("agents", justify="right", no_wrap=True)
    for row in result.table.itertuples(index=False):
        table.add_row(str(row.policy), str(row.pool), str(row.erlang), str(row.agents))
    return table


def unheld_lines(result: StaffingResult) -> list[str]:
    """A warning for each pool the targets do not hold up: it ended at one agent."""
    return [
        f"{policy}: {pool} ends at 1 agent, the least the search gives: no target needs "
        f"more there. Add a target that depends on it (abandonment_rate:le:0.05, or "
        f"occupancy_{pool}:le:0.85), or leave it out of --pool to keep the file's agents."
        for policy, pool in result.held_by_no_target()
    ]


def group_lines(scenario: Scenario, result: StaffingResult) -> list[str]:
    """How each grouped pool's agents found are shared among its groups (the file's mix)."""
    lines = []
    for policy, staffing in result.agents.items():
        for pool, n in staffing.items():
            if scenario.pools[pool].groups is not None:
                parts = ", ".join(
                    f"{g} {k}" for g, k in split_agents(scenario.pools[pool], n).items()
                )
                lines.append(f"{policy}: {pool}'s {n} agents by group, in the file's mix: {parts}")
    return lines


def targets_table(result: StaffingResult) -> Table:
    """Each target at the staffing found: mean, 95% CI and whether it is met."""
    table = Table(box=None, pad_edge=False)
    for name in ("policy", "target", "mean", "95% CI", "met"):
        table.add_column(name, justify="left" if name in ("policy", "target") else "right")
    for policy in result.agents:
        found = result.found(policy)
        for t in result.targets:
            e = found.estimates[t.metric]
            met = "yes" if t.met(e, result.conservative) else "no"
            table.add_row(
                policy, str(t), fmt.value(t.metric, e.mean), fmt.interval(t.metric, e), met
            )
    return table
