"""The HTML report: one self-contained page from what ``run``, ``compare`` or ``sweep`` wrote.

:func:`build_report` looks at an output directory, recognises which command
wrote it by its files, and writes ``report.html`` beside them:

- ``summary.json`` with ``variants`` → a comparison (``simcc compare``):
  the bottom line (who wins, by how much, at what cost, against the file's
  targets) and why (the mechanism sentence, each pool's occupancy and time
  in consult and conference, side by side), the verdict per headline metric
  in words, the table of each variant with its 95 % CI and the paired
  differences, the comparison chart, and the record plots if the directory
  holds records;
- ``results.parquet`` / ``results.csv`` → a sweep (``simcc sweep``): where
  the policies cross, the sweep charts and a table per grid point;
- ``summary.json`` with ``metrics`` → a run (``simcc run``): the metric table
  and, from the Parquet records, the waiting-time distributions, the day
  (queues and busy agents against the staffing line) and agent time by
  activity.

The page needs nothing else: styles are inline, figures are PNG images in
``data:`` URIs, nothing is fetched from the network.  docs/report.md says how
to read each part.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simcc.analysis import explain, plots, sweep_verdict
from simcc.analysis import format as fmt
from simcc.analysis.explain import HEADLINE, noun, verdict
from simcc.analysis.interval_report import interval_parts
from simcc.analysis.output_dir import Output, ReportError, detect
from simcc.analysis.page import Page, facts_html, plot_into, table_html
from simcc.analysis.stats import Estimate, estimate, excludes_zero, paired_difference
from simcc.io import write_text

REPORT = "report.html"

SWEEP_METRICS = (
    "abandonment_rate",
    "fcr",
    "service_level",
    "sla_compliance",
    "asa",
    "cost_per_resolved_case",
)
"""Metrics drawn against the swept field in a sweep report."""


def _estimate(entry: Mapping[str, Any] | None, n: int) -> Estimate:
    entry = entry or {}

    def get(key: str) -> float:
        x = entry.get(key)
        return math.nan if x is None else float(x)

    return Estimate(get("mean"), get("std"), get("ci_low"), get("ci_high"), n)


def _load_scenario(scenario: Any, out: Output) -> Any:
    """The scenario behind an output: given, or ``scenario.yaml`` saved beside it, else None."""
    from simcc.scenario import Scenario, load_scenario

    if isinstance(scenario, Scenario):
        return scenario
    if scenario is not None:
        return load_scenario(Path(scenario))
    if out.has("scenario.yaml"):
        return load_scenario(out.path / "scenario.yaml")
    return None


# ============================================================================ building


def build_report(
    out_dir: str | Path, scenario: Any = None, currency: str | None = None, opens_at: Any = None
) -> Path:
    """Write ``out_dir/report.html`` from what run/compare/sweep wrote there; return its path.

    ``scenario``: the scenario (a :class:`~simcc.scenario.Scenario` or a file)
    the output came from, for the staffing line, the measurement window and
    the SLA threshold; by default ``out_dir/scenario.yaml`` if present.
    ``currency`` (``"€"``, ``"EUR"``) marks money; ``opens_at`` (``"08:00"``)
    puts charts over the day in clock time.  Both default to the scenario's
    ``currency`` and ``opens_at`` if it has them, else none and hours since
    opening.
    """
    out = detect(out_dir)
    scen = _load_scenario(scenario, out)
    look = Look(
        currency if currency is not None else getattr(scen, "currency", None),
        opens_at if opens_at is not None else getattr(scen, "opens_at", None),
    )
    page = Page(title="simcc report")
    if out.kind == "run":
        _run_report(page, out, scen, look)
    elif out.kind == "compare":
        _compare_report(page, out, scen, look)
    else:
        _sweep_report(page, out, scen, look)
    return write_text(out.path / REPORT, page.html())


@dataclass(frozen=True)
class Look:
    """How numbers read on the page: the currency of money, the clock time of the opening."""

    currency: str | None = None
    opens_at: Any = None


def _metric_cell(metric: str) -> str:
    label = fmt.full_label(metric)
    return f"{html.escape(label)}<br><code>{html.escape(metric)}</code>"


def _value_ci(
    metric: str, e: Estimate, signed: bool = False, look: Look = Look()
) -> tuple[str, str]:
    return (
        fmt.value(metric, e.mean, signed, currency=look.currency),
        fmt.interval(metric, e, signed, currency=look.currency),
    )


def _scenario_text(scenario: Any, replications: int, seed: Any) -> str:
    """The scenario's description, with the replications and seed the run used (not the file's)."""
    if scenario is None:
        return ""
    used: dict[str, Any] = {"replications": replications} if replications else {}
    if isinstance(seed, int):
        used["seed"] = seed
    return f"<pre>{html.escape(scenario.model_copy(update=used).summary())}</pre>"


def _footnotes(estimates: Mapping[str, Estimate]) -> str:
    """The notes a metric table needs: answered + abandoned > offered, clipped bounds."""
    notes = []
    mean = {m: e.mean for m, e in estimates.items()}
    if mean.get("answered", 0) + mean.get("abandoned", 0) > mean.get("offered", math.inf):
        notes.append(fmt.ANSWERED_NOTE)
    if any(fmt.clipped(m, e) for m, e in estimates.items()):
        notes.append(fmt.CLIPPED_NOTE)
    return "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)


# ============================================================================ run


def _run_report(page: Page, out: Output, scenario: Any, look: Look) -> None:
    s = out.summary
    n = int(s.get("replications") or 0)
    policy = scenario.transfer.policy if scenario is not None else None
    page.title = f"simcc run: {s.get('scenario', out.path.name)}"
    requested = s.get("replications_requested")
    done = n if requested in (None, n) else f"{n} of {requested}"
    page.subtitle = f"{done} replication(s), seed {s.get('seed')}" + (
        f", transfer policy {policy}" if policy else ""
    )
    prov = s.get("provenance", {})
    facts = facts_html(
        [
            ("scenario", s.get("scenario")),
            ("transfer policy", policy),
            ("seed", s.get("seed")),
            ("replications", done),
            ("output directory", out.path.resolve()),
            ("simcc", prov.get("simcc")),
            ("wall time", f"{prov['wall_time_s']:.1f} s" if "wall_time_s" in prov else None),
        ]
    )
    missing = (
        ""
        if scenario is not None
        else '<p class="note">The scenario file was not found beside the output '
        "(scenario.yaml) nor given (--scenario): no staffing line, and agent time "
        "is counted over the whole run.</p>"
    )
    stopped = "".join(
        f'<p class="note"><strong>Stopped early:</strong> {html.escape(str(note))}.</p>'
        for note in s.get("stopped_early") or []
    )
    page.section(
        "scenario", "Scenario", stopped, facts, _scenario_text(scenario, n, s.get("seed")), missing
    )
    estimates = {m: _estimate(v, n) for m, v in s.get("metrics", {}).items()}
    rows = [
        (_metric_cell(m), *_value_ci(m, estimates[m], look=look))
        for m in fmt.display_order(list(estimates))
        if not (m == "unfinished" and not estimates[m].mean)
    ]
    page.section(
        "metrics",
        "Metrics",
        f'<p class="note">Mean over {n} replication(s) and its 95 % confidence interval '
        "(Student t). Rates are shares of contacts, times are seconds (s) or minutes (m).</p>",
        table_html(["metric", "mean", "95 % CI"], rows),
        _footnotes(estimates),
    )
    if s.get("by"):
        page.section("groups", "Metrics by group", *_group_tables(s["by"], n))
    page.section("plots", "Plots", *_record_plots(out, scenario, policy, look))
    records = {name: out.frame(name) for name in ("contacts", "agents", "transfers")}
    if scenario is not None and all(t is not None for t in records.values()):
        parts = interval_parts(out.path, records, scenario, look.opens_at)  # type: ignore[arg-type]
        page.section("intervals", "Per interval", *parts)


def _group_tables(by: Mapping[str, Any], n: int) -> list[str]:
    """One table per grouping of summary.json's ``by`` block: metrics × groups, mean ± CI."""
    parts = []
    for name, groups in by.items():
        header = ["metric", *groups]
        metrics = list(dict.fromkeys(m for g in groups.values() for m in g))
        rows = []
        for metric in fmt.display_order(metrics):
            cells = []
            for values in groups.values():
                e = _estimate(values.get(metric), n)
                cells.append(" ".join(_value_ci(metric, e)) if n > 1 else _value_ci(metric, e)[0])
            rows.append((_metric_cell(metric), *cells))
        parts.append(f"<h3>by {html.escape(name)}</h3>" + table_html(header, rows))
    return parts


