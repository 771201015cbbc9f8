"""Who was on duty: pools of agents and their availability, inferred from a call log.

An ACD log says which agent served which call, not who was logged in. Two
questions are answered here from the ``server`` column alone.

**Which pools?** (:func:`infer_pools`) An agent is *dedicated* to a call type
when at least ``dedicated_share`` of its calls on the chosen days are of that
type. A call type gets a pool of its own when its dedicated agents served
most (``min_coverage``) of its calls — in the Anonymous Bank log the internet
help desk, agents ``Z2…``, who take nothing but ``IN`` calls and 55–100 % of
them depending on the day. Every other agent and call type goes to the
general pool ``agents``. The calls of a dedicated type that other agents
took in the log (*overflow*) are counted; the scenario builder gives the type
overflow routing to the general pool when they are many enough.

**How many agents, when?** (:func:`infer_staffing`) Three estimators of the
number of agents on duty per interval, averaged over the chosen days:

``available`` (the default)
    An agent counts while serving a call of the pool's types (whichever pool
    the agent belongs to: the work, and so the capacity, is the pool's), and
    a pool agent counts while idle between two calls less than ``max_gap``
    apart (a longer gap is a break or the end of a shift: 15 min in a busy
    pool, longer in a quiet one, see :func:`break_threshold`) — but only
    while none of the pool's callers was waiting. The
    argument is *work conservation*: an agent free to take calls does not
    leave a caller in the queue, so idle time while callers waited was time
    the agent was not available (after-call work, a short break, other
    tasks). It is the capacity the callers actually saw. Bias: idle agents
    before the first and after the last call of a session are missed
    (under); an agent on a break shorter than ``max_gap`` while nobody waited
    is counted (over, but harmless: nobody was waiting).
``sessions``
    The same without the queue test: every gap shorter than ``max_gap``
    counts as on duty. Over-counts whenever agents are busy with something
    else while callers wait.
``distinct``
    The distinct agents with any service overlapping the interval (the first
    method of :mod:`simcc.fit`). An agent who takes one call in a half hour
    counts for all of it: in the bank's log it doubles the capacity.

The results are means (fractions of an agent); the scenario builder rounds
them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simcc.fit.estimate import HALF_HOUR, infer_agents, on_days
from simcc.fit.logs import DAY, NO_SERVER
from simcc.fit.options import MIN_BREAK, StaffingMethod

__all__ = [
    "GENERAL_POOL",
    "PoolPlan",
    "StaffingMethod",
    "available_agents",
    "break_threshold",
    "idle_gaps",
    "infer_pools",
    "infer_staffing",
]

GENERAL_POOL = "agents"

_GRID = int(2 * DAY)  # one-second grid over the day and the night after it


# --------------------------------------------------------------------------- pools


@dataclass
class PoolPlan:
    """Pools of agents: which call types each takes and which agents are in it.

    ``pool_of`` maps each call type to its pool; ``agents`` each pool to its
    agent names; ``overflow`` gives, for a call type with its own pool, the
    share of its served calls that agents of other pools took, and
    ``overflow_calls`` how many; ``general_calls`` how many of them agents of
    the general pool took, of ``type_calls`` with a named agent. ``routed``
    names the call types the scenario gives overflow routing to (set by the
    scenario builder).
    """

    pool_of: dict[str, str]
    agents: dict[str, list[str]]
    overflow: dict[str, float] = field(default_factory=dict)
    overflow_calls: dict[str, int] = field(default_factory=dict)
    general_calls: dict[str, int] = field(default_factory=dict)
    type_calls: dict[str, int] = field(default_factory=dict)
    routed: dict[str, str] = field(default_factory=dict)
    """Call types given overflow routing in the scenario, and the pool they overflow to."""

    def credit(self, call_type: str, server: str) -> str:
        """The pool whose work a service of ``call_type`` by ``server`` is.

        The call type's own pool, but with overflow routing a call taken by an
        agent of the overflow pool is that pool's work.
        """
        target = self.routed.get(call_type)
        if target is not None and server in self.agents.get(target, ()):
            return target
        return self.pool_of[call_type]

    @property
    def pools(self) -> list[str]:
        """Pool names, the general pool first."""
        names = list(dict.fromkeys(self.pool_of.values()))
        return sorted(names, key=lambda p: (p != GENERAL_POOL, p))

    def types_of(self, pool: str) -> list[str]:
        """Call types served by ``pool``."""
        return [t for t, p in self.pool_of.items() if p == pool]

    def describe(self) -> list[str]:
        """One line per pool: its call types and number of agents."""
        out = []
        for pool in self.pools:
            line = f"{pool}: call types {', '.join(self.types_of(pool))}; "
            line += f"{len(self.agents.get(pool, []))} named agents"
            shares = [
                f"{t} {self.overflow[t]:.0%}" for t in self.types_of(pool) if t in self.overflow
            ]
            if shares:
                line += f" (calls taken by other pools' agents: {', '.join(shares)})"
            out.append(line)
        return out


def infer_pools(
    calls: pd.DataFrame,
    by: str = "type",
    *,
    dedicated_share: float = 0.9,
    min_coverage: float = 0.5,
    min_calls: int = 3,
) -> PoolPlan:
    """Split agents into a general pool and pools dedicated to one call type.

    ``calls`` are the chosen days' calls, ``by`` the column with the call
    type. Whether a call type gets its own pool is decided on agents with at
    least ``min_calls`` calls (too little evidence otherwise), and on at least
    ``min_calls`` served calls of the type; once it has one, every agent with
    ``dedicated_share`` of its calls of that type joins it, however few its
    calls. ``overflow`` and ``overflow_calls`` count the type's calls taken by
    agents outside its pool, ``general_calls`` those taken by general agents.
    """
    served = calls[(calls["outcome"] == "AGENT") & (calls["server"] != NO_SERVER)]
    table = pd.crosstab(served["server"], served[by])
    types = [str(t) for t in pd.unique(calls[by])]
    pool_of = {t: GENERAL_POOL for t in types}
    member = {str(a): GENERAL_POOL for a in table.index}
    overflow: dict[str, float] = {}
    overflow_calls: dict[str, int] = {}
    if not table.empty:
        totals = table.sum(axis=1)
        top = table.idxmax(axis=1)
        share = table.max(axis=1) / totals
        dedicated = (share >= dedicated_share) & (totals >= min_calls)
        for t in table.columns:
            mine = dedicated & (top == t)
            done = int(table.loc[mine, t].sum())
            total = int(table[t].sum())
            if total >= min_calls and mine.any() and done >= min_coverage * total:
                pool = f"{GENERAL_POOL}_{t}"
                pool_of[str(t)] = pool
                members = (share >= dedicated_share) & (top == t)  # few calls or not
                for agent in table.index[members]:
                    member[str(agent)] = pool
                done = int(table.loc[members, t].sum())
                overflow[str(t)] = 1 - done / total
                overflow_calls[str(t)] = total - done
    if all(p != GENERAL_POOL for p in pool_of.values()):
        member = {a: pool_of[str(top[a])] for a in member}  # no general pool left
    agents: dict[str, list[str]] = {p: [] for p in dict.fromkeys(pool_of.values())}
    for agent, pool in member.items():
        if pool in agents:
            agents[pool].append(agent)
    general = table.index.isin(agents.get(GENERAL_POOL, []))
    general_calls = {t: int(table.loc[general, t].sum()) for t in overflow}
    type_calls = {t: int(table[t].sum()) for t in overflow}
    return PoolPlan(
        pool_of=pool_of,
        agents=agents,
        overflow=overflow,
        overflow_calls=overflow_calls,
        general_calls=general_calls,
        type_calls=type_calls,
    )


# --------------------------------------------------------------------------- staffing


def _counts(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many of the intervals [start, end) cover each second of the grid."""
    delta = np.zeros(_GRID + 1)
    s = np.clip(np.floor(starts).astype(int), 0, _GRID)
    e = np.clip(np.floor(ends).astype(int), 0, _GRID)
    np.add.at(delta, s, 1.0)
    np.add.at(delta, e, -1.0)
    return np.cumsum(delta)[:_GRID]


