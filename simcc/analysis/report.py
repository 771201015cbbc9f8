"""The HTML report: one self-contained page from what ``run``, ``compare`` or ``sweep`` wrote.

:func:`build_report` looks at an output directory, recognises which command
wrote it by its files, and writes ``report.html`` beside them:

- ``summary.json`` with ``variants`` → a comparison (``simcc compare``):
  the verdict per headline metric in words, the table of each variant with
  its 95 % CI and the paired differences, the comparison chart, and the
  record plots if the directory holds records;
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

import base64
import datetime as _dt
import html
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simcc._version import __version__
from simcc.analysis import format as fmt
from simcc.analysis import plots
from simcc.analysis.metrics import HEADLINE as METRIC_HEADLINE
from simcc.analysis.stats import Estimate, estimate, paired_difference
from simcc.io import OutputError, write_text

REPORT = "report.html"

HEADLINE = tuple(name for name in METRIC_HEADLINE if fmt.kind(name) != "count")
"""Metrics that get a verdict in a comparison (MODEL.md §4, counts left out)."""

LOWER_IS_BETTER = {
    "abandonment_rate",
    "abandonment_queue_rate",
    "abandonment_hold_rate",
    "abandonment_transfer_rate",
    "repeat_escalation_rate",
    "recontact_rate",
    "asa",
    "mean_hold_time",
    "customer_effort",
    "cost_per_contact",
    "cost_per_resolved_case",
    "callback_unreached_rate",
    "mean_transfer_wait",
}
HIGHER_IS_BETTER = {
    "fcr",
    "first_touch_resolution",
    "service_level",
    "escalation_sla_rate",
    "sla_compliance",
}
"""Direction of good; other metrics (escalation rate, AHT, occupancy) are reported without
a judgement: more or less of them is neither better nor worse in itself."""

NOUNS = {
    "abandonment_rate": "abandonment",
    "abandonment_queue_rate": "abandonment in the first queue",
    "abandonment_hold_rate": "abandonment on hold",
    "abandonment_transfer_rate": "abandonment in the queue after a transfer",
    "fcr": "first-contact resolution (FCR)",
    "first_touch_resolution": "first-touch resolution",
    "escalation_rate": "the escalation rate",
    "repeat_escalation_rate": "repeat escalation",
    "recontact_rate": "re-contacts",
    "service_level": "the service level",
    "escalation_sla_rate": "escalations engaged within their SLA",
    "sla_compliance": "SLA compliance",
    "asa": "ASA",
    "mean_hold_time": "the mean hold time",
    "customer_effort": "customer effort (tellings of the story)",
    "cost_per_contact": "the cost per contact",
    "cost_per_resolved_case": "the cost per resolved case",
}

SWEEP_METRICS = (
    "abandonment_rate",
    "fcr",
    "service_level",
    "sla_compliance",
    "asa",
    "cost_per_resolved_case",
)
"""Metrics drawn against the swept field in a sweep report."""


class ReportError(OutputError):
    """An output directory the report cannot read (bad input: exit 2); the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, before_work=True)


# ============================================================================ verdicts


@dataclass(frozen=True)
class Verdict:
    """A plain-language reading of one paired difference; ``tone``: better, worse, neutral…"""

    metric: str
    text: str
    tone: str


def noun(metric: str) -> str:
    """What a metric is called in a sentence: ``abandonment``, ``ASA``, ``occupancy of front``."""
    if metric in NOUNS:
        return NOUNS[metric]
    for prefix, text in (
        ("aht_", "the AHT of"),
        ("occupancy_", "the occupancy of"),
        ("transfer_time_share_", "the share of transfer time in"),
    ):
        if metric.startswith(prefix):
            return f"{text} {metric[len(prefix) :]}"
    return fmt.label(metric).strip().lower() or metric