def _main_policy(contacts: pd.DataFrame) -> str:
    """The transfer policy most hand-offs used (``run`` when nothing was handed off)."""
    used = contacts["policy"].astype(str) if "policy" in contacts else pd.Series(dtype=str)
    used = used[used != ""]
    return str(used.mode().iloc[0]) if len(used) else "run"


def _record_plots(out: Output, scenario: Any, label: str | None, look: Look) -> list[str]:
    """The plots drawn from Parquet records (waits, the day, agent time), if any."""
    contacts = out.frame("contacts")
    agents = out.frame("agents")
    transfers = out.frame("transfers")
    if contacts is None or agents is None:
        return ['<p class="note">No records in this directory (contacts.parquet, '
                "agents.parquet): only the tables are shown.</p>"]  # fmt: skip
    if "variant" not in contacts:
        label = label or _main_policy(contacts)
        contacts, agents = contacts.assign(variant=label), agents.assign(variant=label)
        transfers = transfers.assign(variant=label) if transfers is not None else None
    threshold = scenario.sla.answer.threshold if scenario is not None else None
    window = (scenario.warmup, scenario.horizon) if scenario is not None else None
    staffing = plots.staffing_plan(scenario) if scenario is not None else None
    parts: list[str] = []
    plot_into(
        parts,
        lambda: plots.wait_distributions(contacts, threshold=threshold),
        "Waiting-time distributions",
        "Share of customers who waited longer than t. Left: the wait in the first queue of "
        "answered contacts (what ASA averages); the dashed line is the answer SLA threshold. "
        "Right: time on hold during warm or conference transfers plus time queued after a "
        "hand-off, for escalated contacts. Shaded: 95 % CI over replications. A curve lower "
        "and further left means shorter waits.",
    )
    plot_into(
        parts,
        lambda: plots.intraday_chart(
            contacts, agents, transfers, staffing=staffing, opens_at=look.opens_at
        ),
        "Queues and busy agents over the day",
        "One row per pool, 15-minute intervals. Left: mean number of customers waiting for "
        "the pool (first queue, queue after a cold transfer, on hold for a consult, "
        "callbacks and tickets). Right: mean agents busy against the staffing plan (dashed). "
        "Busy close to staffing while the queue grows marks the pool that limits the day.",
    )
    plot_into(
        parts,
        lambda: plots.activity_chart(agents, window=window),
        "Agent time by activity",
        "What each pool's agents spend their busy time on: handling, wrap-up, waiting for a "
        "specialist (consult_wait), consulting, the three-way conference, rediscovery (the "
        "customer repeats the story), the hand-off step and callback dials. Top in "
        "agent-hours per replication, bottom as a share of busy time.",
    )
    if transfers is not None and len(transfers):
        reps = sorted(contacts["replication"].unique()) if "replication" in contacts else None
        plot_into(
            parts,
            lambda: plots.reasons_chart(transfers, reps),
            "Escalation reasons",
            "Why contacts were handed on: the hand-offs each pool received per replication "
            "(mean), split by reason: the resolution draw failed (not_resolved), "
            "escalate_after ran out (handling_time), the caller's need, a complaint, a repeat "
            "contact or an old case skipping the front line, a misrouted cold transfer sent "
            "on. The error bar is the 95 % CI of the total over replications; n is the "
            "hand-offs counted. Peer consults are left out: the owner kept the contact.",
        )
    return parts