def _services(calls: pd.DataFrame, agents: Sequence[str] | None) -> pd.DataFrame:
    """Services (by ``agents``, or anyone) with known times, sorted by agent and start."""
    mine = calls[calls["ser_start"].notna()]
    if agents is not None:
        mine = mine[mine["server"].isin(list(agents))]
    mine = mine.assign(
        ser_exit=np.maximum(mine["ser_exit"].fillna(mine["ser_start"]), mine["ser_start"])
    )
    return mine.sort_values(["server", "ser_start"])


def available_agents(
    day_calls: pd.DataFrame,
    agents: Sequence[str],
    types: Sequence[str],
    *,
    by: str = "type",
    max_gap: float = 900.0,
    when_waiting: bool = False,
    credit: tuple[str, str] | None = None,
) -> np.ndarray:
    """Agents of one pool available at each second of one day (and the night after it).

    ``day_calls`` are one day's calls, ``agents`` the pool's agents and
    ``types`` the call types it serves. An agent counts while serving a call
    of those types, whoever it belongs to (the work is the pool's, even when
    an agent of another pool did it), and a pool agent counts while idle
    between two of its calls less than ``max_gap`` apart — except while a
    caller of those types was waiting, unless ``when_waiting`` (the
    ``sessions`` estimator). With ``credit = (column, pool)`` the pool's work
    is instead the services whose ``column`` names ``pool`` (with overflow
    routing, a call taken by an agent of the overflow pool is that pool's
    work).
    """
    named = day_calls[day_calls["server"] != NO_SERVER]
    mine = named[by].isin(list(types)) if credit is None else named[credit[0]] == credit[1]
    work = _services(named[mine], None)
    busy = _counts(work["ser_start"].to_numpy(dtype=float), work["ser_exit"].to_numpy(dtype=float))
    services = _services(named, agents)
    end = services["ser_exit"].to_numpy(dtype=float)
    following = services.groupby("server")["ser_start"].shift(-1).to_numpy(dtype=float)
    gap = following - end
    idle_gap = np.isfinite(following) & (gap > 0) & (gap <= max_gap)
    idle = _counts(end[idle_gap], following[idle_gap])
    if when_waiting:
        return busy + idle
    queued = day_calls[day_calls["queued"] & day_calls[by].isin(list(types))]
    arrival = queued["arrival"].to_numpy(dtype=float)
    waiting = _counts(arrival, arrival + queued["wait"].to_numpy(dtype=float))
    return busy + idle * (waiting == 0)


