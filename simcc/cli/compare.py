"""``simcc compare``: variants of a centre side by side, with paired differences.

Also holds what the experiment commands (compare, sweep, staff) share: the
``--jobs``/``--scheduler`` executor options, the progress bar, and clean
interruption (Ctrl-C or SIGTERM keeps the journal, exit code 130).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from simcc.analysis import format as fmt
from simcc.cli import app
from simcc.cli.common import (
    FAILURE,
    INTERRUPTED,
    console,
    err,
    finish_outputs,
    is_terminal,
    load,
    say_error,
    user_errors,
)
from simcc.io import prepare_out, write_json, write_parquet

if TYPE_CHECKING:
    from simcc.experiments import Comparison

WIDE = 12
"""Variant names longer than this are shown as A, B, C… with a legend."""

# ------------------------------------------------------ shared by the experiment commands

JOBS_HELP = "Local worker processes (default: all cores)."
SCHEDULER_HELP = "Run on a Dask cluster instead: its scheduler address, e.g. tcp://host:8786."
RESUME_HELP = "Finish an interrupted run: run only the replications missing from --out."


@contextlib.contextmanager
def experiment(out: Path | None) -> Iterator[None]:
    """Run an experiment command inside :func:`user_errors` (where SIGTERM acts as Ctrl-C).

    On interruption says where the finished replications are kept and exits
    130; a Dask scheduler that cannot be reached, or a worker process that
    died, exits 1 with one line.
    """
    from simcc.runner import ExecutorError

    try:
        yield
    except KeyboardInterrupt:
        if out is not None:
            err.print(
                f"interrupted: every finished replication is kept in {out}/journal.jsonl; "
                "run the same command with --resume to run only what is missing",
                markup=False,
            )
        else:
            err.print(
                "interrupted: nothing kept (give --out DIR to keep finished replications)",
                markup=False,
            )
        raise typer.Exit(INTERRUPTED) from None
    except ExecutorError as exc:
        say_error(str(exc))
        raise typer.Exit(FAILURE) from None


@contextlib.contextmanager
def progress(description: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when stderr is a terminal; ``None`` otherwise."""
    from simcc.experiments.progress import progress_bar

    with progress_bar(description, enabled=is_terminal(), console=err) as update:
        yield update


def journal_in(out: Path | None) -> Path | None:
    """The journal file under ``--out`` (created with the directory, before any work)."""
    from simcc.experiments import JOURNAL_NAME

    if out is None:
        return None
    return prepare_out(out) / JOURNAL_NAME


# ----------------------------------------------------------------- compare


@app.command()
def compare(
    files: list[Path] = typer.Argument(..., help="Scenario YAML files; the first is the baseline."),
    policy: list[str] | None = typer.Option(
        None,
        "--policy",
        "-p",
        metavar="POLICY",
        help="Compare these transfer policies (repeat: --policy warm --policy cold).",
    ),
    replications: int | None = typer.Option(
        None,
        "--replications",
        "-n",
        min=1,
        help="Replications per variant (default: the first scenario's).",
    ),
    seed: int | None = typer.Option(
        None, "--seed", min=0, help="Seed (default: the first scenario's)."
    ),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help=JOBS_HELP),
    scheduler: str | None = typer.Option(
        None, "--scheduler", metavar="ADDRESS", help=SCHEDULER_HELP
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Directory for summary.json, replications.parquet and the journal."
    ),
    resume: bool = typer.Option(False, "--resume", help=RESUME_HELP),
    all_metrics: bool = typer.Option(
        False, "--all", help="Show every metric, not only the headline ones."
    ),
    report: bool = typer.Option(
        False, "--report", help="Also write report.html (plots, tables, verdicts) under --out."
    ),
) -> None:
    """Compare scenarios or transfer policies with common random numbers and paired CIs."""
    from simcc.experiments import compare as run_comparison

    with user_errors(), experiment(out):
        variants = _variants([load(f) for f in files], policy or [])
        journal = journal_in(out)
        with progress("compare") as update:
            result = run_comparison(
                variants,
                replications,
                seed,
                jobs=jobs,
                scheduler=scheduler,
                journal=journal,
                resume=resume,
                progress=update,
            )
        _print(result, all_metrics)
        if out is not None:
            write_json(out / "summary.json", result.to_json())
            write_parquet(out / "replications.parquet", result.table)
            console.print(f"wrote {out}/summary.json and replications.parquet", markup=False)
            finish_outputs(out, next(iter(variants.values())), report)


