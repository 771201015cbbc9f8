"""Charts from records: waiting times, the day pool by pool, agent time by activity."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simcc.analysis.interval_plots import time_axis
from simcc.analysis.plots.base import (
    ACTIVITY_COLOURS,
    VARIANT,
    _legend_name,
    _replications,
    _variants,
    band,
    time_scale,
    variant_colours,
    with_variant,
)
from simcc.records import ACTIVITIES

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
        time_axis(ax, opens_at)
    axes[0, 1].legend(fontsize=8, loc="upper right")
    fig.suptitle(f"Over the day, {bin_size / 60:g}-minute intervals (95 % CI bands)")
    return fig


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