# ============================================================================ compare


def _compare_report(page: Page, out: Output, scenario: Any, look: Look) -> None:
    s = out.summary
    variants = [str(v) for v in s.get("variants", [])]
    if not variants:
        raise ReportError(f"{out.path}/summary.json lists no variants")
    table = out.frame("replications")
    n = _replications_of(s, table, variants[0])
    baseline = variants[0]
    page.title = "simcc comparison: " + " vs ".join(variants)
    page.subtitle = (
        f"{n} paired replication(s) per variant (common random numbers), baseline {baseline}"
    )
    page.section("scenario", "Scenario", *_compare_scenario(s, variants, n, scenario))
    differences = _differences(s, table, variants)
    estimates = {
        m: {v: _estimate(per.get(v), n) for v in variants}
        for m, per in s.get("metrics", {}).items()
    }
    numbers = explain.Numbers(variants, estimates, differences)
    source = table if table is not None and "variant" in table else s
    page.section("bottom", "Bottom line", *_bottom_line(numbers, scenario, look))
    page.section("why", "Why", *_why(numbers, scenario, source))
    page.section("verdict", "Verdict", *_verdicts(differences, variants))
    parts: list[str] = []
    plot_into(
        parts,
        lambda: plots.comparison_chart(source, currency=look.currency),
        "Policy comparison",
        "Each panel is one headline metric; a bar per variant is its mean over replications "
        "and the whiskers its 95 % confidence interval. Overlapping whiskers do not mean "
        "'no difference': the verdict above uses the paired differences, which are sharper.",
    )
    records = _record_plots(out, scenario, baseline, look) if out.has("contacts.parquet") else []
    page.section("plots", "Plots", *parts, *records)
    page.section("metrics", "Metrics", _compare_table(numbers, n, look))


