"""Charts of simulation results for planners: each function takes results, returns a Figure.

The functions read the tables the simulator and the experiment commands
write — never the engine — and draw with matplotlib's object API
(:class:`matplotlib.figure.Figure`, no ``pyplot``), so they never open a
window, never touch the global figure list and render with the Agg canvas
when saved (``fig.savefig("chart.png")``).  In Jupyter, ``display(fig)``
shows them.

Every chart shows the uncertainty of replications: a 95 % Student-t
confidence interval across replications, drawn as error bars or a shaded
band (none with a single replication).  Titles and axis labels use the
metrics' labels and units of :mod:`simcc.analysis.format`; charts over the
day read in clock time when given the opening time (``opens_at="08:00"``),
else in hours since opening, and money carries the currency when given.

Inputs:

- a *comparison table*: one row per variant × replication, columns
  ``variant``, ``replication`` and one per metric (``Comparison.table`` or
  ``replications.parquet`` of ``simcc compare``), or the ``summary.json``
  document of ``simcc compare`` (``{"variants": [...], "metrics": {...}}``);
- record tables (``contacts``, ``transfers``, ``agents``, ``staffing``) with
  an optional ``replication`` column and an optional ``variant`` column, or a
  mapping ``{variant: table}``;
- a *sweep table*: one row per grid point × replication, a column per swept
  field (dotted path), ``replication`` and one per metric.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from numpy.typing import ArrayLike
from scipy import stats

from simcc.analysis import format as fmt
from simcc.records import ACTIVITIES

HEADLINE_PLOT = (
    "abandonment_rate",
    "fcr",
    "service_level",
    "sla_compliance",
    "asa",
    "mean_hold_time",
    "customer_effort",
    "cost_per_contact",
)
"""The metrics :func:`comparison_chart` draws unless told otherwise."""

POLICY_COLOURS = {
    "self_service": "#e377c2",
    "conference": "#2ca02c",
    "callback": "#9467bd",
    "email": "#8c564b",
    "rules": "#7f7f7f",
    "warm": "#d62728",
    "cold": "#1f77b4",
}
"""A policy keeps its colour in every chart (matched in the variant's name)."""

ACTIVITY_COLOURS = {
    "handle": "#4c72b0",
    "wrap_up": "#8fb0d8",
    "consult_wait": "#dd8452",
    "consult": "#c44e52",
    "conference": "#8172b3",
    "rediscovery": "#937860",
    "transfer": "#da8bc3",
    "dial": "#55a868",
}

_SPARE_COLOURS = (
    "#ff7f0e",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
)

VARIANT = "variant"
"""Column naming the policy or scenario a row belongs to."""


# ============================================================================ statistics


@dataclass(frozen=True)
class Band:
    """Mean and 95 % CI per column of a replications × points matrix."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: int


def band(matrix: np.ndarray, level: float = 0.95) -> Band:
    """Column means of ``matrix`` (rows = replications) with Student-t CIs (NaN rows ignored)."""
    m = np.atleast_2d(np.asarray(matrix, dtype=float))
    n = np.sum(~np.isnan(m), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(m, axis=0) if m.size else np.full(m.shape[1], np.nan)
        if m.shape[0] < 2:
            return Band(mean, mean.copy(), mean.copy(), int(m.shape[0]))
        std = np.nanstd(m, axis=0, ddof=1)
        t = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
        half = np.where(n >= 2, t * std / np.sqrt(np.maximum(n, 1)), 0.0)
    return Band(mean, mean - half, mean + half, int(m.shape[0]))


@dataclass(frozen=True)
class Point:
    """A metric of one variant: mean and CI bounds (CI equal to the mean when unknown)."""

    mean: float
    low: float
    high: float


def variant_estimates(
    comparison: pd.DataFrame | Mapping[str, Any], metrics: Sequence[str]
) -> tuple[list[str], dict[str, dict[str, Point]]]:
    """Variants in order and ``{metric: {variant: Point}}`` from a comparison table or summary."""
    if isinstance(comparison, pd.DataFrame):
        table = comparison if VARIANT in comparison else comparison.assign(**{VARIANT: "run"})
        variants = [str(v) for v in pd.unique(table[VARIANT])]
        out: dict[str, dict[str, Point]] = {}
        for metric in metrics:
            if metric not in table:
                continue
            out[metric] = {}
            for v in variants:
                values = table.loc[table[VARIANT].astype(str) == v, metric].to_numpy(float)
                b = band(values[:, None])
                out[metric][v] = Point(float(b.mean[0]), float(b.low[0]), float(b.high[0]))
        return variants, out
    summary = comparison.get("metrics", {})
    variants = [str(v) for v in comparison.get("variants", [])]
    out = {}
    for metric in metrics:
        per_variant = summary.get(metric)
        if not per_variant:
            continue
        variants = variants or list(per_variant)
        out[metric] = {v: _point(per_variant[v]) for v in variants if v in per_variant}
    return variants, out


def _point(entry: Mapping[str, Any]) -> Point:
    mean = _float(entry.get("mean"))
    low, high = _float(entry.get("ci_low")), _float(entry.get("ci_high"))
    return Point(mean, mean if math.isnan(low) else low, mean if math.isnan(high) else high)


def _float(x: Any) -> float:
    return math.nan if x is None else float(x)


# ============================================================================ units and colours


def unit_scale(
    metric: str, values: Sequence[float] | np.ndarray = (), currency: str | None = None
) -> tuple[float, str]:
    """Factor from the stored value to the shown one, and the unit (``%``, ``s``, ``min``…)."""
    kind = fmt.kind(metric)
    if kind == "rate":
        return 100.0, "%"
    if kind == "time":
        finite = np.asarray(values, dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size and np.nanmax(np.abs(finite)) > 300:
            return 1 / 60, "min"
        return 1.0, "s"
    if kind == "money":
        return 1.0, currency or "money"
    if kind == "count":
        return 1.0, "contacts"
    return 1.0, ""


def axis_label(metric: str, unit: str) -> str:
    """``Abandonment (all), %`` — the readable label and the unit."""
    text = fmt.title(metric)
    return f"{text}, {unit}" if unit else text


def time_scale(seconds: np.ndarray | Sequence[float]) -> tuple[float, str]:
    """Seconds, or minutes when the values run past five minutes."""
    return unit_scale("asa", seconds)


def variant_colours(variants: Sequence[str]) -> dict[str, str]:
    """A distinct colour per variant; a variant named after a policy gets that policy's colour."""
    colours: dict[str, str] = {}
    used: set[str] = set()
    for v in variants:
        for policy, colour in POLICY_COLOURS.items():
            if policy in str(v).lower() and colour not in used:
                colours[v] = colour
                used.add(colour)
                break
    spare = (c for c in _SPARE_COLOURS + tuple(POLICY_COLOURS.values()) if c not in used)
    for v in variants:
        if v not in colours:
            colours[v] = next(spare, "#333333")
    return colours


# ============================================================================ inputs


def with_variant(tables: pd.DataFrame | Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One table with ``variant`` and ``replication`` columns, from a table or ``{name: table}``."""
    if isinstance(tables, Mapping):
        frames = [_as_records(t).assign(**{VARIANT: str(name)}) for name, t in tables.items()]
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    else:
        frame = _as_records(tables)
        if VARIANT not in frame:
            frame = frame.assign(**{VARIANT: ""})
    return frame.assign(**{VARIANT: frame[VARIANT].astype(str)})


def _as_records(table: pd.DataFrame) -> pd.DataFrame:
    return table if "replication" in table else table.assign(replication=0)


def _variants(frame: pd.DataFrame) -> list[str]:
    return [str(v) for v in pd.unique(frame[VARIANT])]


def _replications(frame: pd.DataFrame) -> list[Any]:
    return sorted(pd.unique(frame["replication"]).tolist())


def _legend_name(variant: str) -> str:
    return variant or "run"


# ============================================================================ 1. comparison


def comparison_chart(
    comparison: pd.DataFrame | Mapping[str, Any],
    metrics: Sequence[str] | None = None,
    ncols: int = 4,
    currency: str | None = None,
) -> Figure:
    """Headline metrics per variant as bars with 95 % CI error bars, one panel per metric.

    ``comparison``: the comparison table (``variant``, ``replication``, metrics)
    or the ``summary.json`` document of ``simcc compare``.  Panels are titled
    with the metrics' labels.
    """
    wanted = list(metrics) if metrics is not None else list(HEADLINE_PLOT)
    variants, est = variant_estimates(comparison, wanted)
    shown = [m for m in wanted if m in est]
    if not shown:
        raise ValueError(f"none of the metrics {wanted} is in the comparison")
    colours = variant_colours(variants)
    ncols = max(1, min(ncols, len(shown)))
    nrows = math.ceil(len(shown) / ncols)
    fig = Figure(figsize=(3.2 * ncols, 2.9 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, metric in zip(axes, shown, strict=False):
        _comparison_panel(ax, metric, variants, est[metric], colours, currency)
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    fig.suptitle("Policy comparison: mean and 95 % CI over replications")
    return fig


def _comparison_panel(
    ax: Axes,
    metric: str,
    variants: list[str],
    points: dict[str, Point],
    colours: dict[str, str],
    currency: str | None = None,
) -> None:
    names = [v for v in variants if v in points]
    means = np.array([points[v].mean for v in names])
    lows = np.array([points[v].low for v in names])
    highs = np.array([points[v].high for v in names])
    scale, unit = unit_scale(metric, np.concatenate([means, highs]), currency)
    x = np.arange(len(names))
    err = np.vstack([means - lows, highs - means]) * scale
    ax.bar(
        x,
        means * scale,
        color=[colours[v] for v in names],
        yerr=np.nan_to_num(np.abs(err)),
        capsize=4,
        ecolor="black",
    )
    for xi, m, hi in zip(x, means, highs, strict=True):
        if np.isfinite(m):
            ax.annotate(
                fmt.value(metric, float(m), currency=currency),
                (xi, max(m, hi if np.isfinite(hi) else m) * scale),
                textcoords="offset points",
                xytext=(0, 3),
                ha="center",
                fontsize=8,
            )
    ax.set_xticks(x, [_legend_name(v) for v in names], rotation=20 if len(names) > 3 else 0)
    ax.set_title(fmt.title(metric), fontsize=10)
    ax.set_ylabel(axis_label(metric, unit), fontsize=8)
    ax.margins(y=0.15)
    ax.grid(axis="y", alpha=0.3)


# ============================================================================ 2. waiting times


def wait_distributions(
    contacts: pd.DataFrame | Mapping[str, pd.DataFrame],
    threshold: float | None = None,
    points: int = 200,
) -> Figure:
    """How long customers waited, per variant: share waiting longer than *t*, with CI bands.

    Left: ``wait`` in the entry queue of answered contacts (the waits ``asa``
    averages).  Right: time on hold during warm/conference transfers plus time
    in a receiving queue after a hand-off (``hold_time`` + ``transfer_wait``)
    of escalated contacts.  Only measured contacts (``measured``) count.
    ``threshold``: the answer SLA threshold (s), drawn as a dashed line.
    """
    frame = with_variant(contacts)
    if "measured" in frame:
        frame = frame[frame["measured"]]
    answered = frame[frame["answer"].notna()]
    escalated = frame[frame["escalations"] >= 1]
    panels = (
        ("Entry queue wait (answered contacts)", answered, answered["wait"]),
        (
            "Hold + wait after hand-off (escalated contacts)",
            escalated,
            escalated["hold_time"] + escalated["transfer_wait"],
        ),
    )
    variants = _variants(frame)
    colours = variant_colours(variants)
    fig = Figure(figsize=(11, 4), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, (title, rows, values) in zip(axes, panels, strict=True):
        _survival_panel(ax, title, rows.assign(_value=values), variants, colours, points)
    if threshold is not None:
        scale, _ = time_scale(answered["wait"].to_numpy(float))
        axes[0].axvline(threshold * scale, color="black", linestyle="--", linewidth=1)
        axes[0].annotate(
            f" SLA {threshold:g}s", (threshold * scale, 95), fontsize=8, va="top", ha="left"
        )
    fig.suptitle("Waiting-time distributions: share of customers waiting longer than t (95 % CI)")
    return fig


def _survival_panel(
    ax: Axes,
    title: str,
    rows: pd.DataFrame,
    variants: list[str],
    colours: dict[str, str],
    points: int,
) -> None:
    values = rows["_value"].to_numpy(float)
    values = values[np.isfinite(values)]
    top = float(np.quantile(values, 0.995)) if values.size else 1.0
    top = top if top > 0 else 1.0
    grid = np.linspace(0.0, top, points)
    scale, unit = time_scale(grid)
    for v in variants:
        mine = rows[rows[VARIANT] == v]
        if mine.empty:
            continue
        curves = [
            _survival(grp["_value"].to_numpy(float), grid)
            for _, grp in mine.groupby("replication", sort=True)
        ]
        b = band(np.vstack(curves))
        x = grid * scale
        ax.plot(x, 100 * b.mean, color=colours[v], label=f"{_legend_name(v)} (n={len(mine):,})")
        if b.n > 1:
            ax.fill_between(x, 100 * b.low, 100 * b.high, color=colours[v], alpha=0.2, lw=0)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(f"t, {unit}")
    ax.set_ylabel("waiting longer than t, %")
    ax.set_ylim(0, 100)
    ax.set_xlim(0, grid[-1] * scale)
    ax.grid(alpha=0.3)
    if rows.empty:
        ax.text(0.5, 0.5, "no contacts", transform=ax.transAxes, ha="center")
    else:
        ax.legend(fontsize=8)


def _survival(values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Share of ``values`` greater than each grid point (NaN when there are none)."""
    values = np.sort(values[np.isfinite(values)])
    if values.size == 0:
        return np.full(grid.shape, np.nan)
    return 1.0 - np.searchsorted(values, grid, side="right") / values.size


# ============================================================================ 3. over the day


def staffing_plan(scenario: Any) -> pd.DataFrame:
    """The shift plan of a scenario as a staffing table (``pool``, ``time``, ``scheduled``).

    For record sets that carry no staffing table (``agents.parquet``): one row
    per interval of each pool's ``agents`` plan over the horizon, the last
    count held (or the plan repeated, as the scenario says).
    """
    rows = []
    for name, pool in scenario.pools.items():
        plan = pool.agents
        interval = plan.interval or scenario.horizon
        steps = max(1, math.ceil(scenario.horizon / interval - 1e-9))
        for i in range(steps):
            if plan.repeat:
                count = plan.counts[i % len(plan.counts)]
            else:
                count = plan.counts[min(i, len(plan.counts) - 1)]
            rows.append({"pool": name, "time": i * interval, "scheduled": count})
    return pd.DataFrame(rows, columns=["pool", "time", "scheduled"])


def queue_intervals(contacts: pd.DataFrame, transfers: pd.DataFrame | None) -> pd.DataFrame:
    """Who waited for which pool, when: ``pool``, ``start``, ``end`` (+ variant, replication).

    Entry queue: from ``arrival`` to ``arrival + wait``.  After a hand-off:
    from ``handoff`` to ``engaged`` — the customer queued after a cold
    transfer, held while A waits for a B, or a callback or ticket waiting.
    A leg that never engaged ends when the contact ended, a warm fallback
    when the next hand-off of the contact starts; redirects never wait.
    """
    c = with_variant(contacts)
    keys = [VARIANT, "replication"]
    entry = pd.DataFrame(
        {
            "pool": c["entry_pool"].astype(str),
            "start": c["arrival"].to_numpy(float),
            "end": (c["arrival"] + c["wait"]).to_numpy(float),
            VARIANT: c[VARIANT].to_numpy(),
            "replication": c["replication"].to_numpy(),
        }
    )
    if transfers is None or len(transfers) == 0:
        return entry[entry["end"] > entry["start"]]
    t = with_variant(transfers)
    t = t[t["outcome"].astype(str) != "redirected"].sort_values([*keys, "contact_id", "leg"])
    nxt = t.groupby([*keys, "contact_id"], sort=False)["handoff"].shift(-1)
    ends = c[[*keys, "contact_id", "end"]].rename(columns={"end": "contact_end"})
    t = t.assign(next_handoff=nxt.to_numpy()).merge(ends, on=[*keys, "contact_id"], how="left")
    fallback = t["outcome"].astype(str) == "fallback"
    left = np.where(fallback & t["next_handoff"].notna(), t["next_handoff"], t["contact_end"])
    end = np.where(t["engaged"].notna(), t["engaged"], left)
    legs = pd.DataFrame(
        {
            "pool": t["to_pool"].astype(str).to_numpy(),
            "start": t["handoff"].to_numpy(float),
            "end": end.astype(float),
            VARIANT: t[VARIANT].to_numpy(),
            "replication": t["replication"].to_numpy(),
        }
    )
    both = pd.concat([entry, legs], ignore_index=True)
    return both[both["end"] > both["start"]]


def mean_count(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Time-average number of open intervals ``[start, end)`` in each bin between ``edges``.

    Uses the area under the count: ``A(t) = Σ max(0, min(t, e) − s)`` in
    ``O((n + bins) log n)`` from sorted starts and ends.
    """
    s = np.sort(np.asarray(starts, dtype=float))
    e = np.sort(np.asarray(ends, dtype=float))
    cs = np.concatenate([[0.0], np.cumsum(s)])
    ce = np.concatenate([[0.0], np.cumsum(e)])
    ks = np.searchsorted(s, edges, side="left")
    ke = np.searchsorted(e, edges, side="left")
    area = (edges * ks - cs[ks]) - (edges * ke - ce[ke])
    return np.diff(area) / np.diff(edges)


def intraday_chart(
    contacts: pd.DataFrame | Mapping[str, pd.DataFrame],
    agents: pd.DataFrame | Mapping[str, pd.DataFrame],
    transfers: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
    staffing: pd.DataFrame | None = None,
    bin_size: float = 900.0,
    pools: Sequence[str] | None = None,
    opens_at: object = None,
) -> Figure:
    """Queue length and agents busy over the day, one row per pool, with 95 % CI bands.

    Left: mean number waiting for the pool in each ``bin_size`` (see
    :func:`queue_intervals`).  Right: mean agents busy, against the staffing
    line (``scheduled`` of a staffing table — ``Result.staffing`` or
    :func:`staffing_plan` — drawn as steps; omitted when ``staffing`` is None).
    ``opens_at``: the opening time (``"08:00"``) for a clock-time axis; by
    default the axis runs in hours since opening.
    """
    c = with_variant(contacts)
    a = with_variant(agents)
    t = with_variant(transfers) if transfers is not None else None
    queue = queue_intervals(c, t)
    names = list(pools) if pools is not None else _pool_names(a, c)
    end = max(float(np.nanmax(c["arrival"])) if len(c) else bin_size, bin_size)
    edges = np.arange(0.0, math.ceil(end / bin_size) * bin_size + 0.5 * bin_size, bin_size)
    hours = (edges[:-1] + edges[1:]) / 2 / 3600
    variants = _variants(c)
    colours = variant_colours(variants)
    fig = Figure(figsize=(11, 2.4 * len(names) + 0.8), layout="constrained")
    axes = fig.subplots(len(names), 2, squeeze=False, sharex=True)
    for row, pool in enumerate(names):
        for v in variants:
            label = _legend_name(v)
            q = _per_replication(queue, v, pool, edges, "start", "end")
            _band_line(axes[row, 0], hours, q, colours[v], label)
            busy = _per_replication(a, v, pool, edges, "start", "end")
            _band_line(axes[row, 1], hours, busy, colours[v], label)
        if staffing is not None:
            _staffing_line(axes[row, 1], staffing, pool, edges)
        axes[row, 0].set_ylabel(f"{pool}\nwaiting", fontsize=9)
        axes[row, 1].set_ylabel("agents", fontsize=9)
        for ax in axes[row]:
            ax.grid(alpha=0.3)
            ax.set_ylim(bottom=0)
    axes[0, 0].set_title("Queue length (mean per interval)", fontsize=10)
    axes[0, 1].set_title("Agents busy vs staffing", fontsize=10)
    for ax in axes[-1]:
        _clock_axis(ax, opens_at)
    axes[0, 1].legend(fontsize=8, loc="upper right")
    fig.suptitle(f"Over the day, {bin_size / 60:g}-minute intervals (95 % CI bands)")
    return fig


def _clock_axis(ax: Axes, opens_at: object) -> None:
    """Label an axis in hours since opening as clock time (``09:00``), if the opening is known."""
    if fmt.opening_seconds(opens_at) is None:
        ax.set_xlabel("hours since opening")
        return
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda h, _: fmt.clock(3600 * h, opens_at)))
    ax.set_xlabel("time of day")


def _pool_names(agents: pd.DataFrame, contacts: pd.DataFrame) -> list[str]:
    for column, frame in (("pool", agents), ("entry_pool", contacts)):
        if column in frame and isinstance(frame[column].dtype, pd.CategoricalDtype):
            return [str(p) for p in frame[column].cat.categories]
    return sorted({str(p) for p in agents.get("pool", pd.Series(dtype=str))})


def _per_replication(
    frame: pd.DataFrame, variant: str, pool: str, edges: np.ndarray, start: str, end: str
) -> np.ndarray:
    mine = frame[(frame[VARIANT] == variant) & (frame["pool"].astype(str) == pool)]
    reps = _replications(frame[frame[VARIANT] == variant])
    rows = []
    for rep in reps:
        r = mine[mine["replication"] == rep]
        rows.append(mean_count(r[start].to_numpy(float), r[end].to_numpy(float), edges))
    return np.vstack(rows) if rows else np.zeros((1, len(edges) - 1))


def _band_line(ax: Axes, x: np.ndarray, matrix: np.ndarray, colour: str, label: str) -> None:
    b = band(matrix)
    ax.plot(x, b.mean, color=colour, label=label)
    if b.n > 1:
        ax.fill_between(x, b.low, b.high, color=colour, alpha=0.2, lw=0)


def _staffing_line(ax: Axes, staffing: pd.DataFrame, pool: str, edges: np.ndarray) -> None:
    mine = staffing[staffing["pool"].astype(str) == pool]
    if "replication" in mine and len(mine):
        mine = mine[mine["replication"] == mine["replication"].iloc[0]]
    if VARIANT in mine and len(mine):
        mine = mine[mine[VARIANT] == mine[VARIANT].iloc[0]]
    if mine.empty:
        return
    mine = mine.sort_values("time", kind="stable").drop_duplicates("time", keep="last")
    times = np.append(mine["time"].to_numpy(float), edges[-1])
    counts = mine["scheduled"].to_numpy(float)
    keep = times[:-1] < edges[-1]
    x = np.append(times[:-1][keep], edges[-1]) / 3600
    y = np.append(counts[keep], counts[keep][-1])
    ax.step(x, y, where="post", color="black", linestyle="--", linewidth=1.2, label="staffing")


# ============================================================================ 4. agent time


def activity_hours(
    agents: pd.DataFrame | Mapping[str, pd.DataFrame], window: tuple[float, float] | None = None
) -> pd.DataFrame:
    """Agent-hours per variant, pool, activity and replication (clipped to ``window``)."""
    a = with_variant(agents)
    start, end = a["start"].to_numpy(float), a["end"].to_numpy(float)
    if window is not None:
        start, end = np.clip(start, *window), np.clip(end, *window)
    a = a.assign(hours=(end - start) / 3600, pool=a["pool"].astype(str))
    a["activity"] = pd.Categorical(a["activity"].astype(str), categories=list(ACTIVITIES))
    grouped = a.groupby([VARIANT, "pool", "activity", "replication"], observed=False)["hours"]
    return grouped.sum().reset_index()


def activity_chart(
    agents: pd.DataFrame | Mapping[str, pd.DataFrame],
    window: tuple[float, float] | None = None,
    pools: Sequence[str] | None = None,
) -> Figure:
    """Agent time by activity, per pool and variant: stacked bars, hours and shares.

    Top: mean agent-hours per replication, the error bar on each stack the
    95 % CI of the total busy hours.  Bottom: the same split as a share of the
    pool's busy time, so small pools and small activities (consult,
    conference, rediscovery) show.  ``window``: count only time inside
    ``(warmup, horizon)``.
    """
    hours = activity_hours(agents, window)
    a = with_variant(agents)
    variants = _variants(a)
    names = list(pools) if pools is not None else _pool_names(a, a)
    width = 0.8 / max(1, len(variants))
    fig = Figure(
        figsize=(max(8.0, 1.1 * len(names) * len(variants) + 2), 7.5), layout="constrained"
    )
    top, bottom = fig.subplots(2, 1, sharex=True)
    ticks, labels = [], []
    for i, pool in enumerate(names):
        for j, v in enumerate(variants):
            x = i + (j - (len(variants) - 1) / 2) * width
            table = _activity_table(hours, v, pool, _replications(a[a[VARIANT] == v]))
            _stack(top, x, width, table.mean(), legend=(i, j) == (0, 0))
            _total_error(top, x, table.sum(axis=1).to_numpy(float))
            busy = float(table.mean().sum())
            _stack(bottom, x, width, 100 * table.mean() / busy if busy else table.mean() * 0)
            ticks.append(x)
            labels.append(f"{pool}\n{_legend_name(v)}" if len(variants) > 1 else pool)
    bottom.set_xticks(ticks, labels, fontsize=8)
    top.set_ylabel("agent-hours per replication")
    bottom.set_ylabel("share of busy time, %")
    bottom.set_ylim(0, 100)
    for ax in (top, bottom):
        ax.grid(axis="y", alpha=0.3)
    fig.legend(title="activity", fontsize=8, loc="outside right center")
    span = "in the measured window" if window is not None else "over the whole run"
    fig.suptitle(f"Agent time by activity, {span} (error bar: 95 % CI of the total)")
    return fig


def _activity_table(hours: pd.DataFrame, variant: str, pool: str, reps: list[Any]) -> pd.DataFrame:
    """Replications × activities: agent-hours of one pool under one variant."""
    mine = hours[(hours[VARIANT] == variant) & (hours["pool"] == pool)]
    table = mine.pivot_table(
        index="replication", columns="activity", values="hours", aggfunc="sum", observed=False
    )
    return table.reindex(index=reps, columns=list(ACTIVITIES)).fillna(0.0)


def _stack(ax: Axes, x: float, width: float, values: pd.Series, legend: bool = False) -> None:
    bottom = 0.0
    for activity in ACTIVITIES:
        h = float(values[activity])
        ax.bar(
            x,
            h,
            width * 0.9,
            bottom=bottom,
            color=ACTIVITY_COLOURS[activity],
            label=activity if legend else None,
            edgecolor="white",
            linewidth=0.4,
        )
        bottom += h


def _total_error(ax: Axes, x: float, totals: np.ndarray) -> None:
    b = band(totals[:, None])
    if b.n > 1:
        err = [[b.mean[0] - b.low[0]], [b.high[0] - b.mean[0]]]
        ax.errorbar(x, b.mean[0], yerr=err, color="black", capsize=3, lw=1)


def pool_time_chart(
    comparison: pd.DataFrame | Mapping[str, Any], pools: Sequence[str] | None = None
) -> Figure:
    """Where each pool's staffed time goes under each variant, side by side, from the metrics.

    A bar per pool and variant, stacked to 100 % of staffed time: consult
    and conference (occupancy × ``transfer_time_share``), the other work
    (handling, wrap-up, rediscovery, hand-off steps, dials) and idle time;
    the error bar is the 95 % CI of the occupancy.  Needs no records: it
    reads the comparison table or ``summary.json`` of ``simcc compare``.
    """
    if pools is None:
        metrics = comparison.get("metrics", {}) if isinstance(comparison, Mapping) else comparison
        pools = [str(m)[len("occupancy_") :] for m in metrics if str(m).startswith("occupancy_")]
    names = list(pools)
    wanted = [f"{p}_{pool}" for pool in names for p in ("occupancy", "transfer_time_share")]
    variants, est = variant_estimates(comparison, wanted)
    names = [pool for pool in names if f"occupancy_{pool}" in est]
    if not names:
        raise ValueError("no occupancy_<pool> metric in the comparison")
    width = 0.8 / max(1, len(variants))
    size = (max(8.0, 1.3 * len(names) * len(variants) + 2), 4.6)
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.subplots()
    parts = (
        ("consult and conference", ACTIVITY_COLOURS["consult"]),
        ("other work", ACTIVITY_COLOURS["handle"]),
        ("idle", "#dfe3e8"),
    )
    ticks, labels = [], []
    for i, pool in enumerate(names):
        for j, v in enumerate(variants):
            x = i + (j - (len(variants) - 1) / 2) * width
            occ = est[f"occupancy_{pool}"].get(v, Point(math.nan, math.nan, math.nan))
            share = est.get(f"transfer_time_share_{pool}", {}).get(v, Point(0.0, 0.0, 0.0))
            busy = 100 * occ.mean
            consult = busy * (share.mean if math.isfinite(share.mean) else 0.0)
            bottom = 0.0
            for (name, colour), h in zip(parts, (consult, busy - consult, 100 - busy), strict=True):
                label = name if (i, j) == (0, 0) else None
                ax.bar(x, h, width * 0.9, bottom=bottom, color=colour, label=label)
                bottom += h
            err = [[busy - 100 * occ.low], [100 * occ.high - busy]]
            ax.errorbar(x, busy, yerr=np.nan_to_num(err), color="black", capsize=3, lw=1)
            top = 100 * occ.high if math.isfinite(occ.high) else busy
            ax.annotate(f"{busy:.1f}%", (x, top), textcoords="offset points", xytext=(0, 3),
                        ha="center", fontsize=8)  # fmt: skip
            ticks.append(x)
            labels.append(f"{pool}\n{_legend_name(v)}" if len(variants) > 1 else pool)
    ax.set_xticks(ticks, labels, fontsize=8)
    ax.set_ylabel("share of staffed time, %")
    ax.set_ylim(0, 105)
    ax.grid(axis="y", alpha=0.3)
    fig.legend(fontsize=8, loc="outside right center")
    fig.suptitle("Staffed time per pool by activity (label: occupancy, error bar: its 95 % CI)")
    return fig


# ============================================================================ 5. sweep


SCENARIO_KEYS = {"horizon", "warmup", "seed", "replications", "name", "drain"}


def swept_fields(results: pd.DataFrame) -> list[str]:
    """The columns of a sweep table naming scenario fields (dotted paths), in table order."""
    return [c for c in results.columns if "." in str(c) or c in SCENARIO_KEYS]


def crossings(x: ArrayLike, a: ArrayLike, b: ArrayLike) -> list[tuple[float, float]]:
    """Where two curves on the same ``x`` grid cross: ``(x, y)`` by linear interpolation.

    A grid point where the curves are equal counts once; touching without
    changing sides counts too (the mean curves meet there).
    """
    xs, ya, yb = (np.asarray(v, dtype=float) for v in (x, a, b))
    d = ya - yb
    out: list[tuple[float, float]] = []
    for i in range(len(xs)):
        if not np.isfinite(d[i]):
            continue
        if d[i] == 0:
            out.append((float(xs[i]), float(ya[i])))
            continue
        if i + 1 < len(xs) and np.isfinite(d[i + 1]) and d[i] * d[i + 1] < 0:
            f = d[i] / (d[i] - d[i + 1])
            out.append(
                (float(xs[i] + f * (xs[i + 1] - xs[i])), float(ya[i] + f * (ya[i + 1] - ya[i])))
            )
    return out


def sweep_chart(
    results: pd.DataFrame, metric: str, x: str | None = None, by: str | None = None
) -> Figure:
    """A metric against a swept (staffing) field, one line per policy with 95 % CI bands.

    ``x``: the numeric swept column (default: the first whose path ends in
    ``agents``, else the first numeric one); ``by``: the column naming the
    lines (default ``transfer.policy`` if swept, else another swept column).
    Where the mean curves of two lines cross (linear interpolation between
    grid points) a marker and a dashed line show it and the title says where;
    otherwise the title says "no crossing".
    """
    x, by = sweep_axes(results, x, by)
    other = [f for f in swept_fields(results) if f not in (x, by) and results[f].nunique() > 1]
    if other:
        raise ValueError(f"the sweep also varies {other}; select one value of each first")
    if metric not in results:
        raise ValueError(f"no metric {metric!r} in the sweep results")
    groups = [str(g) for g in pd.unique(results[by])] if by else [""]
    colours = variant_colours(groups)
    xs = np.sort(results[x].astype(float).unique())
    scale, unit = unit_scale(metric, results[metric].to_numpy(float))
    fig = Figure(figsize=(8, 4.8), layout="constrained")
    ax = fig.subplots()
    means: dict[str, np.ndarray] = {}
    for g in groups:
        rows = results if by is None else results[results[by].astype(str) == g]
        b = _sweep_band(rows, x, metric, xs)
        means[g] = b.mean
        ax.plot(xs, b.mean * scale, marker="o", color=colours[g], label=_legend_name(g))
        if b.n > 1:
            ax.fill_between(xs, b.low * scale, b.high * scale, color=colours[g], alpha=0.2, lw=0)
    found = _mark_crossings(ax, xs, means, scale)
    if np.all(xs == np.round(xs)):  # agents, attempts…: no ticks at half an agent
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(x)
    ax.set_ylabel(axis_label(metric, unit))
    ax.grid(alpha=0.3)
    if by:
        ax.legend(title=by, fontsize=9)
    title = f"{fmt.title(metric)} against {x}: " + ("; ".join(found) if found else "no crossing")
    fig.suptitle("\n".join(textwrap.wrap(title, 90)))
    return fig


def sweep_axes(
    results: pd.DataFrame, x: str | None = None, by: str | None = None
) -> tuple[str, str | None]:
    """The swept column along the axis and the one naming the lines (see :func:`sweep_chart`)."""
    fields = swept_fields(results)
    numeric = [f for f in fields if pd.api.types.is_numeric_dtype(results[f])]
    if x is None:
        agents = [f for f in numeric if str(f).endswith("agents")]
        if not (agents or numeric):
            raise ValueError(f"no numeric swept field to draw along (swept: {fields})")
        x = (agents or numeric)[0]
    if by is None:
        rest = [f for f in fields if f != x and results[f].nunique() > 1]
        by = "transfer.policy" if "transfer.policy" in rest else (rest[0] if rest else None)
    return x, by


def _sweep_band(rows: pd.DataFrame, x: str, metric: str, xs: np.ndarray) -> Band:
    wide = rows.assign(_x=rows[x].astype(float)).pivot_table(
        index="replication", columns="_x", values=metric, aggfunc="mean"
    )
    return band(wide.reindex(columns=xs).to_numpy(float))


def _mark_crossings(
    ax: Axes, xs: np.ndarray, means: dict[str, np.ndarray], scale: float
) -> list[str]:
    """Mark each crossing of two mean curves; one phrase per pair that crosses."""
    names = list(means)
    found = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            points = crossings(xs, means[a], means[b])
            for cx, cy in points:
                ax.axvline(cx, color="grey", linestyle="--", linewidth=1)
                ax.plot([cx], [cy * scale], marker="X", color="black", markersize=10, zorder=5)
                ax.annotate(
                    f"{cx:.1f}", (cx, cy * scale), textcoords="offset points", xytext=(6, 6)
                )
            if points:
                where = ", ".join(f"{cx:.1f}" for cx, _ in points[:3])
                more = " …" if len(points) > 3 else ""
                found.append(f"{_legend_name(a)} and {_legend_name(b)} cross at {where}{more}")
    return found
