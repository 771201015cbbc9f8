"""``simcc run FILE``: replications of one scenario, a table of metrics with CIs.

Before running, :func:`simcc.checks.check` warns about pools that cannot carry
their load and caps queues that would grow without bound.  ``--max-contacts``
and ``--wall-clock`` stop a run early (options of :func:`simcc.runner.replicate`,
which this command calls); Ctrl-C and SIGTERM stop it too.  In
every case what was measured is kept: the replications that finished (and,
for the limits, the one stopped, up to that moment) are summarised and
written as one set (:func:`simcc.io.write_outputs`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from simcc.analysis import format as fmt
from simcc.cli import app, legend
from simcc.cli import options as opt
from simcc.cli.common import (
    FAILURE,
    INTERRUPTED,
    console,
    err,
    finish_outputs,
    load,
    progress,
    saved_scenario,
    user_errors,
)
from simcc.io import prepare_out, signals_held
from simcc.scenario import POLICIES, ScenarioError

if TYPE_CHECKING:
    from simcc.analysis.stats import Estimate
    from simcc.record_files import RecordFiles
    from simcc.run_resume import Earlier
    from simcc.runner import Replications
    from simcc.scenario import Scenario


def metrics_table(
    title: str, summary: dict[str, Estimate], n: int, currency: str | None = None
) -> Table:
    """A metric table readable in 80 columns: label, mean, 95 % CI (costs in ``currency``)."""
    table = Table(title=title, title_justify="left", pad_edge=False, box=None)
    table.add_column("metric", no_wrap=True)
    table.add_column("mean", justify="right", no_wrap=True)
    table.add_column("95% CI" if n > 1 else "", justify="right", no_wrap=True)
    for name, e in summary.items():
        if name == "unfinished" and not e.mean:
            continue
        table.add_row(legend.label(name, currency), fmt.value(name, e.mean), fmt.interval(name, e))
    return table


def _positive_seconds(value: float | None) -> float | None:
    if value is not None and not value > 0:
        raise typer.BadParameter(f"must be > 0 seconds, got {value:g}", param_hint="--wall-clock")
    return value


Policy = Annotated[
    str | None, typer.Option("--policy", metavar="POLICY", help="Override transfer.policy.")
]
MaxContacts = Annotated[
    int | None,
    typer.Option(
        "--max-contacts",
        min=1,
        metavar="N",
        help="Stop arrivals and re-contacts after N contacts in a replication; what was "
        "measured is kept.",
    ),
]
WallClock = Annotated[
    float | None,
    typer.Option(
        "--wall-clock",
        callback=_positive_seconds,
        metavar="SECONDS",
        help="Stop after SECONDS of real time; finished replications and the one stopped are kept.",
    ),
]
CapQueues = Annotated[
    bool,
    typer.Option(
        "--cap-queues/--no-cap-queues",
        help="Cap the queue of a pool that cannot keep up with customers who never hang up.",
    ),
]


def groups_table(by: str, summary: dict[str, dict[str, Estimate]]) -> Table:
    """Each metric (rows) in each group (columns): the mean and, with replications, the
    half-width of its 95 % CI (``12.5% ±1.2%``)."""
    table = Table(title=f"by {by}", title_justify="left", pad_edge=False, box=None)
    table.add_column("metric", no_wrap=True)
    for group in summary:
        table.add_column(group, justify="right")
    names = list(dict.fromkeys(m for metrics in summary.values() for m in metrics))
    for name in names:
        cells = []
        for metrics in summary.values():
            e = metrics.get(name)
            if e is None:
                cells.append("")
                continue
            cells.append(fmt.plus_minus(name, e))
        table.add_row(fmt.label(name), *cells)
    return table


@app.command()
def run(
    file: opt.ScenarioFile,
    replications: opt.Replications = None,
    seed: opt.Seed = None,
    policy: Policy = None,
    out: opt.Out = None,
    jobs: opt.Jobs = None,
    scheduler: opt.Scheduler = None,
    max_contacts: MaxContacts = None,
    wall_clock: WallClock = None,
    cap_queues: CapQueues = True,
    report: opt.Report = False,
    estimator: opt.Estimator = "mean",
    precision: opt.Precision = None,
    max_replications: opt.MaxReplications = None,
    control_variates: opt.ControlVariates = False,
    by: opt.By = None,
    resume: opt.Resume = False,
) -> None:
    """Run a scenario and print its metrics with 95 % confidence intervals.

    Under --out: summary.json, replications.parquet and the records (contacts, agents,
    transfers).  With --by, the metrics per group too (and under ``by`` in summary.json);
    a scenario with more than one channel shows them by channel unless --by says otherwise
    (or --resume, whose earlier replications kept no groups).
    """
    from simcc.workers import start_early

    if scheduler is None and replications != 1:
        # the workers' engine loads while this process loads the scenario
        start_early(jobs, records=out is not None or report)
    targets = opt.parse_precision(precision)
    with user_errors():
        if control_variates and estimator == "ratio":
            raise ScenarioError(
                "--control-variates and --estimator ratio are two estimators: choose one"
            )
        scenario = _checked(file, policy, cap_queues)
        _check_precision(scenario, replications, targets, max_replications)
        out = opt.report_out(out, report, f"{file.stem}-{scenario.transfer.policy}")
        if out is not None:
            prepare_out(out, inputs=[file])
        refused = {
            "--estimator ratio": estimator == "ratio",
            "--control-variates": control_variates,
            "--precision": bool(targets),
            "--by": bool(by),
        }
        earlier = _earlier(out, scenario, seed, replications, refused) if resume else None
        if by is None and not resume:  # a resumed run's earlier replications kept no groups
            by = opt.default_by([scenario])
        with _record_files(out, scenario) as records:
            if earlier is not None and records is not None:
                from simcc.run_resume import add_earlier_records

                add_earlier_records(earlier, records)
            reps = _replicate(
                scenario,
                replications,
                seed,
                jobs=jobs,
                scheduler=scheduler,
                records=records,
                max_contacts=max_contacts,
                wall_clock=wall_clock,
                estimator="control-variates" if control_variates else estimator,
                precision=targets,
                max_replications=max_replications,
                by=by or (),
                done=None if earlier is None else earlier.metrics,
            )
            _exit_if_none_finished(reps)
            # every replication asked for is done (or kept): an interrupt from here waits
            # until they are written, since a run keeps no journal to resume them from
            with signals_held():
                _report(reps)
                _groups(reps, by or [])
                if out is not None and records is not None:
                    finish_outputs(out, scenario, report, _outputs(reps) | records.finish())
                    console.print(f"wrote {out}/summary.json and records", markup=False)
        if reps.interrupted:
            err.print(
                f"interrupted: kept the {reps.n} finished replication(s)"
                + (f" in {out}" if out is not None else ""),
                markup=False,
            )
            raise typer.Exit(INTERRUPTED)


def _checked(file: Path, policy: str | None, cap_queues: bool) -> Scenario:
    """The scenario file loaded, with its --policy, checked; the check's warnings printed."""
    from simcc.checks import check

    scenario = load(file)
    if policy is not None:
        scenario = scenario.with_policy(_policy(policy))
    checked = check(scenario, cap_queues=cap_queues)
    for warning in checked.warnings:
        err.print(f"warning: {warning}", markup=False)
    opt.warn_defaulted_policies([scenario])
    return checked.scenario


