"""Overflow routing from a call log: which call types overflow, and after how long.

In the Anonymous Bank log the internet desk's calls are mostly taken by its
own agents, but on some days general agents took a quarter of them, in about
two minutes each against eight for the desk. A scenario that sends
every internet call to the desk gives the desk work it never did and misses
the general agents' speed. :func:`route` decides which call types get
``overflow`` routing to the general pool (those whose calls other agents took
often enough), :func:`credit` says whose work each service was, and
:func:`calibrate_after` chooses the overflow step's ``after``.

**Choosing ``after``.** The log shows who took each call, not the ACD's
routing rule, and the rule was not a plain timer: 45 % of the calls general
agents took on the October weekdays were answered at once. So ``after`` is calibrated, not
read off: the fitted scenario is simulated for a grid of ``after`` values
(with common random numbers, the same seeds for every value) and the value
whose simulated share of the type's answered calls taken by the overflow
pool is closest to the log's share is kept. The share falls as ``after``
grows, so a bisection over the grid needs a handful of short runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simcc.fit.staffing import GENERAL_POOL, PoolPlan

__all__ = ["AFTER_GRID", "OverflowFit", "calibrate_after", "credit", "general_share", "route"]

AFTER_GRID: tuple[float, ...] = (
    0.0,
    10.0,
    20.0,
    30.0,
    45.0,
    60.0,
    90.0,
    120.0,
    180.0,
    240.0,
    300.0,
    450.0,
    600.0,
    900.0,
    1200.0,
    1800.0,
)
"""Candidate ``after`` values (seconds) for :func:`calibrate_after`."""


@dataclass
class OverflowFit:
    """The overflow step fitted for one call type and how well it matches the log."""

    call_type: str
    pool: str
    after: float
    observed_share: float
    """Share of the type's calls with a named agent that the overflow pool's agents took."""
    simulated_share: float
    """Share of the type's answered calls the overflow pool took, mean over replications."""
    calls: int
    """Calls of the type the overflow pool's agents took in the log (chosen days)."""
    tried: dict[float, float]
    """Simulated share for each ``after`` tried."""


def route(plan: PoolPlan, *, min_share: float = 0.05, min_calls: int = 10) -> dict[str, str]:
    """Call types to give overflow routing to the general pool, and that pool.

    A type with its own pool overflows when agents of the general pool took
    at least ``min_share`` of its calls (with a named agent) and at least
    ``min_calls`` of them. Sets and returns ``plan.routed``.
    """
    routed: dict[str, str] = {}
    if GENERAL_POOL in plan.pools:
        for t in plan.overflow:
            if plan.general_calls.get(t, 0) >= min_calls and general_share(plan, t) >= min_share:
                routed[t] = GENERAL_POOL
    plan.routed = routed
    return routed


def general_share(plan: PoolPlan, call_type: str) -> float:
    """Share of ``call_type``'s calls with a named agent that general agents took."""
    total = plan.type_calls.get(call_type, 0)
    return plan.general_calls.get(call_type, 0) / total if total else 0.0


def credit(calls: pd.DataFrame, plan: PoolPlan, by: str = "ctype") -> pd.Series:
    """The pool whose work each call's service was.

    The call type's own pool, but with overflow routing a call taken by an
    agent of the overflow pool (or of a pool split from it by skills) is that
    pool's work, and a call taken by an agent of a skill pool that takes its
    type is the skill pool's.
    """
    pools = calls[by].map(plan.pool_of)
    for t, target in plan.routed.items():
        agents = [a for p in plan.family(target) for a in plan.agents.get(p, [])]
        mine = (calls[by] == t) & calls["server"].isin(agents)
        pools = pools.mask(mine, target)
    for pool, types in plan.skills.items():
        mine = calls[by].isin(types) & calls["server"].isin(plan.agents.get(pool, []))
        pools = pools.mask(mine, pool)
    return pools


def calibrate_after(
    scenario: dict[str, Any],
    call_type: str,
    pool: str,
    observed_share: float,
    *,
    grid: Sequence[float] = AFTER_GRID,
    replications: int = 5,
    seed: int = 1,
) -> tuple[float, float, dict[float, float]]:
    """The ``after`` of the grid whose simulated overflow share is closest to the log's.

    ``scenario`` is the fitted scenario dict with ``call_types.<call_type>.overflow``
    set to ``{pool, after}`` (its ``after`` is replaced). Returns the chosen
    ``after``, its simulated share and the share for each value tried.
    """
    tried: dict[float, float] = {}

    def share(after: float) -> float:
        if after not in tried:
            tried[after] = _simulated_share(
                scenario, call_type, pool, after, replications=replications, seed=seed
            )
        return tried[after]

    lo, hi = 0, len(grid) - 1
    if share(grid[lo]) > observed_share > share(grid[hi]):  # bisect between them
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if share(grid[mid]) > observed_share:
                lo = mid
            else:
                hi = mid
    # the closest of every value tried (the shares need not fall strictly with after)
    best = min(sorted(tried), key=lambda a: (abs(tried[a] - observed_share), a))
    return best, tried[best], dict(sorted(tried.items()))


def _simulated_share(
    scenario: dict[str, Any],
    call_type: str,
    pool: str,
    after: float,
    *,
    replications: int,
    seed: int,
) -> float:
    """Mean over replications of the share of ``call_type``'s answered calls ``pool`` took."""
    from simcc.runner import simulate
    from simcc.scenario import scenario_from_dict

    data = {**scenario, "call_types": dict(scenario["call_types"])}
    data["call_types"][call_type] = {
        **scenario["call_types"][call_type],
        "overflow": {"pool": pool, "after": after},
    }
    s = scenario_from_dict(data)
    shares = []
    for rep in range(replications):
        contacts = simulate(s, seed=seed, replication=rep).contacts
        mine = contacts[(contacts["call_type"] == call_type) & contacts["answer"].notna()]
        if len(mine):
            shares.append(float((mine["answer_pool"] == pool).mean()))
    return float(np.mean(shares)) if shares else 0.0