def _compare_scenario(s: dict[str, Any], variants: list[str], n: int, scenario: Any) -> list[str]:
    """What was compared: the variants, the baseline, the replications and the run's facts."""
    prov = s.get("provenance", {}) if isinstance(s.get("provenance"), dict) else {}
    extra = [
        (k, v)
        for k, v in s.items()
        if isinstance(v, str | int | float) and k not in ("variants", "replications", "level")
    ]
    facts = [
        ("variants", ", ".join(variants)),
        ("baseline", variants[0]),
        ("replications per variant", n),
        *extra,
        ("simcc", prov.get("simcc")),
    ]
    return [facts_html(facts), _scenario_text(scenario, n, s.get("seed"))]


def _verdicts(differences: dict[str, dict[str, Estimate]], variants: list[str]) -> list[str]:
    """A line per variant and headline metric: its paired difference against the baseline."""
    baseline = variants[0]
    items = []
    for variant in variants[1:]:
        for metric in HEADLINE:
            diff = differences.get(metric, {}).get(variant)
            if diff is None or not math.isfinite(diff.mean):
                continue  # not measured (e.g. a resolution SLA in a file without targets)
            v = verdict(metric, variant, baseline, diff)
            items.append(f'<li class="{v.tone}">{html.escape(v.text)}</li>')
    return [
        f'<p class="note">Each line reads the paired difference of a variant against '
        f"{html.escape(baseline)} with its 95 % confidence interval. “No clear difference” "
        "means the interval holds zero: more replications may still show one.</p>",
        f'<ul class="verdicts">{"".join(items)}</ul>'
        if items
        else '<p class="note">No differences in this output.</p>',
    ]


