"""The run report's interval part: agents and service level per pool and interval.

From a run's records (:func:`simcc.analysis.intervals.records_interval_table`):
per pool and interval, the agents scheduled and busy, the service level with
its 95 % CI over replications, against the file's answer target, and the
agents *required* where a requirements table sits beside the output or the
scenario (``staffing.csv`` of ``simcc staff --interval``, for the scenario's
policy).  The chart is :func:`simcc.analysis.interval_plots.interval_chart`.
docs/report.md says how to read it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from simcc.analysis import format as fmt
from simcc.analysis.interval_plots import interval_chart, missed_intervals
from simcc.analysis.intervals import records_interval_table
from simcc.analysis.page import plot_into, table_html
from simcc.analysis.stats import Estimate

DEFAULT_INTERVAL = 1800.0
"""The interval of the report when no requirements table gives one (30 minutes)."""

REQUIREMENTS = "staffing.csv"


def find_requirements(out_dir: Path, scenario: Any) -> Path | None:
    """The requirements table beside the output, else beside the scenario file, if any."""
    places = [out_dir]
    source = getattr(scenario, "source", None)
    if source is not None:
        places.append(Path(source).parent)
    for place in places:
        if (place / REQUIREMENTS).is_file():
            return place / REQUIREMENTS
    return None


def read_required(path: Path, scenario: Any) -> pd.DataFrame | None:
    """``pool``, ``start``, ``end``, ``required`` of a requirements table (the scenario's
    policy when it has several); None when it does not fit the scenario's pools."""
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError):
        return None
    if not {"pool", "start", "end", "required"} <= set(table.columns):
        return None
    if "policy" in table.columns:
        mine = table["policy"].astype(str) == scenario.transfer.policy
        table = table[mine] if mine.any() else table[table["policy"] == table["policy"].iloc[0]]
    table = table[table["pool"].astype(str).isin(list(scenario.pools))]
    if table.empty:
        return None
    return table[["pool", "start", "end", "required"]].assign(pool=table["pool"].astype(str))


def interval_table_of_run(
    records: Mapping[str, pd.DataFrame], scenario: Any, required: pd.DataFrame | None
) -> pd.DataFrame:
    """The run's interval metrics, with ``required`` merged in when given."""
    interval = DEFAULT_INTERVAL
    if required is not None:
        interval = float((required["end"] - required["start"]).iloc[0])
    interval = min(interval, float(scenario.horizon))
    table = records_interval_table(records, scenario, interval)
    if required is not None:
        table = table.merge(
            required[["pool", "start", "required"]], on=["pool", "start"], how="left"
        )
    return table


def interval_parts(
    out_dir: Path, records: Mapping[str, pd.DataFrame], scenario: Any, opens_at: Any
) -> list[str]:
    """The interval section's HTML: per pool, a table and the chart."""
    path = find_requirements(out_dir, scenario)
    required = read_required(path, scenario) if path is not None else None
    table = interval_table_of_run(records, scenario, required)
    target = float(scenario.sla.answer.target)
    source = (
        f"required agents from {html.escape(str(path))} (the fewest agents meeting the "
        "targets, found by <code>simcc staff --interval</code>)"
        if required is not None
        else "no requirements table (staffing.csv) beside the output or the scenario, so "
        "no required agents"
    )
    parts = [
        '<p class="note">Per pool and interval, from the records: agents on the floor (the '
        "scenario's shift plan) and busy (mean over replications), and the service level with "
        f"its 95 % CI against the target of {target:.0%}; an interval <b>misses</b> when the "
        f"CI's low end is below the target. {source}. (The <code>scheduled</code> column of "
        "staffing.csv is another number: the agents to roster, required / (1 − shrinkage); "
        "it is not shown.)</p>"
    ]
    for pool in scenario.pools:
        rows = table[table["pool"] == pool].sort_values("start")
        if rows.empty or not (rows["scheduled"] > 0).any():
            continue
        parts.append(f"<h3>{html.escape(str(pool))}</h3>")
        parts.append(interval_table_html(rows, target, opens_at))
        plot_into(
            parts,
            lambda pool=pool: interval_chart(table, pool, target, opens_at=opens_at),
            f"{pool}: agents and service level per interval",
            "Top: agents on the floor by the plan (steps), required (dashed, when known) and "
            "busy (dots, with the 95 % CI band). Bottom: the service level of the contacts "
            "arriving in each interval with its 95 % CI band, the dashed target, and in red "
            "the intervals whose CI misses it: where the plan is thin. " + fmt.CLIPPED_NOTE,
        )
    return parts


def interval_table_html(rows: pd.DataFrame, target: float, opens_at: Any) -> str:
    """One pool's rows as a table: required, on the floor, busy and service level with their
    CIs, bounds clipped to what each can take (and the footnote that says so)."""
    miss = missed_intervals(rows, target)
    since = fmt.opening_seconds(opens_at) is None
    header = [
        "interval (since opening)" if since else "interval",
        "required",
        "on floor (plan)",
        "busy",
        "95 % CI",
        "service level",
        "95 % CI",
    ]
    body, clipped = [], False
    for (_, r), missed in zip(rows.iterrows(), miss, strict=True):
        when = f"{fmt.clock_time(r['start'], opens_at)}–{fmt.clock_time(r['end'], opens_at)}"
        required = r.get("required", math.nan)
        n = int(r["n"]) if "n" in r and pd.notna(r["n"]) else 0
        busy = _estimate(r, "busy", n)
        level = _estimate(r, "service_level", n)
        clipped |= fmt.count_clipped(busy) or fmt.clipped("service_level", level)
        body.append(
            (
                html.escape(when) + (" <b>misses</b>" if missed else ""),
                "–" if pd.isna(required) else f"{int(required)}",
                f"{r['scheduled']:g}",
                f"{r['busy']:.1f}",
                fmt.count_interval(busy) or "–",
                fmt.value("service_level", level.mean),
                fmt.interval("service_level", level) or "–",
            )
        )
    note = f'<p class="note">{html.escape(fmt.CLIPPED_NOTE)}</p>' if clipped else ""
    return table_html(header, body) + note


def _estimate(row: pd.Series, metric: str, n: int) -> Estimate:
    """A row's mean and CI of ``metric`` (NaN bounds: no interval)."""
    low, high = row[f"{metric}_ci_low"], row[f"{metric}_ci_high"]
    usable = n >= 2 and pd.notna(low) and pd.notna(high)
    return Estimate(float(row[metric]), math.nan, float(low), float(high), n if usable else 1)
