"""The interval chart: agents required, scheduled and busy, and service level per interval.

Draws an interval table (:func:`simcc.analysis.intervals.interval_table`, or
the ``staffing.csv`` / ``check.csv`` of ``simcc staff --interval`` and
``simcc shifts``) for one pool: the top panel shows the agents scheduled, the
agents busy (with their 95 % CI band) and, where the table has them, the
agents required; the bottom panel the service level with its CI band against
the target, intervals whose CI bound misses the target marked.  Like
:mod:`simcc.analysis.plots` it uses matplotlib's object API (no ``pyplot``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from simcc.analysis import format as fmt

ROSTERED = "rostered (required / (1 − shrinkage))"
ON_FLOOR = "on the floor (plan)"


def missed_intervals(table: pd.DataFrame, target: float) -> pd.Series:
    """Whether each row's service level misses ``target`` by its CI bound (no data: no)."""
    low = table["service_level_ci_low"]
    return low.notna() & (low < target)


def interval_chart(
    table: pd.DataFrame,
    pool: str,
    target: float | None = None,
    title: str | None = None,
    opens_at: object = None,
) -> Figure:
    """Agents and service level per interval of ``pool``; ``target`` draws the SLA line.

    Time runs in hours since opening, or in clock time given ``opens_at`` (``"08:00"``).
    The CI bands are clipped to what they can take (:func:`simcc.analysis.format.bounds`:
    agents at 0, the service level at 0 and 100 %).  The steps are the agents on the floor
    (``scheduled_agents``, ``on_floor``, a records table's ``scheduled``) or, for a
    ``staffing.csv`` (it has ``shrinkage``), its ``scheduled``: the agents to roster,
    required / (1 − shrinkage), labelled so."""
    rows = table[table["pool"] == pool].sort_values("start")
    if rows.empty:
        raise ValueError(f"no intervals of pool {pool!r} in the table")
    hours = ((rows["start"] + rows["end"]) / 2 / 3600).to_numpy()
    width = float((rows["end"] - rows["start"]).iloc[0]) / 3600
    fig = Figure(figsize=(9, 6), layout="constrained")
    agents, level = fig.subplots(2, 1, sharex=True)
    scheduled, label = _steps(rows)
    agents.step(hours, scheduled, where="mid", label=label, color="#1f77b4")
    if "required" in rows:
        agents.step(
            hours, rows["required"], where="mid", label="required", color="black", linestyle="--"
        )
    agents.plot(hours, rows["busy"], marker="o", markersize=3, label="busy", color="#ff7f0e")
    agents.fill_between(hours, *_clip("answered", rows, "busy"), color="#ff7f0e", alpha=0.2, lw=0)
    agents.set_ylabel("agents")
    agents.set_ylim(bottom=0)
    agents.legend(loc="upper left", fontsize="small")
    agents.set_title(title or f"{pool}: agents and service level per interval")

    level.plot(hours, rows["service_level"], marker="o", markersize=3, label="service level")
    level.fill_between(
        hours,
        *_clip("service_level", rows, "service_level"),
        alpha=0.2,
        lw=0,
        label="95% CI",
    )
    if target is not None:
        level.axhline(target, color="black", linestyle="--", lw=1, label=f"target {target:.0%}")
        miss = missed_intervals(rows, target).to_numpy()
        if miss.any():
            level.bar(
                hours[miss], 1.0, width=width, color="red", alpha=0.12, label="misses the target"
            )
    level.set_ylim(0, 1.02)
    level.set_ylabel("service level")
    time_axis(level, opens_at)
    level.legend(loc="lower left", fontsize="small")
    return fig


def _steps(rows: pd.DataFrame) -> tuple[pd.Series, str]:
    """The agents the steps draw and their label (on the floor, or rostered)."""
    for column in ("scheduled_agents", "on_floor"):
        if column in rows:
            return rows[column], ON_FLOOR
    if "scheduled" in rows:
        return rows["scheduled"], ROSTERED if "shrinkage" in rows else ON_FLOOR
    return rows["present"], ON_FLOOR


def _clip(name: str, rows: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """A CI band's bounds clipped to what ``name`` can take (:func:`fmt.bounds`)."""
    low, high = fmt.bounds(name)
    ends = (rows[f"{column}_ci_{end}"].to_numpy(float) for end in ("low", "high"))
    lo, hi = (np.clip(x, low, high) for x in ends)
    return lo, hi


def time_axis(ax: Axes, opens_at: object) -> None:
    """Hours since opening, or clock time (``09:00``) when the opening is known."""
    if fmt.opening_seconds(opens_at) is None:
        ax.set_xlabel("hours since opening")
        return
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda h, _: fmt.clock(3600 * h, opens_at)))
    ax.set_xlabel("time of day")
