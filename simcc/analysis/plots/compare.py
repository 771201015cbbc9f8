"""Charts of a comparison: headline metrics per variant, staffed time per pool."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simcc.analysis import format as fmt
from simcc.analysis.plots.base import (
    ACTIVITY_COLOURS,
    Point,
    _legend_name,
    axis_label,
    unit_scale,
    variant_colours,
    variant_estimates,
)

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