def idle_gaps(
    day_calls: pd.DataFrame, agents: Sequence[str], types: Sequence[str], by: str = "type"
) -> np.ndarray:
    """One day's idle gaps of ``agents`` (seconds) during which none of the pool's callers waited.

    These gaps are, mostly, agents waiting for their next call; the rest are
    breaks. (Gaps with callers waiting are neither: the agent was elsewhere.)
    """
    services = _services(day_calls[day_calls["server"] != NO_SERVER], agents)
    end = services["ser_exit"].to_numpy(dtype=float)
    following = services.groupby("server")["ser_start"].shift(-1).to_numpy(dtype=float)
    keep = np.isfinite(following) & (following > end)
    start, stop = end[keep], following[keep]
    queued = day_calls[day_calls["queued"] & day_calls[by].isin(list(types))]
    arrival = queued["arrival"].to_numpy(dtype=float)
    waiting = np.concatenate([[0.0], np.cumsum(_counts(arrival, arrival + queued["wait"]) > 0)])
    s = np.clip(np.floor(start).astype(int), 0, _GRID)
    e = np.clip(np.floor(stop).astype(int), 0, _GRID)
    quiet = waiting[e] - waiting[s] == 0
    return (stop - start)[quiet]


def break_threshold(
    calls: pd.DataFrame,
    days: Sequence[dt.date],
    agents: Sequence[str],
    types: Sequence[str],
    *,
    by: str = "type",
    floor: float = MIN_BREAK,
    tail: float = 0.05,
) -> float:
    """The idle gap beyond which an agent of this pool is taken to be on a break.

    Waiting for the next call, an agent's idle gaps look exponential; breaks
    are their long tail. The threshold is the ``1 − tail`` quantile of the
    exponential with the median of the pool's quiet idle gaps
    (:func:`idle_gaps`), and never under ``floor``: in a busy pool (median
    gap 2 min in the bank's general pool) it is ``floor`` (20 min); in a
    quiet one (the internet desk, median 9 min) it is longer (about 40 min),
    for there an agent waits long for each call.
    """
    gaps = np.concatenate(
        [idle_gaps(on_days(calls, [day]), agents, types, by) for day in days] or [np.zeros(0)]
    )
    if len(gaps) == 0:
        return floor
    return max(floor, float(np.median(gaps)) * np.log(1 / tail) / np.log(2))


def infer_staffing(
    calls: pd.DataFrame,
    days: Sequence[dt.date],
    agents: Sequence[str],
    types: Sequence[str],
    *,
    by: str = "type",
    interval: float = HALF_HOUR,
    method: StaffingMethod = "available",
    max_gap: float | None = None,
    min_break: float = MIN_BREAK,
    credit: tuple[str, str] | None = None,
) -> pd.Series:
    """Mean agents of one pool on duty per ``interval`` of the day, over ``days``.

    ``agents`` are the pool's agents and ``types`` the call types whose
    waiting callers the pool serves. An idle gap longer than ``max_gap`` is a
    break (default: :func:`break_threshold`, at least ``min_break``). The
    index is the interval start in seconds since midnight (a day's intervals,
    or more when services run past midnight); values are means over the days,
    in agents (not rounded).
    The threshold used is in ``series.attrs["max_gap"]``. ``credit`` says
    whose work a service is (see :func:`available_agents`).
    """
    if not days:
        raise ValueError("no days to average over")
    if method == "distinct":
        return _distinct(calls[calls["server"].isin(list(agents))], days, interval)
    step = round(interval)
    if step <= 0 or int(DAY) % step:
        raise ValueError(f"the staffing interval must divide a day, got {interval:g} s")
    if max_gap is None:
        max_gap = break_threshold(calls, days, agents, types, by=by, floor=min_break)
    total = np.zeros(_GRID)
    for day in days:
        day_calls = on_days(calls, [day])
        sessions = method == "sessions"
        total += available_agents(
            day_calls,
            agents,
            types,
            by=by,
            max_gap=max_gap,
            when_waiting=sessions,
            credit=credit,
        )
    per_second = total / len(days)
    means = per_second.reshape(-1, step).mean(axis=1)
    last = max(int(DAY) // step, int(np.nonzero(means)[0].max()) + 1 if means.any() else 0)
    series = pd.Series(means[:last], index=np.arange(last) * float(step))
    series.index.name = "start"
    series.attrs["max_gap"] = max_gap
    return series


def _distinct(calls: pd.DataFrame, days: Sequence[dt.date], interval: float) -> pd.Series:
    """:func:`~simcc.fit.estimate.infer_agents` as unrounded means."""
    return infer_agents(calls, days, interval, rounded=False)