def _exit_if_none_finished(reps: Replications) -> None:
    """Nothing to report: say why (Ctrl-C or --wall-clock) and exit with its code."""
    if reps.n == 0:
        why = "interrupted" if reps.interrupted else "the wall-clock limit was reached"
        err.print(f"{why} before any replication finished; nothing to report", markup=False)
        raise typer.Exit(INTERRUPTED if reps.interrupted else FAILURE)


def _record_files(
    out: Path | None, scenario: Scenario
) -> contextlib.AbstractContextManager[RecordFiles | None]:
    """Where the records stream to under ``--out`` (nothing without it)."""
    if out is None:
        return contextlib.nullcontext()
    from simcc.record_files import RecordFiles
    from simcc.runner import names_of

    return RecordFiles(out, names_of(scenario))


def _earlier(
    out: Path | None, scenario: Scenario, seed: int | None, n: int | None, refused: dict[str, bool]
) -> Earlier:
    """``--resume``: the replications the interrupted run in ``out`` finished (exit 2 when
    there is none, or it was another run)."""
    from simcc.run_resume import check_resumable, earlier_run

    if out is None:
        raise ScenarioError("--resume needs --out: the directory of the interrupted run")
    check_resumable(refused)
    text = saved_scenario(scenario)["scenario.yaml"]
    return earlier_run(
        out,
        text,
        scenario.seed if seed is None else seed,
        scenario.replications if n is None else n,
    )


def _replicate(scenario: Scenario, n: int | None, seed: int | None, **options: Any) -> Replications:
    """:func:`simcc.runner.replicate` under a progress bar; Ctrl-C keeps what had finished."""
    from simcc.runner import Interrupted, replicate

    try:
        with progress("run") as update:
            return replicate(scenario, n, seed, progress=update, **options)
    except Interrupted as stop:
        return stop.replications


def _check_precision(
    scenario: Scenario, n: int | None, targets: dict[str, float], most: int | None
) -> None:
    """``--precision`` and ``--max-replications`` checked before any work (exit 2)."""
    from simcc.analysis.precision import check_precision

    n = scenario.replications if n is None else n
    try:
        check_precision(scenario, n, targets, most)
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None


