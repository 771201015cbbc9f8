"""``simcc sweep FILE --set PATH=VALUES …``: a grid of scenario fields, one tidy table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from simcc.analysis import format as fmt
from simcc.cli import app, legend
from simcc.cli import options as opt
from simcc.cli.common import console, finish_outputs, load, print_whole, user_errors

if TYPE_CHECKING:
    import pandas as pd

    from simcc.scenario import Scenario

SHOWN = ("service_level", "abandonment_rate", "fcr", "cost_per_contact")
"""Metrics printed per grid point unless --metric says otherwise."""


@app.command()
def sweep(
    file: opt.ScenarioFile,
    assignments: Annotated[
        list[str],
        typer.Option(
            "--set",
            "-s",
            metavar="PATH=VALUES",
            help="PATH=VALUES: a dotted YAML path and its values: 6..14, 6..14..2 or a,b,c "
            "(repeat for a grid).",
        ),
    ],
    replications: opt.Replications = None,
    seed: opt.Seed = None,
    jobs: opt.Jobs = None,
    scheduler: opt.Scheduler = None,
    out: opt.Out = None,
    resume: opt.Resume = False,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            metavar="METRIC",
            help="Metric to print per grid point (repeat; default: a few).",
        ),
    ] = None,
    report: opt.Report = False,
    estimator: opt.Estimator = "mean",
    by: opt.By = None,
) -> None:
    """Simulate every combination of scenario fields, with common random numbers.

    A metric of one group's contacts is asked as NAME[BY=GROUP], e.g.
    -m 'service_level[channel=voice]'; --by adds every metric of every group
    of BY to the results.  Under --out: results.parquet, results.csv and the journal.
    """
    from simcc.experiments import parse_grid
    from simcc.experiments import sweep as run_sweep
    from simcc.experiments.grid import grid_points

    with user_errors():
        scenario = load(file)
        grid = parse_grid(assignments)
        checked = grid_points(scenario, grid)  # every grid point is valid before any work starts
        opt.warn_defaulted_policies(point.scenario for point in checked)
        shown, groups = _shown_metrics(scenario, metric or [])
        out = opt.report_out(out, report, f"{file.stem}-sweep")
        with opt.execution("sweep", out, jobs, scheduler, resume, [file]) as execution:
            table = run_sweep(
                scenario,
                grid,
                replications,
                seed,
                estimator=estimator,
                by=list(dict.fromkeys([*(by or []), *groups])),
                execution=execution,
            )
        points = len(table) // max(1, table["replication"].nunique())
        console.print(
            f"{points} grid point(s) × {table['replication'].nunique()} replication(s), "
            "common random numbers; "
            + ("ratio of totals" if estimator == "ratio" else "mean")
            + " ± 95% CI half-width",
            markup=False,
        )
        lines, clipped = sweep_table(table, list(grid), shown, scenario.currency)
        print_whole(lines)
        for note in legend.footnotes(shown, *([fmt.ONE_SIDED_NOTE] if clipped else [])):
            console.print(note, markup=False, soft_wrap=True)
        if out is not None:
            files = {"results.parquet": table, "results.csv": table}
            finish_outputs(out, scenario, report, files)
            console.print(f"wrote {out}/results.parquet and results.csv", markup=False)


def _shown_metrics(scenario: Scenario, asked: Sequence[str]) -> tuple[list[str], list[str]]:
    """The metrics to show, and the groups (--by) that NAME[BY=GROUP] among them need."""
    from simcc.analysis.metrics import GROUPS, scenario_metric_names, split_grouped
    from simcc.experiments import ExperimentError
    from simcc.scenario.errors import did_you_mean

    names = scenario_metric_names(scenario)
    groups = []
    for name in asked:
        metric, by, group = split_grouped(name)
        if metric not in names:
            raise ExperimentError(
                f"--metric {metric}: unknown metric{did_you_mean(metric, names)} "
                f"(metrics: {', '.join(names)})"
            )
        if by is not None:
            if by not in GROUPS or not group:
                raise ExperimentError(
                    f"--metric {name}: expected NAME[BY=GROUP], BY one of {', '.join(GROUPS)}"
                )
            known = scenario.group_names(by)
            if group not in known:
                raise ExperimentError(
                    f"--metric {name}: no {by} {group!r} in the scenario "
                    f"({by}s: {', '.join(known)})"
                )
            groups.append(by)
    return list(asked) or list(SHOWN), groups


def sweep_table(
    table: pd.DataFrame, fields: list[str], metrics: Sequence[str], currency: str | None = None
) -> tuple[Table, bool]:
    """One row per grid point: the swept values, then each metric's mean ± CI half-width
    (:func:`~simcc.analysis.format.plus_minus`; a cost's column names the ``currency``),
    and whether a CI is shown one-sided, from the limit of what its metric can take."""
    from simcc.analysis.metrics import split_grouped
    from simcc.analysis.stats import Estimate
    from simcc.experiments import summarize

    clipped = False
    summary = summarize(table, fields)
    out = Table(
        box=None,
        pad_edge=False,
        collapse_padding=True,
    )
    for name in _short(fields):
        out.add_column(name, no_wrap=True)
    for name in metrics:
        title = legend.with_currency(split_grouped(name)[0], name, currency)
        out.add_column(escape(title), justify="right", no_wrap=True)
    for _, point in summary.groupby(fields, sort=False):
        first = point.iloc[0]
        cells = [str(first[f]) for f in fields]
        for name in metrics:
            rows = point[point["metric"] == name]
            if rows.empty:  # a group with no contact in any replication of the sweep
                cells.append("–")
                continue
            row = rows.iloc[0]
            e = Estimate(row["mean"], row["std"], row["ci_low"], row["ci_high"], int(row["n"]))
            metric = split_grouped(name)[0]
            cells.append(fmt.plus_minus(metric, e))
            clipped = clipped or fmt.clipped(metric, e)
        out.add_row(*cells)
    return out, clipped


def _short(fields: list[str]) -> list[str]:
    """Column titles: the last part of each path, unless two paths end alike."""
    last = [f.rsplit(".", 1)[-1] for f in fields]
    return last if len(set(last)) == len(last) else fields
