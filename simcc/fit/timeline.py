"""A day of the log on a one-second grid: how many services (or waits) cover each second.

The staffing estimate (:mod:`simcc.fit.staffing`) and the break rules
(:mod:`simcc.fit.breaks`) count agents, callers and calls second by second
over a day and the night after it (services run past midnight): :data:`GRID`
seconds from midnight. Times are seconds since the day's midnight.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simcc.fit.logs import DAY

__all__ = ["GRID", "coverage", "services_of"]

GRID = int(2 * DAY)
"""Seconds of the grid: the day and the night after it."""


def coverage(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many of the intervals [start, end) cover each second of the grid."""
    delta = np.zeros(GRID + 1)
    s = np.clip(np.floor(starts).astype(int), 0, GRID)
    e = np.clip(np.floor(ends).astype(int), 0, GRID)
    np.add.at(delta, s, 1.0)
    np.add.at(delta, e, -1.0)
    return np.cumsum(delta)[:GRID]


def services_of(calls: pd.DataFrame, agents: Sequence[str] | None) -> pd.DataFrame:
    """Services (by ``agents``, or anyone) with known times, sorted by agent and start."""
    mine = calls[calls["ser_start"].notna()]
    if agents is not None:
        mine = mine[mine["server"].isin(list(agents))]
    mine = mine.assign(
        ser_exit=np.maximum(mine["ser_exit"].fillna(mine["ser_start"]), mine["ser_start"])
    )
    return mine.sort_values(["server", "ser_start"])