def verdict(metric: str, variant: str, baseline: str, diff: Estimate) -> Verdict:
    """Read ``diff`` (``variant − baseline``, paired, with its 95 % CI) in words.

    ``warm lowers abandonment by 2.1 points (95 % CI 1.6 to 2.6) — better`` when
    the interval excludes zero; ``no clear difference in ASA between warm and
    cold (95 % CI −3 s to +4 s)`` when it holds zero.
    """
    what = noun(metric)
    if not math.isfinite(diff.mean):
        return Verdict(metric, f"{what}: not measured for {variant} or {baseline}", "unclear")
    if diff.n < 2 or not (math.isfinite(diff.ci_low) and math.isfinite(diff.ci_high)):
        text = (
            f"{variant} changes {what} by {_amount(metric, diff.mean, signed=True)} "
            f"against {baseline} (one replication: no confidence interval)"
        )
        return Verdict(metric, text, "unclear")
    lo, hi = diff.ci_low, diff.ci_high
    if lo == hi == diff.mean == 0:
        return Verdict(metric, f"no difference in {what} (the same in every replication)", "same")
    if lo > 0 or hi < 0:
        up = diff.mean > 0
        a, b = sorted((abs(lo), abs(hi)))
        digits = _digits(metric, (diff.mean, lo, hi))
        text = (
            f"{variant} {'raises' if up else 'lowers'} {what} by "
            f"{_amount(metric, abs(diff.mean), digits=digits)} "
            f"(95 % CI {_amount(metric, a, digits=digits, unit=False)} to "
            f"{_amount(metric, b, digits=digits)})"
        )
        tone = _tone(metric, up)
        if tone != "neutral":
            text += f" — {tone}"
        return Verdict(metric, text, tone)
    digits = _digits(metric, (lo, hi))
    text = (
        f"no clear difference in {what} between {variant} and {baseline} "
        f"(95 % CI {_amount(metric, lo, signed=True, digits=digits, unit=False)} to "
        f"{_amount(metric, hi, signed=True, digits=digits)})"
    )
    return Verdict(metric, text, "unclear")


def _tone(metric: str, up: bool) -> str:
    if metric in HIGHER_IS_BETTER:
        return "better" if up else "worse"
    if metric in LOWER_IS_BETTER:
        return "worse" if up else "better"
    return "neutral"


def _shown(metric: str, x: float) -> tuple[float, str]:
    """A stored value in the unit a sentence uses, and the unit's words."""
    kind = fmt.kind(metric)
    if kind == "rate":
        return 100 * x, "points"
    if kind == "time":
        return x, "s"
    if kind == "count":
        return x, "contacts"
    return x, ""


def _digits(metric: str, values: Iterable[float]) -> int:
    """Decimals that show the largest of ``values`` with two or three significant digits
    and none of the others as a zero it is not."""
    if fmt.kind(metric) == "money":
        return 2
    if fmt.kind(metric) == "time" and max(abs(v) for v in values) >= 120:
        return 1
    shown = [abs(_shown(metric, v)[0]) for v in values]
    digits = 0 if max(shown) >= 10 else 1 if max(shown) >= 1 else 2
    # a bound that is not zero must not print as zero ("0.1 to 30", not "0 to 30")
    while digits < 3 and any(x > 0 and round(x, digits) == 0 for x in shown):
        digits += 1
    return digits


def _amount(
    metric: str, x: float, signed: bool = False, digits: int | None = None, unit: bool = True
) -> str:
    """``2.1 points``, ``+4 s``, ``−1.5 min``, ``0.42``: a number in a sentence."""
    digits = _digits(metric, (x,)) if digits is None else digits
    value, words = _shown(metric, x)
    if words == "s" and digits == 1 and fmt.kind(metric) == "time" and abs(x) >= 120:
        value, words = x / 60, "min"
    text = f"{abs(value):,.{digits}f}"
    if signed:
        text = ("+" if value > 0 else "−" if value < 0 else "±") + text
    elif value < 0:
        text = "−" + text
    return f"{text} {words}" if unit and words else text


# ============================================================================ reading outputs


