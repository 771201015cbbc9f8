"""``simcc compare``: variants of a centre side by side, with paired differences."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from simcc.analysis import format as fmt
from simcc.cli import app, legend
from simcc.cli import options as opt
from simcc.cli.common import console, finish_outputs, load, user_errors

if TYPE_CHECKING:
    from simcc.analysis.stats import Estimate
    from simcc.experiments import Comparison

WIDE = 12
"""Variant names longer than this are shown as A, B, C… with a legend."""


# ----------------------------------------------------------------- compare


@app.command()
def compare(
    files: Annotated[
        list[Path], typer.Argument(help="Scenario YAML files; the first is the baseline.")
    ],
    policy: opt.Policies = None,
    replications: opt.Replications = None,
    seed: opt.Seed = None,
    jobs: opt.Jobs = None,
    scheduler: opt.Scheduler = None,
    out: opt.Out = None,
    resume: opt.Resume = False,
    all_metrics: Annotated[
        bool, typer.Option("--all", help="Show every metric, not only the headline ones.")
    ] = False,
    report: opt.Report = False,
    estimator: opt.Estimator = "mean",
    by: opt.By = None,
) -> None:
    """Compare scenarios or transfer policies with common random numbers and paired CIs.

    Each variant runs --replications (default: the first file's) with the first file's
    seed unless --seed says otherwise.  With --by, every metric is also measured per group
    in the same replications and shown per group with the paired difference; a centre
    with more than one channel shows them by channel unless --by says otherwise.
    """
    from simcc.experiments import compare as run_comparison

    with user_errors():
        variants = _variants([load(f) for f in files], policy or [])
        opt.warn_defaulted_policies(variants.values())
        out = opt.report_out(out, report, _out_name(files, policy or []))
        groups = opt.default_by(variants.values()) if by is None else by
        with opt.execution("compare", out, jobs, scheduler, resume, files) as execution:
            result = run_comparison(
                variants, replications, seed, estimator=estimator, by=groups, execution=execution
            )
        _print(result, all_metrics)
        for group in groups:
            _print_by(result, group, all_metrics)
        if out is not None:
            outputs = {"summary.json": result.to_json(), "replications.parquet": result.table}
            finish_outputs(out, next(iter(variants.values())), report, outputs)
            console.print(f"wrote {out}/summary.json and replications.parquet", markup=False)


def _print_by(result: Comparison, by: str, every: bool) -> None:
    """Each metric per group: every variant's mean, and each one's paired Δ vs the baseline."""
    from rich.table import Table

    from simcc.analysis.metrics import HEADLINE
    from simcc.analysis.stats import paired_difference

    runs = result.by_group(by)
    base = runs[result.baseline]
    groups = list(dict.fromkeys(g for rep in base for g in rep))
    metrics = result.metrics if every else [m for m in HEADLINE if m in result.metrics]
    short = short_names(result.variants)
    table = Table(title=f"\nby {by}", title_justify="left", pad_edge=False, box=None)
    table.add_column("metric", no_wrap=True)
    for g in groups:
        table.add_column(g, justify="right")
    for metric in metrics:
        table.add_row(fmt.label(metric), *[""] * len(groups))
        for name, reps in runs.items():
            cells = []
            for g in groups:
                values = [rep[g][metric] for rep in reps if g in rep]
                mean = sum(values) / len(values) if values else math.nan
                text = fmt.value(metric, mean)
                if name != result.baseline and result.n > 1:
                    pairs = [
                        (b[g][metric], v[g][metric])
                        for b, v in zip(base, reps, strict=True)
                        if g in b and g in v
                    ]
                    d = paired_difference([a for a, _ in pairs], [b for _, b in pairs])
                    mark = "*" if d.ci_low > 0 or d.ci_high < 0 else ""
                    text += f" (Δ {fmt.value(metric, d.mean, signed=True)}{mark})"
                cells.append(text)
            table.add_row(f"  {short[name]}", *cells)
    console.print(table)


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


def _out_name(files: Sequence[Path], policies: Sequence[str]) -> str:
    """``centre-warm-warm-vs-cold``, ``centre-cold-vs-centre-warm``: the default --out name."""
    name = "-vs-".join(f.stem for f in files)
    return f"{name}-{'-vs-'.join(policies)}" if policies else name


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
    summary = result.summary()
    for line in comparison_lines(result, metrics, summary, _currency(result)):
        console.print(line, markup=False, soft_wrap=True)
    notes = [fmt.SIGNIFICANT_NOTE] if result.n > 1 else []
    clipped = any(fmt.clipped(m, e) for m in metrics for e in summary[m].values())
    notes += legend.footnotes(metrics, *([fmt.CLIPPED_NOTE] if clipped else []))
    if notes:
        console.print("\n" + "\n".join(notes), markup=False, soft_wrap=True)
    if result.estimator == "ratio":
        console.print(
            "rates and other ratios: ratios of totals over replications, differences and "
            "CIs by the delta method on the paired replications",
            markup=False,
            soft_wrap=True,
        )


def _currency(result: Comparison) -> str | None:
    """The variants' currency, if they agree on one."""
    currencies = {s.currency for s in result.scenarios.values()}
    return currencies.pop() if len(currencies) == 1 else None


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


def comparison_lines(
    result: Comparison,
    metrics: Sequence[str],
    summary: dict[str, dict[str, Estimate]],
    currency: str | None = None,
) -> list[str]:
    """The comparison as text lines (80 columns): per metric a label line, then one line
    per variant with its mean and CI (``summary``: :meth:`Comparison.summary`) and, after
    the baseline, the paired difference."""
    from simcc.experiments.comparison import excludes_zero

    short = short_names(result.variants)
    blocks: list[str | list[str]] = []
    for metric in metrics:
        label = legend.label(metric, currency)
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