def _variants(scenarios: list, policies: Sequence[str]) -> dict:
    """Named variants: each file (by its name), or each file × each --policy."""
    from simcc.experiments.comparison import ExperimentError, as_variants, policy_variants

    if not policies:
        if len(scenarios) < 2:
            raise ExperimentError(
                "give two or more scenario files, or one file and --policy twice "
                "(e.g. --policy warm --policy cold)"
            )
        return as_variants(scenarios)
    if len(scenarios) == 1:
        return as_variants(policy_variants(scenarios[0], policies))
    named = {}
    for name, scenario in as_variants(scenarios).items():
        for policy, variant in policy_variants(scenario, policies).items():
            named[f"{name}/{policy}"] = variant
    return named


def _print(result: Comparison, all_metrics: bool) -> None:
    from simcc.analysis.metrics import HEADLINE

    metrics = result.metrics if all_metrics else [m for m in HEADLINE if m in result.metrics]
    short = short_names(result.variants)
    console.print(
        f"{len(result.variants)} variants × {result.n} replication(s), seed {result.seed}, "
        "common random numbers\n"
        f"Δ: each variant − {short[result.baseline]}, paired replication by replication",
        markup=False,
    )
    if any(short[v] != v for v in result.variants):
        for v in result.variants:
            console.print(f"  {short[v]}  {v}", markup=False, soft_wrap=True)
    console.print("", markup=False)
    for line in comparison_lines(result, metrics):
        console.print(line, markup=False, soft_wrap=True)
    if result.n > 1:
        console.print(
            "\n* the 95% CI of the paired difference excludes zero", markup=False, soft_wrap=True
        )


def short_names(variants: Sequence[str]) -> dict[str, str]:
    """The names as shown in the table: themselves if short, else A, B, C…"""
    if all(len(v) <= WIDE for v in variants):
        return {v: v for v in variants}
    return {v: _letters(i) for i, v in enumerate(variants)}


def _letters(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def comparison_lines(result: Comparison, metrics: Sequence[str]) -> list[str]:
    """The comparison as text lines (80 columns): per metric a label line, then one line
    per variant with its mean and CI and, after the baseline, the paired difference."""
    from simcc.experiments.comparison import excludes_zero

    summary = result.summary()
    short = short_names(result.variants)
    blocks: list[str | list[str]] = []
    for metric in metrics:
        label = fmt.label(metric)
        indent = " " * (len(label) - len(label.lstrip()) + 2)
        blocks.append(label)
        for v in result.variants:
            e = summary[metric][v]
            cells = [indent + short[v], fmt.value(metric, e.mean), fmt.interval(metric, e)]
            if v != result.baseline:
                d = result.difference(metric, v)
                mark = "*" if excludes_zero(d) else " "
                cells += [
                    fmt.value(metric, d.mean, signed=True) + mark,
                    fmt.interval(metric, d, signed=True),
                ]
            blocks.append(cells)
    header = ["", "mean", "95% CI", f"Δ vs {short[result.baseline]} ", "95% CI"]
    rows = [b for b in blocks if isinstance(b, list)]
    widths = [max(len(r[i]) for r in [*rows, header] if i < len(r)) for i in range(len(header))]
    lines = [_line(header, widths)]
    for block in blocks:
        lines.append(block if isinstance(block, str) else _line(block, widths))
    return lines


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    parts = [cells[0].ljust(widths[0])]
    parts += [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=False)]
    return "  ".join(parts).rstrip()