@dataclass
class Output:
    """What one command wrote into an output directory."""

    kind: str
    path: Path
    summary: dict[str, Any] = field(default_factory=dict)
    listed: frozenset[str] | None = None
    """The files of the set by its manifest (``None``: no manifest, every file counts)."""

    def has(self, name: str) -> bool:
        listed = self.listed is None or name in self.listed
        return listed and (self.path / name).is_file()

    def frame(self, name: str) -> pd.DataFrame | None:
        """A Parquet (or CSV) table of the directory, None if absent."""
        for file, read in ((f"{name}.parquet", pd.read_parquet), (f"{name}.csv", pd.read_csv)):
            if self.has(file):
                try:
                    return read(self.path / file)
                except Exception as exc:  # pyarrow and pandas raise many kinds
                    raise ReportError(
                        f"{self.path / file} is damaged: cannot be read as a table "
                        f"({type(exc).__name__}: {exc})"
                    ) from None
        return None


def detect(out_dir: str | Path) -> Output:
    """Which command wrote ``out_dir``: ``sweep``, ``compare`` or ``run`` (by its files)."""
    from simcc.io import check_outputs

    path = Path(out_dir)
    if not path.is_dir():
        raise ReportError(f"{path} is not a directory")
    listed = check_outputs(path)
    summary = _read_summary(path) if listed is None or "summary.json" in listed else {}
    if any(Output("", path, listed=listed).has(f) for f in ("results.parquet", "results.csv")):
        return Output("sweep", path, summary, listed)
    if "variants" in summary:
        _check_summary(path / "summary.json", summary, by_variant=True)
        return Output("compare", path, summary, listed)
    if "metrics" in summary:
        _check_summary(path / "summary.json", summary, by_variant=False)
        return Output("run", path, summary, listed)
    raise ReportError(
        f"{path} holds no simcc output: expected summary.json (from `simcc run` or "
        "`simcc compare`) or results.parquet (from `simcc sweep`)"
    )


def _read_summary(path: Path) -> dict[str, Any]:
    file = path / "summary.json"
    if not file.is_file():
        return {}
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {file}: {exc}") from None
    if not isinstance(document, dict):
        raise ReportError(f"{file} is not a simcc summary (expected a JSON object)")
    return document


def _check_summary(file: Path, summary: dict[str, Any], by_variant: bool) -> None:
    """The shape of summary.json: ``metrics`` maps each metric to its estimate
    (``{mean, std, ci_low, ci_high}``), or in a comparison to one per variant."""
    if by_variant:
        variants = summary["variants"]
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            raise ReportError(f"{file} is damaged: `variants` is not a list of names")
    for key in ("metrics", "differences") if by_variant else ("metrics",):
        table = summary.get(key, {})
        if not isinstance(table, dict):
            raise ReportError(f"{file} is damaged: `{key}` is not a mapping of metrics")
        for name, entry in table.items():
            entries = entry.items() if by_variant and isinstance(entry, dict) else [("", entry)]
            for variant, value in entries:
                if not _is_estimate(value):
                    where = f"{key}.{name}" + (f".{variant}" if variant else "")
                    raise ReportError(
                        f"{file} is damaged: {where} should be {{mean, ci_low, ci_high…}} "
                        f"numbers, got {json.dumps(value)[:60]}"
                    )


def _is_estimate(entry: Any) -> bool:
    return isinstance(entry, dict) and all(
        value is None or isinstance(value, int | float) for value in entry.values()
    )


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


def build_report(out_dir: str | Path, scenario: Any = None) -> Path:
    """Write ``out_dir/report.html`` from what run/compare/sweep wrote there; return its path.

    ``scenario``: the scenario (a :class:`~simcc.scenario.Scenario` or a file)
    the output came from, for the staffing line, the measurement window and
    the SLA threshold; by default ``out_dir/scenario.yaml`` if present.
    """
    out = detect(out_dir)
    scen = _load_scenario(scenario, out)
    page = Page(title="simcc report")
    if out.kind == "run":
        _run_report(page, out, scen)
    elif out.kind == "compare":
        _compare_report(page, out, scen)
    else:
        _sweep_report(page, out, scen)
    return write_text(out.path / REPORT, page.html())