def _bottom_line(numbers: explain.Numbers, scenario: Any, look: Look) -> list[str]:
    """Who wins against the baseline, at what cost, and each variant against the file's targets."""
    parts = []
    for variant in numbers.variants[1:]:
        line = explain.bottom_line(numbers, variant, currency=look.currency)
        parts.append(f'<p class="bottom">{html.escape(line.text)}</p>')
    target = scenario.sla.answer.target if scenario is not None else None
    checks = explain.target_checks(numbers, target)
    tone = {"met": "better", "missed": "worse", "unclear": "unclear"}
    if checks:
        items = "".join(f'<li class="{tone[c.status]}">{html.escape(c.text)}</li>' for c in checks)
        parts.append(f'<p>Against the file’s own targets:</p><ul class="verdicts">{items}</ul>')
    elif scenario is None:
        parts.append('<p class="note">The scenario was not found: no targets to check.</p>')
    parts.append(
        '<p class="note">A variant wins when it is clearly better (its paired 95 % CI '
        "excludes zero) on at least one of abandonment, service level and FCR and clearly "
        "worse on none; the cost is the agent cost per truly resolved case.</p>"
    )
    return parts


def _why(numbers: explain.Numbers, scenario: Any, source: Any) -> list[str]:
    """The mechanism sentence, each pool's occupancy and consult time side by side, the chart."""
    entry = [ct.path[0] for ct in scenario.call_types.values()] if scenario is not None else []
    parts = [
        f'<p class="why">{html.escape(explain.mechanism(numbers, v, entry))}</p>'
        for v in numbers.variants[1:]
    ]
    parts.append(_pool_table(numbers))
    plot_into(
        parts,
        lambda: plots.pool_time_chart(source, pools=numbers.pools),
        "Staffed time per pool",
        "A bar per pool and variant, side by side: the share of staffed time agents spend "
        "in consult and conference (occupancy × the consult/conference share of busy time), "
        "on other work (handling, wrap-up, rediscovery, hand-off steps, dials) and idle. The "
        "label is the occupancy; the error bar its 95 % CI.",
    )
    return parts


def _pool_table(numbers: explain.Numbers) -> str:
    """Per pool: occupancy, time in consult/conference and AHT of each variant, and the changes."""
    variants, base = numbers.variants, numbers.baseline
    groups = (("occupancy", "Occupancy"), ("transfer_time_share", "In consult/conference"),
              ("aht", "AHT"))  # fmt: skip
    columns = [*variants, *(f"Δ {v} − {base}" for v in variants[1:])]
    top = "".join(f'<th colspan="{len(columns)}">{t}</th>' for _, t in groups)
    sub = "".join(f"<th>{html.escape(c)}</th>" for c in columns) * len(groups)
    rows = []
    for pool in numbers.pools:
        cells = [f'<td class="name">{html.escape(pool)}</td>']
        for prefix, _ in groups:
            metric = f"{prefix}_{pool}"
            cells += [
                f"<td>{html.escape(fmt.value(metric, numbers.mean(metric, v)))}</td>"
                for v in variants
            ]
            cells += [f"<td>{_difference_cell(metric, numbers.diff(metric, v))}</td>"
                      for v in variants[1:]]  # fmt: skip
        rows.append(f"<tr>{''.join(cells)}</tr>")
    escalated = ", ".join(
        f"{v} {fmt.value('escalation_rate', numbers.mean('escalation_rate', v))}" for v in variants
    )
    note = (
        '<p class="note">Occupancy: busy share of staffed time. In consult/conference: the '
        "share of the pool’s busy time spent waiting for, consulting or conferencing with a "
        "specialist (not the share of contacts handed on). Contacts escalated (share of "
        f"answered contacts): {html.escape(escalated)}. * the paired 95 % CI excludes zero.</p>"
    )
    return (
        f'<table><thead><tr><th class="name" rowspan="2">pool</th>{top}</tr><tr>{sub}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>{note}"
    )


def _difference_cell(metric: str, d: Estimate | None) -> str:
    if d is None:
        return "–"
    mark = "*" if excludes_zero(d) else ""
    ci = fmt.interval(metric, d, signed=True)
    shown = html.escape(fmt.value(metric, d.mean, signed=True) + mark)
    return f'{shown}<br><span class="ci">{html.escape(ci)}</span>' if ci else shown


def _replications_of(summary: Mapping[str, Any], table: pd.DataFrame | None, first: str) -> int:
    if table is not None and "variant" in table:
        return int((table["variant"].astype(str) == first).sum())
    return int(summary.get("replications") or 0)


