"""The options several commands share, declared once, and the Execution they make.

A command names an option by its type here::

    def sweep(file: opt.ScenarioFile, replications: opt.Replications = None, ...)

so ``--replications/-n``, ``--seed``, ``--jobs/-j``, ``--scheduler``,
``--out``, ``--resume``, ``--report``… read and check the same in every
command.  :func:`execution` turns the execution options of an experiment
command into one :class:`~simcc.experiments.Execution`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from simcc.experiments import Execution

ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.")]

Replications = Annotated[
    int | None,
    typer.Option(
        "--replications",
        "-n",
        min=1,
        help="Replications per scenario simulated (default: the file's).",
    ),
]
Seed = Annotated[int | None, typer.Option("--seed", min=0, help="Seed (default: the file's).")]
Policies = Annotated[
    list[str] | None,
    typer.Option(
        "--policy",
        "-p",
        metavar="POLICY",
        help="A transfer policy to try instead of the file's (repeat: --policy warm "
        "--policy cold).",
    ),
]
Out = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Directory for the results (made if missing); compare, sweep and staff also "
        "keep the journal of finished replications there.",
    ),
]
Report = Annotated[
    bool,
    typer.Option("--report", help="Also write report.html (plots, tables, verdicts) under --out."),
]

# ------------------------------------------------------------------ execution

Jobs = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Local worker processes (default: all cores)."),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run on a Dask cluster instead: its scheduler address, e.g. tcp://host:8786.",
    ),
]
Resume = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Finish an interrupted run: run only the replications missing from --out.",
    ),
]


@contextlib.contextmanager
def execution(
    command: str, out: Path | None, jobs: int | None, scheduler: str | None, resume: bool
) -> Iterator[Execution]:
    """How an experiment command runs: its workers, its journal under ``--out`` (the
    directory is made before any work) and a progress bar while the block runs.

    Ctrl-C (or SIGTERM, under :func:`~simcc.cli.common.user_errors`) in the block
    says where the finished replications are kept and exits 130.
    """
    from simcc.cli.common import INTERRUPTED, err, progress
    from simcc.experiments import JOURNAL_NAME, Execution
    from simcc.io import prepare_out

    journal = None if out is None else prepare_out(out) / JOURNAL_NAME
    try:
        with progress(command) as update:
            yield Execution(jobs, scheduler, journal, resume, update)
    except KeyboardInterrupt:
        if out is not None:
            err.print(
                f"interrupted: every finished replication is kept in {journal}; "
                "run the same command with --resume to run only what is missing",
                markup=False,
            )
        else:
            err.print(
                "interrupted: nothing kept (give --out DIR to keep finished replications)",
                markup=False,
            )
        raise typer.Exit(INTERRUPTED) from None


# ------------------------------------------------------------------ estimators


def _estimator(value: str | None) -> str | None:
    if value is not None and value not in ("mean", "ratio"):
        raise typer.BadParameter(f"expected mean or ratio, got {value!r}")
    return value


Estimator = Annotated[
    str,
    typer.Option(
        "--estimator",
        metavar="mean|ratio",
        callback=_estimator,
        help="How rates are estimated over replications: the mean of each replication's "
        "rate (default), or the ratio of totals (Σ numerators / Σ denominators) with "
        "delta-method CIs.",
    ),
]


def parse_precision(values: list[str] | None) -> dict[str, float]:
    """``["abandonment_rate=0.005", "asa=2"]`` as ``{metric: half-width}`` (a trailing ``%``
    divides by 100)."""
    out: dict[str, float] = {}
    for text in values or []:
        name, sep, half = text.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            number = half.strip()
            out[name.strip()] = float(number[:-1]) / 100 if number.endswith("%") else float(number)
        except ValueError:
            raise typer.BadParameter(
                f"expected METRIC=HALF_WIDTH (e.g. abandonment_rate=0.005), got {text!r}",
                param_hint="--precision",
            ) from None
    return out


Precision = Annotated[
    list[str] | None,
    typer.Option(
        "--precision",
        metavar="METRIC=HALF_WIDTH",
        help="Run more replications, in batches, until this metric's 95% CI half-width is "
        "reached (in the metric's unit: 0.005 or 0.5% for a rate, seconds for a time); "
        "repeat for several metrics. At most --max-replications.",
    ),
]
MaxReplications = Annotated[
    int | None,
    typer.Option(
        "--max-replications",
        min=1,
        help="The most replications --precision may run (default: 10 × --replications).",
    ),
]
ControlVariates = Annotated[
    bool,
    typer.Option(
        "--control-variates",
        help="Adjust every metric by what the scenario knows exactly (the number of "
        "arrivals, the sum of first handle-time draws); shows each metric's variance "
        "reduction.",
    ),
]
