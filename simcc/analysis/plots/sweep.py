"""Charts of a sweep: a metric against a swept staffing level, where policies cross."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

from simcc.analysis import format as fmt
from simcc.analysis.plots.base import (
    Band,
    _legend_name,
    axis_label,
    band,
    unit_scale,
    variant_colours,
)

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