def _differences(
    summary: Mapping[str, Any], table: pd.DataFrame | None, variants: list[str]
) -> dict[str, dict[str, Estimate]]:
    """``{metric: {variant: paired difference}}`` from summary.json, else from the table."""
    n = _replications_of(summary, table, variants[0])
    written = summary.get("differences")
    if isinstance(written, Mapping) and written:
        return {
            metric: {str(v): _estimate(d, n) for v, d in per.items() if str(v) != variants[0] and d}
            for metric, per in written.items()
        }
    if table is None or "variant" not in table:
        return {}
    out: dict[str, dict[str, Estimate]] = {}
    base = table[table["variant"].astype(str) == variants[0]].set_index("replication")
    for metric in [c for c in table.columns if c not in ("variant", "replication")]:
        out[metric] = {}
        for v in variants[1:]:
            rows = table[table["variant"].astype(str) == v].set_index("replication")
            other = rows[metric].reindex(base.index).to_numpy()
            out[metric][v] = paired_difference(base[metric].to_numpy(), other)
    return out


def _compare_table(numbers: explain.Numbers, n: int, look: Look) -> str:
    variants, base = numbers.variants, numbers.baseline
    header = ["metric"]
    for v in variants:
        header += [v, "95 % CI"]
    for v in variants[1:]:
        header += [f"{v} − {base}", "95 % CI"]
    rows = []
    for metric in fmt.display_order(list(numbers.estimates)):
        if metric == "unfinished":
            continue
        row = [_metric_cell(metric)]
        for v in variants:
            row += list(_value_ci(metric, numbers.estimates[metric][v], look=look))
        for v in variants[1:]:
            diff = numbers.diff(metric, v)
            if diff is None:
                row += ["–", ""]
                continue
            mean, ci = _value_ci(metric, diff, signed=True, look=look)
            row += [mean + ("*" if excludes_zero(diff) else ""), ci]
        rows.append(row)
    note = (
        f'<p class="note">Mean of each variant over {n} replication(s) with its 95 % CI, '
        "then the paired difference against the baseline with its CI (rates in percentage "
        "points, pt).</p>"
    )
    per_variant = [{m: numbers.estimates[m][v] for m in numbers.estimates} for v in variants]
    notes = dict.fromkeys(_footnotes(e) for e in per_variant)
    significant = f'<p class="note">{html.escape(fmt.SIGNIFICANT_NOTE)}</p>' if n > 1 else ""
    return note + table_html(header, rows) + significant + "".join(notes)


# ============================================================================ sweep


def _sweep_report(page: Page, out: Output, scenario: Any, look: Look) -> None:
    results = out.frame("results")
    if results is None or results.empty:
        raise ReportError(f"{out.path}/results.parquet holds no rows")
    fields = plots.swept_fields(results)
    if not fields:
        raise ReportError(f"{out.path}: no swept field columns (dotted paths) in the results")
    n = int(results.groupby(fields, dropna=False).size().min())
    page.title = "simcc sweep: " + " × ".join(fields)
    page.subtitle = f"{n} replication(s) per grid point"
    values = [(f, ", ".join(str(v) for v in pd.unique(results[f]))) for f in fields]
    shown, note = _sweep_slice(results, fields)
    page.section(
        "scenario",
        "Scenario",
        facts_html([*values, ("replications per point", n)]),
        _scenario_text(scenario, n, None),
        note,
    )
    metrics = [m for m in SWEEP_METRICS if m in results]
    page.section(
        "verdict",
        "Who wins, and where the policies cross",
        *_who_wins(shown, metrics),
        _crossing_list(shown, metrics),
    )
    parts: list[str] = []
    for metric in metrics:
        plot_into(
            parts,
            lambda metric=metric: plots.sweep_chart(shown, metric),
            f"{fmt.title(metric)} against staffing",
            f"{fmt.title(metric)} at each grid point, one line per policy with its "
            "95 % CI band. A cross marks where the mean curves meet (linear interpolation "
            "between grid points); read it together with the bands.",
        )
    page.section("plots", "Plots", *parts)
    page.section("metrics", "Metrics", _sweep_table(results, fields, metrics))


