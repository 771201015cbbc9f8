"""``simcc run FILE``: replications of one scenario, a table of metrics with CIs."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from simcc.analysis import format as fmt
from simcc.analysis.stats import Estimate
from simcc.cli import app
from simcc.cli.common import console, err, load, user_errors
from simcc.io import prepare_out, write_json, write_parquet


def metrics_table(title: str, summary: dict[str, Estimate], n: int) -> Table:
    """A metric table readable in 80 columns: label, mean, 95 % CI."""
    table = Table(title=title, title_justify="left", pad_edge=False, box=None)
    table.add_column("metric", no_wrap=True)
    table.add_column("mean", justify="right", no_wrap=True)
    table.add_column("95% CI" if n > 1 else "", justify="right", no_wrap=True)
    for name, e in summary.items():
        if name == "unfinished" and not e.mean:
            continue
        table.add_row(fmt.label(name), fmt.value(name, e.mean), fmt.interval(name, e))
    return table


@app.command()
def run(
    file: Path = typer.Argument(..., help="Scenario YAML file."),
    replications: int | None = typer.Option(
        None, "--replications", "-n", min=1, help="Replications (default: the scenario's)."
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Seed (default: the scenario's)."),
    policy: str | None = typer.Option(None, "--policy", help="Override transfer.policy."),
    out: Path | None = typer.Option(None, "--out", help="Directory for summary.json and records."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes."),
) -> None:
    """Run a scenario and print its metrics with 95 % confidence intervals."""
    from simcc.runner import replicate

    with user_errors():
        scenario = load(file)
        if policy is not None:
            scenario = scenario.with_policy(policy)
        if out is not None:
            prepare_out(out)
        n = replications or scenario.replications
        reps = replicate(scenario, n, seed, jobs=jobs, keep_records=out is not None)
        summary = reps.summary()
        console.print(
            f"{scenario.display_name}\npolicy {scenario.transfer.policy}, "
            f"{reps.n} replication(s), seed {reps.seed}",
            markup=False,
        )
        console.print(metrics_table("", summary, reps.n))
        if summary["unfinished"].mean:
            err.print(
                "warning: some contacts were still in the system at the drain limit "
                "(outcome 'unfinished')",
                markup=False,
            )
        if out is not None:
            write_json(out / "summary.json", reps.to_json())
            write_parquet(out / "replications.parquet", reps.table)
            assert reps.records is not None
            write_parquet(out / "contacts.parquet", reps.records["contacts"])
            write_parquet(out / "agents.parquet", reps.records["agents"])
            write_parquet(out / "transfers.parquet", reps.records["transfers"])
            console.print(f"wrote {out}/summary.json and records", markup=False)
