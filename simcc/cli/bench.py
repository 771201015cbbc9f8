"""``simcc bench FILE``: how fast a scenario runs, and (``--profile``) where the time goes."""

from __future__ import annotations

from pathlib import Path

import typer

from simcc.cli import app
from simcc.cli.common import console, load, user_errors


@app.command()
def bench(
    file: Path = typer.Argument(..., help="Scenario YAML file."),
    replications: int = typer.Option(3, "--replications", "-n", min=1, help="Runs to time."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Seed (default: the scenario's)."),
    profile: bool = typer.Option(False, "--profile", help="Show the 15 costliest functions."),
) -> None:
    """Time single replications of a scenario (contacts per second) in this process."""
    import cProfile
    import io
    import pstats
    import statistics
    import time

    from simcc.runner import simulate

    with user_errors():
        scenario = load(file)
        seed = scenario.seed if seed is None else seed
        rates, seconds = [], []
        profiler = cProfile.Profile() if profile else None
        for i in range(replications):
            start = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            result = simulate(scenario, seed, i)
            offered = result.metrics()["offered"]
            if profiler is not None:
                profiler.disable()
            elapsed = time.perf_counter() - start
            seconds.append(elapsed)
            rates.append(result.recorder.n_contacts / elapsed)
            console.print(
                f"replication {i}: {result.recorder.n_contacts:,} contacts "
                f"({offered:,.0f} measured) in {elapsed:.2f} s",
                markup=False,
            )
        console.print(
            f"{scenario.display_name}: {statistics.median(rates):,.0f} contacts/s "
            f"(median of {replications}; min {min(rates):,.0f}, max {max(rates):,.0f})"
            + (" — profiled, so slower" if profile else ""),
            markup=False,
        )
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
            typer.echo(out.getvalue())