def _sweep_slice(results: pd.DataFrame, fields: list[str]) -> tuple[pd.DataFrame, str]:
    """The rows the charts draw: beyond two varying fields, the first value of the others."""
    varying = [f for f in fields if results[f].nunique() > 1]
    try:
        x, by = plots.sweep_axes(results)
    except ValueError:
        return results, ""
    extra = [f for f in varying if f not in (x, by)]
    if not extra:
        return results, ""
    keep = np.ones(len(results), dtype=bool)
    picked = []
    for f in extra:
        first = results[f].iloc[0]
        keep &= (results[f] == first).to_numpy()
        picked.append(f"{f} = {first}")
    text = (
        f'<p class="note">The charts draw {html.escape(x)} along the axis'
        + (f" and a line per {html.escape(by)}" if by else "")
        + "; they show "
        + html.escape(", ".join(picked))
        + " (the table has every point).</p>"
    )
    return results[keep], text


def _who_wins(results: pd.DataFrame, metrics: list[str]) -> list[str]:
    """Per later line against the first: who is clearly better at every level, by how much
    (:mod:`simcc.analysis.sweep_verdict`), and the paired differences level by level."""
    try:
        x, by = plots.sweep_axes(results)
    except ValueError:
        return []
    if by is None:
        return []
    lines = [str(v) for v in pd.unique(results[by])]
    parts = []
    for second in lines[1:]:
        items = [
            sweep_verdict.who_wins(
                m,
                x,
                lines[0],
                second,
                sweep_verdict.level_differences(results, m, x, by, lines[0], second),
            )
            for m in metrics
        ]
        parts.append(
            '<ul class="verdicts">' + "".join(f"<li>{html.escape(t)}</li>" for t in items) + "</ul>"
        )
        parts.append(sweep_verdict.difference_table(results, metrics, x, by, lines[0], second))
    return parts


def _crossing_list(results: pd.DataFrame, metrics: list[str]) -> str:
    try:
        x, by = plots.sweep_axes(results)
    except ValueError as exc:
        return f'<p class="note">{html.escape(str(exc))}</p>'
    if by is None:
        return '<p class="note">One line only: nothing to cross.</p>'
    items = []
    for metric in metrics:
        means = results.groupby([by, x])[metric].mean().unstack(x).sort_index(axis=1)
        xs = means.columns.to_numpy(float)
        names = [str(i) for i in means.index]
        found = []
        for i, a in enumerate(names):
            for j in range(i + 1, len(names)):
                b = names[j]
                points = plots.crossings(xs, means.iloc[i].to_numpy(), means.iloc[j].to_numpy())
                if points:
                    where = ", ".join(f"{cx:.1f}" for cx, _ in points)
                    found.append(f"{a} and {b} cross at {x} = {where}")
        text = "; ".join(found) if found else f"no crossing in the range of {x} swept"
        items.append(f"<li>{html.escape(noun(metric))}: {html.escape(text)}</li>")
    return (
        '<p class="note">Crossings of the mean curves, interpolated between grid points; '
        "where the CI bands overlap the crossing is uncertain.</p>"
        f'<ul class="verdicts">{"".join(items)}</ul>'
    )


def _sweep_table(results: pd.DataFrame, fields: list[str], metrics: list[str]) -> str:
    """One row per grid point: each metric's mean with its 95 % CI below it."""
    header = [*fields, *(fmt.full_label(m) for m in metrics)]
    rows = []
    for key, grp in results.groupby(fields, sort=True, dropna=False):
        keys = key if isinstance(key, tuple) else (key,)
        row = [html.escape(str(k)) for k in keys]
        for m in metrics:
            mean, ci = _value_ci(m, estimate(grp[m].to_numpy(float)))
            row.append(f'{html.escape(mean)}<br><span class="ci">{html.escape(ci)}</span>')
        rows.append(row)
    note = '<p class="note">Mean over the replications of each grid point, its 95 % CI below.</p>'
    return note + table_html(header, rows, name_cols=len(fields), raw=True)
