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

import pandas as pd
from matplotlib.figure import Figure


def missed_intervals(table: pd.DataFrame, target: float) -> pd.Series:
    """Whether each row's service level misses ``target`` by its CI bound (no data: no)."""
    low = table["service_level_ci_low"]
    return low.notna() & (low < target)


def interval_chart(
    table: pd.DataFrame, pool: str, target: float | None = None, title: str | None = None
) -> Figure:
    """Agents and service level per interval of ``pool``; ``target`` draws the SLA line."""
    rows = table[table["pool"] == pool].sort_values("start")
    if rows.empty:
        raise ValueError(f"no intervals of pool {pool!r} in the table")
    hours = ((rows["start"] + rows["end"]) / 2 / 3600).to_numpy()
    width = float((rows["end"] - rows["start"]).iloc[0]) / 3600
    fig = Figure(figsize=(9, 6), layout="constrained")
    agents, level = fig.subplots(2, 1, sharex=True)
    if "scheduled_agents" in rows:
        scheduled = rows["scheduled_agents"]
    elif "on_floor" in rows:
        scheduled = rows["on_floor"]
    else:
        scheduled = rows["scheduled"] if "scheduled" in rows else rows["present"]
    agents.step(hours, scheduled, where="mid", label="scheduled", color="#1f77b4")
    if "required" in rows:
        agents.step(
            hours, rows["required"], where="mid", label="required", color="black", linestyle="--"
        )
    agents.plot(hours, rows["busy"], marker="o", markersize=3, label="busy", color="#ff7f0e")
    agents.fill_between(
        hours, rows["busy_ci_low"], rows["busy_ci_high"], color="#ff7f0e", alpha=0.2, lw=0
    )
    agents.set_ylabel("agents")
    agents.set_ylim(bottom=0)
    agents.legend(loc="upper left", fontsize="small")
    agents.set_title(title or f"{pool}: agents and service level per interval")

    level.plot(hours, rows["service_level"], marker="o", markersize=3, label="service level")
    level.fill_between(
        hours,
        rows["service_level_ci_low"],
        rows["service_level_ci_high"],
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
    level.set_xlabel("hour of the day")
    level.legend(loc="lower left", fontsize="small")
    return fig