def _policy(name: str) -> str:
    """The ``--policy`` value, checked like the file's ``transfer.policy``."""
    from simcc.scenario.errors import did_you_mean

    choices = (*POLICIES, "rules")
    if name not in choices:
        raise ScenarioError(
            f"--policy: expected one of {', '.join(choices)}, got {name!r}"
            + did_you_mean(name, choices)
        )
    return name


# ============================================================================ reporting


def _groups(reps: Replications, by: list[str]) -> None:
    """Each ``--by`` group's table, and the note a one-sided CI in any of them needs."""
    one_sided = False
    for group in by:
        summary = reps.summary_by(group)
        console.print(groups_table(group, summary))
        one_sided |= any(fmt.clipped(m, e) for row in summary.values() for m, e in row.items())
    for note in legend.footnotes([], *([fmt.ONE_SIDED_NOTE] if one_sided else [])):
        console.print(note, markup=False, soft_wrap=True)


def _report(reps: Replications) -> None:
    summary = reps.summary()
    console.print(
        f"{reps.scenario.display_name}\npolicy {reps.scenario.transfer.policy}, "
        f"{reps.n} replication(s), seed {reps.seed}",
        markup=False,
    )
    console.print(metrics_table("", summary, reps.n, reps.scenario.currency))
    clipped = [fmt.CLIPPED_NOTE] if any(fmt.clipped(m, e) for m, e in summary.items()) else []
    for note in legend.footnotes(summary, *clipped):
        console.print(note, markup=False, soft_wrap=True)
    _estimator_lines(reps)
    unfinished = summary.get("unfinished")
    if unfinished is not None and unfinished.mean and not reps.stopped_early:
        err.print(
            "warning: some contacts were still in the system at the drain limit "
            "(outcome 'unfinished')",
            markup=False,
        )
    for note in reps.notes():
        err.print(f"stopped early: {note}", markup=False)
    if reps.stopped_early:
        err.print(
            "the numbers above cover the contacts that arrived before the stop (contacts "
            "still in the system then count as 'unfinished'); occupancy and staffed cost "
            "are over the whole window, so occupancy reads low and cost per contact high",
            markup=False,
        )


EXACT_REDUCTION = 1e9
"""A variance-reduction factor past which the adjusted estimate's variance is rounding
noise: the metric is a linear function of the controls."""


def _estimator_lines(reps: Replications) -> None:
    """Under the table: a non-default estimator, the variance reduction of control
    variates, and whether each --precision target was reached."""
    if reps.estimator == "ratio":
        console.print("estimator: ratios of totals, delta-method CIs", markup=False)
    if reps.estimator == "control-variates" and reps.n > 1:
        _variance_reductions(reps)
    for name, status in reps.precision_status().items():
        word = "reached" if status["reached"] else "NOT reached"
        half, target = (fmt.value(name, status[k], extra=1) for k in ("half_width", "target"))
        console.print(f"precision {name}: ±{half}, target ±{target}: {word}", markup=False)


def _variance_reductions(reps: Replications) -> None:
    """Each metric's variance reduction by control variates, marked where the adjusted
    CI is still wider than the plain mean's (the controls' lost degrees of freedom)."""
    import numpy as np

    console.print(
        "estimator: control variates (arrivals, handle-time draws)\nvariance reduction per metric:",
        markup=False,
    )
    wider = []
    for name, adjusted in reps.adjusted().items():
        if name in reps.metric_names() and not np.isnan(reps.values(name)).all():
            factor = adjusted.variance_reduction
            # a metric the controls determine (offered: the arrivals) is left with
            # rounding noise, a factor of 1e27 that reads as a result
            shown = f"×{factor:.3g}" if factor < EXACT_REDUCTION else "exact (given the controls)"
            if adjusted.width_ratio > 1:
                wider.append(adjusted)
                shown += f" (its CI {adjusted.width_ratio:.2f}× as wide) *"
            console.print(f"  {fmt.label(name).strip():<34} {shown}", markup=False)
    if wider:
        controls = max(len(a.coefficients) for a in wider)
        console.print(
            f"* wider than the plain mean's CI: {controls} control(s) leave "
            f"{reps.n - 1 - controls} degrees of freedom of {reps.n - 1}, and for the "
            "metrics marked they remove too little variance to make up for it; read the plain "
            "mean (run without --control-variates), or run more replications",
            markup=False,
        )


def _outputs(reps: Replications) -> dict[str, Any]:
    """summary.json and the replication table (written as one set with the records,
    which have streamed to their files: :mod:`simcc.record_files`), without pandas."""
    return {"summary.json": reps.to_json(), "replications.parquet": reps.table_arrow()}