@dataclass
class Page:
    """An HTML page built section by section; :meth:`html` gives the whole document."""

    title: str
    subtitle: str = ""
    sections: list[str] = field(default_factory=list)

    def section(self, ident: str, heading: str, *parts: str) -> None:
        body = "\n".join(parts)
        self.sections.append(
            f'<section id="{ident}">\n<h2>{html.escape(heading)}</h2>\n{body}\n</section>'
        )

    def html(self) -> str:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        return _TEMPLATE.format(
            title=html.escape(self.title),
            subtitle=html.escape(self.subtitle),
            css=_CSS,
            body="\n".join(self.sections),
            footer=html.escape(f"simcc {__version__} · generated {stamp}"),
        )


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2733; background: #f6f7f9; line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 1.5rem 2rem 3rem; background: #fff; }
h1 { margin: 0 0 .2rem; font-size: 1.7rem; }
.subtitle { color: #5a6675; margin: 0 0 1rem; }
h2 { border-bottom: 2px solid #d9dee5; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #e3e7ec; text-align: right;
         white-space: nowrap; }
th { white-space: normal; }
.ci { color: #5a6675; font-size: .8rem; }
th { background: #eef1f5; }
td.name, th.name, td.key { text-align: left; }
td.name code { color: #5a6675; font-size: .8rem; }
tr.group td { background: #fafbfc; font-weight: 600; text-align: left; }
ul.verdicts { list-style: none; padding-left: 0; }
ul.verdicts li { padding: .3rem .6rem; margin: .25rem 0; border-left: 5px solid #aab3bf;
                 background: #f7f8fa; }
ul.verdicts li.better { border-color: #2e8b57; }
ul.verdicts li.worse { border-color: #c0392b; }
ul.verdicts li.neutral { border-color: #4a78b0; }
figure { margin: 1.2rem 0 2rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e7ec; }
figcaption { color: #3d4855; font-size: .92rem; max-width: 60rem; }
pre { background: #f3f5f8; padding: .6rem .8rem; overflow-x: auto; }
.note { color: #5a6675; font-size: .9rem; }
footer { color: #8a94a1; font-size: .8rem; margin-top: 3rem; }
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="subtitle">{subtitle}</p>
{body}
<footer>{footer}</footer>
</main>
</body>
</html>
"""


# ---------------------------------------------------------------------------- HTML pieces


def figure_html(fig: Figure, alt: str, caption: str) -> str:
    """A figure as an ``<img>`` with its PNG inline (``data:`` URI) and a caption."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _facts(rows: Iterable[tuple[str, Any]]) -> str:
    cells = "".join(
        f'<tr><td class="key">{html.escape(str(k))}</td>'
        f'<td class="name">{html.escape(str(v))}</td></tr>'
        for k, v in rows
        if v not in (None, "")
    )
    return f"<table>{cells}</table>"


def _table(
    header: Sequence[str], rows: Iterable[Sequence[str]], name_cols: int = 1, raw: bool = False
) -> str:
    """An HTML table; the first ``name_cols`` cells of a row (all with ``raw``) are HTML."""
    head = "".join(
        f'<th class="name">{html.escape(h)}</th>' if i < name_cols else f"<th>{html.escape(h)}</th>"
        for i, h in enumerate(header)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="name">{c}</td>'
            if i < name_cols
            else f"<td>{c if raw else html.escape(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _metric_cell(metric: str) -> str:
    label = fmt.label(metric).strip()
    return f"{html.escape(label)}<br><code>{html.escape(metric)}</code>"


def _value_ci(metric: str, e: Estimate, signed: bool = False) -> tuple[str, str]:
    return fmt.value(metric, e.mean, signed), fmt.interval(metric, e, signed)


def _plot(parts: list[str], draw: Any, alt: str, caption: str) -> None:
    """Draw one figure into ``parts``; a figure that cannot be drawn becomes a note."""
    try:
        fig = draw()
    except (ValueError, KeyError) as exc:
        parts.append(
            f'<p class="note">{html.escape(alt)}: not drawn ({html.escape(str(exc))}).</p>'
        )
        return
    parts.append(figure_html(fig, alt, caption))


def _scenario_text(scenario: Any) -> str:
    return f"<pre>{html.escape(scenario.summary())}</pre>" if scenario is not None else ""


# ============================================================================ run


def _run_report(page: Page, out: Output, scenario: Any) -> None:
    s = out.summary
    n = int(s.get("replications") or 0)
    policy = scenario.transfer.policy if scenario is not None else None
    page.title = f"simcc run: {s.get('scenario', out.path.name)}"
    page.subtitle = f"{n} replication(s), seed {s.get('seed')}" + (
        f", transfer policy {policy}" if policy else ""
    )
    prov = s.get("provenance", {})
    facts = _facts(
        [
            ("scenario", s.get("scenario")),
            ("transfer policy", policy),
            ("seed", s.get("seed")),
            ("replications", n),
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
    page.section("scenario", "Scenario", facts, _scenario_text(scenario), missing)
    estimates = {m: _estimate(v, n) for m, v in s.get("metrics", {}).items()}
    rows = [
        (_metric_cell(m), *_value_ci(m, e))
        for m, e in estimates.items()
        if not (m == "unfinished" and not e.mean)
    ]
    page.section(
        "metrics",
        "Metrics",
        f'<p class="note">Mean over {n} replication(s) and its 95 % confidence interval '
        "(Student t). Rates are shares of contacts, times are seconds (s) or minutes (m).</p>",
        _table(["metric", "mean", "95 % CI"], rows),
    )
    page.section("plots", "Plots", *_record_plots(out, scenario, policy))


def _main_policy(contacts: pd.DataFrame) -> str:
    """The transfer policy most hand-offs used (``run`` when nothing was handed off)."""
    used = contacts["policy"].astype(str) if "policy" in contacts else pd.Series(dtype=str)
    used = used[used != ""]
    return str(used.mode().iloc[0]) if len(used) else "run"


def _record_plots(out: Output, scenario: Any, label: str | None) -> list[str]:
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
    _plot(
        parts,
        lambda: plots.wait_distributions(contacts, threshold=threshold),
        "Waiting-time distributions",
        "Share of customers who waited longer than t. Left: the wait in the first queue of "
        "answered contacts (what ASA averages); the dashed line is the answer SLA threshold. "
        "Right: time on hold during warm or conference transfers plus time queued after a "
        "hand-off, for escalated contacts. Shaded: 95 % CI over replications. A curve lower "
        "and further left means shorter waits.",
    )
    _plot(
        parts,
        lambda: plots.intraday_chart(contacts, agents, transfers, staffing=staffing),
        "Queues and busy agents over the day",
        "One row per pool, 15-minute intervals. Left: mean number of customers waiting for "
        "the pool (first queue, queue after a cold transfer, on hold for a consult, "
        "callbacks and tickets). Right: mean agents busy against the staffing plan (dashed). "
        "Busy close to staffing while the queue grows marks the pool that limits the day.",
    )
    _plot(
        parts,
        lambda: plots.activity_chart(agents, window=window),
        "Agent time by activity",
        "What each pool's agents spend their busy time on: handling, wrap-up, waiting for a "
        "specialist (consult_wait), consulting, the three-way conference, rediscovery (the "
        "customer repeats the story), the hand-off step and callback dials. Top in "
        "agent-hours per replication, bottom as a share of busy time.",
    )
    return parts


# ============================================================================ compare


def _compare_report(page: Page, out: Output, scenario: Any) -> None:
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
    prov = s.get("provenance", {}) if isinstance(s.get("provenance"), dict) else {}
    extra = [
        (k, v)
        for k, v in s.items()
        if isinstance(v, str | int | float) and k not in ("variants", "replications", "level")
    ]
    page.section(
        "scenario",
        "Scenario",
        _facts(
            [
                ("variants", ", ".join(variants)),
                ("baseline", baseline),
                ("replications per variant", n),
                *extra,
                ("simcc", prov.get("simcc")),
            ]
        ),
        _scenario_text(scenario),
    )
    differences = _differences(s, table, variants)
    items = []
    for variant in variants[1:]:
        for metric in HEADLINE:
            diff = differences.get(metric, {}).get(variant)
            if diff is None:
                continue
            v = verdict(metric, variant, baseline, diff)
            items.append(f'<li class="{v.tone}">{html.escape(v.text)}</li>')
    page.section(
        "verdict",
        "Verdict",
        f'<p class="note">Each line reads the paired difference of a variant against '
        f"{html.escape(baseline)} with its 95 % confidence interval. “No clear difference” "
        "means the interval holds zero: more replications may still show one.</p>",
        f'<ul class="verdicts">{"".join(items)}</ul>'
        if items
        else '<p class="note">No differences in this output.</p>',
    )
    parts: list[str] = []
    source = table if table is not None and "variant" in table else s
    _plot(
        parts,
        lambda: plots.comparison_chart(source),
        "Policy comparison",
        "Each panel is one headline metric; a bar per variant is its mean over replications "
        "and the whiskers its 95 % confidence interval. Overlapping whiskers do not mean "
        "'no difference': the verdict above uses the paired differences, which are sharper.",
    )
    records = _record_plots(out, scenario, baseline) if out.has("contacts.parquet") else []
    page.section("plots", "Plots", *parts, *records)
    page.section("metrics", "Metrics", _compare_table(s, variants, differences, n))


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


def _compare_table(
    summary: Mapping[str, Any],
    variants: list[str],
    differences: Mapping[str, Mapping[str, Estimate]],
    n: int,
) -> str:
    header = ["metric"]
    for v in variants:
        header += [v, "95 % CI"]
    for v in variants[1:]:
        header += [f"{v} − {variants[0]}", "95 % CI"]
    rows = []
    for metric, per in summary.get("metrics", {}).items():
        if metric == "unfinished":
            continue
        row = [_metric_cell(metric)]
        for v in variants:
            row += list(_value_ci(metric, _estimate(per.get(v), n)))
        for v in variants[1:]:
            diff = differences.get(metric, {}).get(v)
            row += list(_value_ci(metric, diff, signed=True)) if diff else ["–", ""]
        rows.append(row)
    note = (
        f'<p class="note">Mean of each variant over {n} replication(s) with its 95 % CI, '
        "then the paired difference against the baseline with its CI (rates in percentage "
        "points, pt).</p>"
    )
    return note + _table(header, rows)


# ============================================================================ sweep


def _sweep_report(page: Page, out: Output, scenario: Any) -> None:
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
        _facts([*values, ("replications per point", n)]),
        _scenario_text(scenario),
        note,
    )
    metrics = [m for m in SWEEP_METRICS if m in results]
    page.section("verdict", "Where the policies cross", _crossing_list(shown, metrics))
    parts: list[str] = []
    for metric in metrics:
        _plot(
            parts,
            lambda metric=metric: plots.sweep_chart(shown, metric),
            f"{metric} against staffing",
            f"{fmt.label(metric).strip()} at each grid point, one line per policy with its "
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
    header = [*fields, *(fmt.label(m).strip() for m in metrics)]
    rows = []
    for key, grp in results.groupby(fields, sort=True, dropna=False):
        keys = key if isinstance(key, tuple) else (key,)
        row = [html.escape(str(k)) for k in keys]
        for m in metrics:
            mean, ci = _value_ci(m, estimate(grp[m].to_numpy(float)))
            row.append(f'{html.escape(mean)}<br><span class="ci">{html.escape(ci)}</span>')
        rows.append(row)
    note = '<p class="note">Mean over the replications of each grid point, its 95 % CI below.</p>'
    return note + _table(header, rows, name_cols=len(fields), raw=True)
