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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from simcc.scenario import MAX_REPLICATIONS

if TYPE_CHECKING:
    from simcc.experiments import Execution
    from simcc.scenario import Scenario

ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.")]

Replications = Annotated[
    int | None,
    typer.Option(
        "--replications",
        "-n",
        min=1,
        metavar="N",
        max=MAX_REPLICATIONS,
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


def _out_dir(text: str) -> Path:
    """``--out`` as given: an empty name would mean the current directory, so it is refused."""
    if not text.strip():
        raise typer.BadParameter("is empty: give a directory name")
    return Path(text)


def share(text: str | float) -> float:
    """A share typed as a fraction or a percentage (``0.3``, ``30%``; a default as it is)."""
    from simcc.units import parse_share

    if isinstance(text, int | float):
        return float(text)
    try:
        return parse_share(text)
    except ValueError:
        raise typer.BadParameter(f"expected a share such as 0.3 or 30%, got {text!r}") from None


Out = Annotated[
    Path | None,
    typer.Option(
        "--out",
        parser=_out_dir,
        metavar="DIR",
        help="Directory for the results (made if missing); compare, sweep and staff also "
        "keep the journal of finished replications there.",
    ),
]
Report = Annotated[
    bool,
    typer.Option(
        "--report",
        help="Also write report.html (plots, tables, verdicts) under --out "
        "(without --out: under ./simcc-out/, named after the file and policies).",
    ),
]

DEFAULT_OUT = Path("simcc-out")
"""Where ``--report`` without ``--out`` writes: one directory per experiment below it."""


def report_out(out: Path | None, report: bool, name: str) -> Path | None:
    """``--out``; for ``--report`` without ``--out``, ``./simcc-out/NAME``, said on stderr.

    A planner who asks for a report gets one; the line says where, and how to choose.
    """
    if out is not None or not report:
        return out
    import re

    from simcc.cli.common import err

    chosen = DEFAULT_OUT / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "scenario")
    err.print(f"--report without --out: writing to {chosen} (--out DIR to choose)", markup=False)
    return chosen


def warn_defaulted_policies(scenarios: Iterable[Scenario]) -> None:
    """One warning line per policy some variant runs on defaults (no block in its file)."""
    from simcc.checks import policy_warnings
    from simcc.cli.common import err

    lines = dict.fromkeys(line for s in scenarios for line in policy_warnings(s))
    for line in lines:
        err.print(f"warning: {line}", markup=False)


# ------------------------------------------------------------------ execution

Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, metavar="N", help="Local worker processes (default: all cores)."
    ),
]


def _scheduler_address(value: str | None) -> str | None:
    """The ``--scheduler`` address, checked before any work (a bad one: exit 2)."""
    if value is None:
        return None
    from simcc.runner import SchedulerAddressError, check_scheduler_address

    try:
        return check_scheduler_address(value)
    except SchedulerAddressError as exc:
        raise typer.BadParameter(str(exc)) from None


Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        callback=_scheduler_address,
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
    command: str,
    out: Path | None,
    jobs: int | None,
    scheduler: str | None,
    resume: bool,
    inputs: Sequence[Path] = (),
) -> Iterator[Execution]:
    """How an experiment command runs: its workers, its journal under ``--out`` (the
    directory is made before any work; one that would overwrite an input file is
    refused) and a progress bar while the block runs.

    Ctrl-C (or SIGTERM, under :func:`~simcc.cli.common.user_errors`) in the block
    says where the finished replications are kept and exits 130.
    """
    from simcc.cli.common import INTERRUPTED, err, progress
    from simcc.experiments import JOURNAL_NAME, Execution
    from simcc.io import prepare_out

    journal = None if out is None else prepare_out(out, inputs) / JOURNAL_NAME
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
    """``["abandonment_rate=0.5%", "asa=2s"]`` as ``{metric: half-width}``, each in its
    metric's unit (:func:`simcc.analysis.format.amount`: a rate's ``%``, a time's unit)."""
    from simcc.analysis import format as fmt
    from simcc.analysis.metrics import split_grouped

    out: dict[str, float] = {}
    for text in values or []:
        name, sep, half = text.rpartition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = fmt.amount(split_grouped(name.strip())[0], half)
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
        "reached (in the metric's unit: 0.005 or 0.5% for a rate, 2s or 1m for a time); "
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


def _groups(value: list[str] | None) -> list[str] | None:
    from simcc.analysis.metrics import GROUPS

    for by in value or []:
        if by not in GROUPS:
            raise typer.BadParameter(
                f"expected one of {', '.join(GROUPS)}, got {by!r}", param_hint="--by"
            )
    return value or None


def default_by(scenarios: Iterable[Scenario]) -> list[str]:
    """Without --by: metrics by channel when the centre serves more than one channel."""
    return ["channel"] if any(len(s.group_names("channel")) > 1 for s in scenarios) else []


By = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        callback=_groups,
        help="Also show every metric per call_type, segment, need or channel (repeatable).",
    ),
]
